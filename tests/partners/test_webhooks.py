"""Signed webhooks through the outbox, end to end: a partner's order dispatched, driven and rated, every step
delivered to a real HTTP receiver that checks each signature; a receiver that fails for a while, a sender
killed mid-flight, an event that died and was replayed."""

import asyncio
import itertools
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import aiohttp
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import events
from app.auth.tokens import Principal
from app.config import Settings
from app.db import transaction
from app.enums import Role, Service
from app.orders.models import Order
from app.orders.schemas import OrderRead
from app.partners.targets import PublicOnlyResolver
from app.routing.osrm import OsrmClient
from tests.conftest import MIKONKATU, Actor, Api, eventually
from tests.dispatch.helpers import run_round
from tests.partners.helpers import PartnerAccess, make_partner, member_order
from tests.webhook_receiver import Receiver, webhook_receiver
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.schemas import EventData, FeedbackSent, WebhookEvent
from webhooks.sender import Sender, SenderConfig, connector_for

FAST = SenderConfig(batch_size=100, timeout_s=2.0, backoff_base_s=0.01, backoff_cap_s=0.05, concurrency=8)
WHOLE_JOB = ["order.assigned", "order.en_route", "order.arrived", "order.completed", "feedback.received"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
async def sender(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Sender]:
    async with aiohttp.ClientSession() as client:
        yield Sender(sessions, client, FAST)


async def hooked_partner(api: Api, receiver: Receiver) -> PartnerAccess:
    partner = await make_partner(api, webhook_url=receiver.url)
    receiver.secret = partner.webhook_secret
    return partner


async def drain(sender: Sender, sessions: async_sessionmaker[AsyncSession], rounds: int = 200) -> None:
    """Sends until nothing waits (the fast backoff makes retries due within milliseconds)."""
    for _ in range(rounds):
        await sender.send_due()
        async with sessions() as session:
            waiting = await session.execute(
                select(WebhookDelivery.id).where(WebhookDelivery.status.in_(DeliveryStatus.waiting())).limit(1)
            )
            if waiting.first() is None:
                return
        await asyncio.sleep(0.02)
    raise AssertionError("deliveries still waiting")


async def member_of(sessions: async_sessionmaker[AsyncSession], app: FastAPI, order_id: str) -> Actor:
    async with sessions() as session:
        driver_id = (await session.execute(select(Order.driver_id).where(Order.id == UUID(order_id)))).scalar_one()
    return Actor(driver_id, app.state.tokens.issue(Principal(driver_id, Role.DRIVER)))


async def whole_job(api: Api, app: FastAPI, partner: PartnerAccess, sessions: async_sessionmaker[AsyncSession],
                    phone: str = "+358 40 123 4567", technician: Actor | None = None) -> dict[str, Any]:  # fmt: skip
    """A member's order dispatched by the real dispatcher, accepted, driven, completed and rated."""
    technician = technician or await api.technician(name="Greta Lind", display_name="Greta L.")
    placed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU, phone=phone),
                                   headers=partner.headers)  # fmt: skip
    assert placed.status_code == 201, placed.text
    order: dict[str, Any] = placed.json()
    report = await run_round(app)
    assert report.offers == 1
    offers = (await api.client.get("/v1/technicians/me/offers", headers=technician.headers)).json()["items"]
    accepted = await api.client.post(f"/v1/offers/{offers[0]['id']}/accept", headers=technician.headers)
    assert accepted.status_code == 200, accepted.text
    await api.finish(order["id"], technician, resolution="fixed_on_site")
    member = await member_of(sessions, app, order["id"])
    assert (await api.rate(order["id"], member, csat=5, nps=10)).status_code == 201
    return order


async def test_every_step_of_a_partners_order_arrives_signed_and_in_order(
    api: Api, app: FastAPI, osrm: OsrmClient, receiver: Receiver, sender: Sender,
    sessions: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    partner = await hooked_partner(api, receiver)
    order = await whole_job(api, app, partner, sessions)
    await drain(sender, sessions)

    accepted = receiver.accepted()
    assert [c.event_type for c in accepted] == WHOLE_JOB
    assert all(c.signed for c in receiver.calls)
    assert {c.order_id for c in accepted} == {order["id"]}
    assert len({c.event_id for c in accepted}) == len(accepted)
    assigned = accepted[0].body["data"]["order"]
    assert assigned["technician"]["name"] == "Greta L."
    assert assigned["eta"]["promised_at"] is not None
    assert assigned["partner_reference"] == "CLM-1"
    assert accepted[-1].body["data"]["feedback"]["nps"] == 10
    # Each is what the API document says it is: its type listed among the webhooks, its body the WebhookEvent schema.
    documented = app.openapi()["webhooks"]
    for call in accepted:
        assert documented[call.event_type]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/WebhookEvent"
        }
        WebhookEvent.model_validate(call.body)
        assert set(call.body) == set(WebhookEvent.model_fields)
        assert set(call.body["data"]) <= set(EventData.model_fields)
        assert set(call.body["data"]["order"]) == set(OrderRead.model_fields)
        if call.event_type == "feedback.received":
            assert set(call.body["data"]["feedback"]) == set(FeedbackSent.model_fields)

    listed = (await api.client.get("/v1/partner/webhook-deliveries", headers=partner.headers)).json()["items"]
    assert [d["event_type"] for d in reversed(listed)] == WHOLE_JOB
    assert all(d["status"] == "delivered" and d["attempts"] == 1 for d in listed)
    assert all(d["history"][0]["status_code"] == 200 for d in listed)


async def test_a_forged_signature_is_what_a_receiver_refuses(receiver: Receiver) -> None:
    receiver.secret = "whsec_the_partners"
    async with httpx.AsyncClient() as client:
        body = b'{"id":"x","type":"order.assigned","data":{"order":{"id":"o"}}}'
        forged = await client.post(receiver.url, content=body, headers={"Trustloop-Signature": "t=1,v1=00"})
    assert forged.status_code == 400
    assert receiver.accepted() == []


async def test_a_receiver_failing_for_a_while_gets_every_event_once_with_the_same_ids(
    api: Api, app: FastAPI, osrm: OsrmClient, receiver: Receiver, sender: Sender,
    sessions: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    partner = await hooked_partner(api, receiver)
    failures = {"left": 7}

    def flaky(_: dict[str, Any]) -> int:
        if failures["left"] > 0:
            failures["left"] -= 1
            return 500
        return 200

    receiver.answer = flaky
    await whole_job(api, app, partner, sessions)
    await drain(sender, sessions)

    accepted = receiver.accepted()
    assert [c.event_type for c in accepted] == WHOLE_JOB
    assert len({c.event_id for c in accepted}) == len(WHOLE_JOB)  # each taken in exactly once
    refused_ids = {c.event_id for c in receiver.calls if c.answered == 500}
    assert refused_ids <= {c.event_id for c in accepted}  # retried under the same id
    assert sum(c.answered == 500 for c in receiver.calls) == 7
    listed = (await api.client.get("/v1/partner/webhook-deliveries", headers=partner.headers)).json()["items"]
    first = next(d for d in listed if d["event_type"] == "order.assigned")
    assert first["attempts"] == 8
    assert [h["status_code"] for h in first["history"]] == [500] * 7 + [200]


async def test_an_event_that_died_is_delivered_again_on_replay_by_the_partner_only(
    api: Api, osrm: OsrmClient, receiver: Receiver, sender: Sender, sessions: async_sessionmaker[AsyncSession]
) -> None:
    partner = await hooked_partner(api, receiver)
    receiver.answer = lambda _: 503
    placed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=partner.headers)
    await api.client.post(f"/v1/partner/orders/{placed.json()['id']}/cancel", json={}, headers=partner.headers)
    async with transaction(sessions) as session:  # the retry window has passed
        await session.execute(update(WebhookDelivery).values(retry_until=datetime.now(UTC) - timedelta(seconds=1)))
    await sender.send_due()
    dead = (await api.client.get("/v1/partner/webhook-deliveries", headers=partner.headers)).json()["items"][0]
    assert dead["status"] == "dead"
    assert dead["next_attempt_at"] is None

    other = await make_partner(api, "Other")
    path = f"/v1/partner/webhook-deliveries/{dead['id']}/replay"
    assert (await api.client.post(path, headers=other.headers)).status_code == 404
    receiver.answer = lambda _: 200
    assert (await api.client.post(path, headers=partner.headers)).status_code == 202
    await drain(sender, sessions)
    assert [c.event_id for c in receiver.accepted()] == [dead["event_id"]]
    operator = await api.operator()
    seen = await api.client.get(f"/v1/ops/partners/{partner.id}/webhook-deliveries", headers=operator.headers)
    assert seen.json()["items"][0]["status"] == "delivered"


async def test_no_webhook_for_a_partner_without_an_endpoint_or_for_drivers_own_orders(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    silent = await make_partner(api)
    await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=silent.headers)
    driver = await api.driver()
    order = await api.order(driver)
    await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=driver.headers)
    async with sessions() as session:
        assert (await session.execute(select(WebhookDelivery))).first() is None


async def test_outside_development_no_webhook_goes_to_a_private_address(
    api: Api, app: FastAPI, osrm: OsrmClient, receiver: Receiver, sessions: async_sessionmaker[AsyncSession]
) -> None:
    partner = await hooked_partner(api, receiver)  # registered while allowed: the receiver is on this machine
    operator = await api.operator()
    allowed = app.state.settings
    app.state.settings = allowed.model_copy(update={"webhook_private_targets": False})  # as in production
    try:
        for url in ("http://169.254.169.254/latest/meta-data", "http://127.0.0.1:5432/", "http://[::1]:8000/hook",
                    "http://10.0.0.7/hook", "https://localhost/hook", "http://[::ffff:127.0.0.1]/"):  # fmt: skip
            created = await api.client.post("/v1/ops/partners", headers=operator.headers,
                                             json={"name": "Probe", "kind": "insurer", "webhook_url": url})  # fmt: skip
            moved = await api.client.patch(f"/v1/ops/partners/{partner.id}", json={"webhook_url": url},
                                           headers=operator.headers)  # fmt: skip
            for refused in (created, moved):
                assert refused.status_code == 422, (url, refused.text)
                assert refused.json()["type"].endswith("/webhook-url-not-public"), refused.text
        public = {"name": "Fleet Co", "kind": "fleet", "webhook_url": "https://hooks.fleet.example/trustloop"}
        assert (await api.client.post("/v1/ops/partners", json=public, headers=operator.headers)).status_code == 201
    finally:
        app.state.settings = allowed
    # Nor does the sender call one, whenever its address was stored: written out, or a name that resolves to it.
    placed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=partner.headers)
    await api.client.post(f"/v1/partner/orders/{placed.json()['id']}/cancel", json={}, headers=partner.headers)
    strict = replace(FAST, private_targets=False)
    async with aiohttp.ClientSession(connector=connector_for(strict)) as client:
        assert (await Sender(sessions, client, strict).send_due()).sent == 1
    assert receiver.calls == []
    listed = (await api.client.get("/v1/partner/webhook-deliveries", headers=partner.headers)).json()["items"]
    assert listed[0]["history"][0]["error"] == "refused: 127.0.0.1 is not a public address"
    with pytest.raises(OSError, match="no public address"):
        await PublicOnlyResolver().resolve("localhost", 80)


async def test_a_slipping_eta_is_reported_once_per_real_move(
    api: Api, app: FastAPI, osrm: OsrmClient, receiver: Receiver, sessions: async_sessionmaker[AsyncSession]
) -> None:
    partner = await hooked_partner(api, receiver)
    technician = await api.technician()
    placed = (await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=partner.headers)).json()
    assert (await api.assign(placed["id"], technician)).status_code == 200
    promised = datetime.now(UTC) + timedelta(minutes=10)
    member = await member_of(sessions, app, placed["id"])

    async def estimate(minutes_late: float) -> None:
        async with transaction(sessions) as session:
            await events.publish(session, events.ArrivalEstimated(
                at=datetime.now(UTC), order_id=UUID(placed["id"]), driver_id=member.id,
                technician_id=technician.id, service=Service.TOW, status="en_route", promised_at=promised,
                arrival_at=promised + timedelta(minutes=minutes_late),
            ))  # fmt: skip

    for late in (1, 5, 6, 7.5, 11):  # within the promise's slack, slipped, small moves, a real move
        await estimate(late)
    async with sessions() as session:
        kinds = (
            await session.execute(
                select(WebhookDelivery.event_type).where(WebhookDelivery.event_type == "order.eta_changed")
            )
        ).all()
    assert len(kinds) == 2


async def test_a_sender_killed_mid_flight_loses_nothing(
    api: Api, app: FastAPI, osrm: OsrmClient, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    with webhook_receiver() as slow:
        partner = await hooked_partner(api, slow)

        def after_a_pause(_: dict[str, Any]) -> int:
            import time

            time.sleep(0.3)  # the sender is killed while requests are in flight
            return 200

        slow.answer = after_a_pause
        technician = await api.technician(name="Greta Lind", display_name="Greta L.")
        orders = [
            await whole_job(api, app, partner, sessions, phone=f"+358 40 000 00{n:02d}", technician=technician)
            for n in range(3)
        ]
        env = {**os.environ, "TRUSTLOOP_DATABASE_URL": settings.database_url, "TRUSTLOOP_WEBHOOK_BACKOFF_BASE_S": "0.1",
               "TRUSTLOOP_WEBHOOK_INTERVAL_S": "0.2", "TRUSTLOOP_WEBHOOK_TIMEOUT_S": "2"}  # fmt: skip
        command = [sys.executable, "-m", "trustloop.cli", "worker", "webhooks"]
        first = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.DEVNULL)
        try:
            assert await eventually(lambda: _some(slow), timeout_s=20)
            first.send_signal(signal.SIGKILL)
            await asyncio.wait_for(first.wait(), timeout=10)
        finally:
            if first.returncode is None:
                first.kill()
        second = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.DEVNULL)
        try:

            async def all_delivered() -> bool:
                async with sessions() as session:
                    statuses = (await session.execute(select(WebhookDelivery.status))).scalars().all()
                return len(statuses) == 15 and all(s is DeliveryStatus.DELIVERED for s in statuses)

            assert await eventually(all_delivered, timeout_s=60)
        finally:
            second.terminate()
            await asyncio.wait_for(second.wait(), timeout=10)
        accepted = slow.accepted()
    for order in orders:
        firsts: list[str] = []
        for call in accepted:
            if call.order_id == order["id"] and call.event_type not in firsts:
                firsts.append(call.event_type)
        assert firsts == WHOLE_JOB  # every event, each first taken in its order
    assert len({c.event_id for c in accepted}) == 15
    assert len(accepted) - 15 <= 3  # at most the requests in flight at the kill came twice, with their ids


async def test_several_senders_at_once_keep_each_orders_events_in_order(
    api: Api, app: FastAPI, osrm: OsrmClient, receiver: Receiver, sessions: async_sessionmaker[AsyncSession]
) -> None:
    partner = await hooked_partner(api, receiver)
    technician = await api.technician(name="Greta Lind", display_name="Greta L.")
    orders = [
        await whole_job(api, app, partner, sessions, phone=f"+358 40 000 01{n:02d}", technician=technician)
        for n in range(3)
    ]
    calls = itertools.count(1)

    def sometimes_refused(_: dict[str, Any]) -> int:
        return 503 if next(calls) % 4 == 0 else 200

    receiver.answer = sometimes_refused
    async with aiohttp.ClientSession() as client:
        senders = [Sender(sessions, client, FAST) for _ in range(4)]  # as the worker's pumps, on one table
        await asyncio.gather(*(drain(s, sessions) for s in senders))
    accepted = receiver.accepted()
    assert len(accepted) == 15
    assert len({c.event_id for c in accepted}) == 15
    for order in orders:
        assert [c.event_type for c in accepted if c.order_id == order["id"]] == WHOLE_JOB


async def _some(receiver: Receiver) -> bool:
    return bool(receiver.accepted())
