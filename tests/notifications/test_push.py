"""Pushes through the real firebase-admin SDK to a local FCM stand-in over HTTP."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import transaction
from app.orders.models import Order
from notifications import policy
from notifications.fcm import FcmGateway
from notifications.models import Device, Notification, NotificationStatus
from tests.conftest import Actor, Api, eventually
from tests.dispatch.helpers import TEST_CONFIG, run_round
from tests.notifications.helpers import attempts, by_token, drain, received


@pytest.fixture(scope="session")
async def gateway(fcm_credentials: Path, fcm_standin: str) -> AsyncIterator[FcmGateway]:
    fcm = FcmGateway(fcm_credentials, fcm_standin)
    yield fcm
    await fcm.aclose()


@pytest.fixture(autouse=True)
def _fresh_standin(fcm_standin: str) -> None:
    httpx.post(f"{fcm_standin}/reset")


async def register(api: Api, actor: Actor, token: str, locale: str = "en", platform: str = "android") -> None:
    body = {"token": token, "platform": platform, "locale": locale}
    assert (await api.client.post("/v1/devices", json=body, headers=actor.headers)).status_code == 201


async def test_a_whole_lifecycle_pushes_exactly_what_it_should(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str
) -> None:
    driver = await api.driver()
    technician = await api.technician(name="Anna")
    await register(api, driver, "driver-phone", locale="ru")
    await register(api, driver, "driver-tablet", locale="en", platform="ios")
    await register(api, driver, "driver-car", locale="de", platform="web")
    await register(api, technician, "tech-phone")
    order = await api.order(driver)
    offer = await api.offer(order["id"], technician)
    await drain(app, gateway)
    assert by_token(fcm_standin) == {"tech-phone": ["offer"]}

    assert (await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)).status_code == 200
    for status in ("en_route", "arrived", "in_progress"):
        await api.status(order["id"], technician, status)
    await api.status(order["id"], technician, "completed", resolution="fixed_on_site")
    report = await drain(app, gateway)
    assert report.sent == 4  # the feedback request waits a little after completion
    later = await drain(app, gateway, datetime.now(UTC) + policy.FEEDBACK_REQUEST_DELAY + timedelta(seconds=1))
    assert later.sent == 1

    expected = ["assigned", "en_route", "arrived", "completed", "feedback_request"]
    assert by_token(fcm_standin) == {
        "tech-phone": ["offer"], "driver-phone": expected, "driver-tablet": expected, "driver-car": expected,
    }  # fmt: skip
    messages = {(m["token"], m["message"]["data"]["type"]): m["message"] for m in received(fcm_standin)}
    russian = messages["driver-phone", "assigned"]
    assert russian["notification"]["title"] == "Мы нашли вам мастера"
    assert russian["notification"]["body"].startswith("Anna приедет не позже ")
    english = messages["driver-tablet", "assigned"]
    assert english["notification"]["title"] == "We've found you a technician"
    assert english["data"]["order_id"] == order["id"]
    assert english["data"]["notification_id"] == messages["driver-phone", "assigned"]["data"]["notification_id"]
    assert "apns-collapse-id" not in english.get("apns", {}).get("headers", {})
    german = messages["driver-car", "assigned"]
    assert german["notification"]["title"] == "Wir haben Hilfe für Sie gefunden"
    assert german["notification"]["body"].startswith("Anna ist spätestens um ")
    assert messages["tech-phone", "offer"]["android"]["collapse_key"] == f"offer:{order['id']}"


async def test_a_driver_who_rated_before_the_reminder_is_not_asked_to_rate(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician = await api.driver(), await api.technician()
    await register(api, driver, "driver-phone")
    rated_first = await api.order(driver)
    assert (await api.assign(rated_first["id"], technician)).status_code == 200
    await api.finish(rated_first["id"], technician, resolution="fixed_on_site")
    assert (await api.rate(rated_first["id"], driver, csat=5, nps=9)).status_code == 201  # on the tracking page
    await drain(app, gateway, datetime.now(UTC) + policy.FEEDBACK_REQUEST_DELAY + timedelta(seconds=1))
    assert "feedback_request" not in by_token(fcm_standin)["driver-phone"]

    # One who had not rated yet when it was due is asked, and his rating afterwards leaves the sent push alone.
    rated_late = await api.order(driver)
    assert (await api.assign(rated_late["id"], technician)).status_code == 200
    await api.finish(rated_late["id"], technician, resolution="fixed_on_site")
    await drain(app, gateway, datetime.now(UTC) + policy.FEEDBACK_REQUEST_DELAY + timedelta(seconds=1))
    assert by_token(fcm_standin)["driver-phone"].count("feedback_request") == 1
    assert (await api.rate(rated_late["id"], driver, csat=4, nps=8)).status_code == 201
    async with sessions() as session:
        asked = (
            await session.execute(select(Notification.status).where(Notification.kind == "feedback_request"))
        ).scalars()
        assert list(asked) == [NotificationStatus.SENT]


async def test_an_unregistered_token_is_deactivated_and_never_used_again(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    await register(api, driver, "unregistered-old-phone")
    await register(api, driver, "new-phone")
    order = await api.order(driver)
    await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=(await api.operator()).headers)
    report = await drain(app, gateway)
    assert (report.sent, report.unregistered) == (1, 1)
    async with sessions() as session:
        devices = {d.token: d for d in (await session.execute(select(Device))).scalars()}
    assert devices["unregistered-old-phone"].active is False
    assert devices["unregistered-old-phone"].deactivation_reason == "unregistered"
    assert devices["new-phone"].active is True

    second = await api.order(driver)
    await api.client.post(f"/v1/orders/{second['id']}/cancel", json={}, headers=(await api.operator()).headers)
    await drain(app, gateway)
    assert attempts(fcm_standin)["unregistered-old-phone"] == 1
    assert by_token(fcm_standin) == {"new-phone": ["cancelled", "cancelled"]}


async def test_quota_and_unavailable_are_retried_then_succeed(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    await register(api, driver, "quota-2-phone")
    await register(api, driver, "unavailable-2-tablet")
    order = await api.order(driver)
    await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=(await api.operator()).headers)
    now = datetime.now(UTC)
    first = await drain(app, gateway, now)
    # The SDK itself retried the 503s; the 429 waits for our backoff.
    assert first.retried == 1
    assert by_token(fcm_standin) == {"unavailable-2-tablet": ["cancelled"]}
    async with sessions() as session:
        pending = (await session.execute(select(Notification))).scalar_one()
    assert pending.status is NotificationStatus.PENDING
    assert pending.last_error == "QUOTA_EXCEEDED"
    assert now + timedelta(seconds=1) <= pending.available_at <= now + timedelta(seconds=2)
    assert (await drain(app, gateway, now)).notifications == 0  # not due yet
    await drain(app, gateway, now + timedelta(minutes=1))
    await drain(app, gateway, now + timedelta(minutes=2))
    assert by_token(fcm_standin) == {"unavailable-2-tablet": ["cancelled"], "quota-2-phone": ["cancelled"]}
    assert attempts(fcm_standin) == {"unavailable-2-tablet": 3, "quota-2-phone": 3}
    async with sessions() as session:
        done = (await session.execute(select(Notification))).scalar_one()
    assert done.status is NotificationStatus.SENT


async def test_invalid_argument_fails_without_retry(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    await register(api, driver, "invalid-token")
    order = await api.order(driver)
    await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=(await api.operator()).headers)
    report = await drain(app, gateway)
    assert report.failed == 1
    await drain(app, gateway, datetime.now(UTC) + timedelta(hours=1))
    assert attempts(fcm_standin) == {"invalid-token": 1}
    async with sessions() as session:
        failed = (await session.execute(select(Notification))).scalar_one()
    assert failed.status is NotificationStatus.FAILED
    assert failed.last_error == "INVALID_ARGUMENT"


async def test_no_push_for_a_rolled_back_transaction(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str
) -> None:
    driver = await api.driver()
    await register(api, driver, "phone")
    order = await api.order(driver)
    async with transaction(app.state.sessionmaker) as session:
        await policy.push(session, driver.id, "unfulfilled", None, {})
        await session.rollback()
    # A request that fails after its change (the order cannot be cancelled twice) sends nothing either.
    operator = await api.operator()
    await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=operator.headers)
    assert (
        await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=operator.headers)
    ).status_code == 409
    await drain(app, gateway)
    assert by_token(fcm_standin) == {"phone": ["cancelled"]}


async def test_a_killed_worker_loses_nothing(
    app: FastAPI, api: Api, settings: Settings, fcm_credentials: Path, fcm_standin: str,
    sessions: async_sessionmaker[AsyncSession],
) -> None:  # fmt: skip
    driver = await api.driver()
    await register(api, driver, "slow-phone")
    order = await api.order(driver)
    env = {
        **os.environ,
        "TRUSTLOOP_DATABASE_URL": settings.database_url,
        "TRUSTLOOP_FCM_CREDENTIALS": str(fcm_credentials),
        "TRUSTLOOP_FCM_ENDPOINT": fcm_standin,
    }
    command = [sys.executable, "-m", "trustloop.cli", "worker", "notifications"]
    first = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.DEVNULL)
    try:
        await asyncio.sleep(2)  # listening
        await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=(await api.operator()).headers)

        async def in_flight() -> bool:
            return bool(attempts(fcm_standin))

        assert await eventually(in_flight)
        assert attempts(fcm_standin) == {"slow-phone": 1}  # the send is under way, its row claimed
        first.send_signal(signal.SIGKILL)
        await asyncio.wait_for(first.wait(), timeout=10)
    finally:
        if first.returncode is None:
            first.kill()
    async with sessions() as session:
        row = (await session.execute(select(Notification))).scalar_one()
    assert row.status is NotificationStatus.PENDING  # the claim died with the worker's transaction

    async def sent() -> bool:
        async with sessions() as session:
            return (await session.execute(select(Notification.status))).scalar_one() is NotificationStatus.SENT

    second = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.DEVNULL)
    try:
        assert await eventually(sent, timeout_s=20)
    finally:
        second.terminate()
        await asyncio.wait_for(second.wait(), timeout=10)
    copies = [m for m in received(fcm_standin) if m["token"] == "slow-phone"]
    assert 1 <= len(copies) <= 2  # the first may have reached the phone before the crash
    assert {m["message"]["data"]["notification_id"] for m in copies} == {str(row.id)}


async def outcome_lifecycle(api: Api, app: FastAPI, outcome: str) -> tuple[Actor, Actor, dict[str, Any]]:
    """A job played to one outcome with every phone registered; returns (driver, technician, order)."""
    driver = await api.driver()
    first = await api.technician(name="Boris Petrov", gender="male")
    technician = await api.technician(name="Greta Lind", gender="female", display_name="Greta L.")
    await register(api, driver, "driver-ru", locale="ru")
    await register(api, first, "first-tech")
    await register(api, technician, "tech-phone")
    order = await api.order(driver)
    if outcome == "unfulfilled":
        created = datetime.fromisoformat(order["created_at"])
        await run_round(app, created + timedelta(seconds=TEST_CONFIG.unfulfilled_after_s + 1))
        return driver, technician, order
    assert (await api.assign(order["id"], first)).status_code == 200
    assert (await api.assign(order["id"], technician)).status_code == 200  # the operator hands it on
    await api.status(order["id"], technician, "en_route")
    if outcome == "cancelled":
        assert (
            await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=driver.headers)
        ).status_code == 200
        return driver, technician, order
    await api.status(order["id"], technician, "arrived")
    await api.status(order["id"], technician, "in_progress")
    resolution = "fixed_on_site" if outcome == "completed" else "not_fixed"
    assert (await api.status(order["id"], technician, outcome, resolution=resolution)).status_code == 200
    return driver, technician, order


@pytest.mark.parametrize(
    ("outcome", "driver_sees", "technician_sees"),
    [
        (
            "completed",
            ["assigned", "reassigned", "en_route", "arrived", "completed", "feedback_request"],
            ["job_assigned"],
        ),
        ("failed", ["assigned", "reassigned", "en_route", "arrived", "failed", "feedback_request"], ["job_assigned"]),
        ("cancelled", ["assigned", "reassigned", "en_route"], ["job_assigned", "job_cancelled"]),
        ("unfulfilled", ["unfulfilled"], []),
    ],
)
async def test_each_outcome_pushes_its_steps_in_order_once_each(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str, outcome: str, driver_sees: list[str],
    technician_sees: list[str],
) -> None:  # fmt: skip
    await outcome_lifecycle(api, app, outcome)
    await drain(app, gateway, datetime.now(UTC) + policy.FEEDBACK_REQUEST_DELAY + timedelta(seconds=1))
    seen = by_token(fcm_standin)
    assert seen.get("driver-ru", []) == driver_sees
    assert seen.get("tech-phone", []) == technician_sees
    if outcome != "unfulfilled":  # the operator gave it to him, then to her: each is told
        assert seen.get("first-tech") == ["job_assigned", "job_reassigned"]
    texts = {m["message"]["data"]["type"]: m["message"]["notification"] for m in received(fcm_standin)
             if m["token"] == "driver-ru"}  # fmt: skip
    if "en_route" in texts:
        assert texts["en_route"]["title"] == "Greta L. выехала к вам"  # she, in Russian
    if outcome == "failed":
        assert "позвоним" in texts["failed"]["body"]  # what happens next
    if outcome == "unfulfilled":
        assert texts["unfulfilled"]["title"].startswith("Простите")


async def test_a_job_handed_on_after_its_first_technician_set_out_tells_the_driver_the_new_one_is_on_his_way(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str
) -> None:
    driver = await api.driver()
    first = await api.technician(name="Boris Petrov", gender="male", display_name="Boris P.")
    second = await api.technician(name="Greta Lind", gender="female", display_name="Greta L.")
    await register(api, driver, "driver-en")
    order = await api.order(driver)
    assert (await api.assign(order["id"], first)).status_code == 200
    await api.status(order["id"], first, "en_route")
    assert (await api.assign(order["id"], second)).status_code == 200  # Boris broke down on the way
    await api.status(order["id"], second, "en_route")
    await api.status(order["id"], second, "en_route")  # a retry: still once
    await drain(app, gateway)
    assert by_token(fcm_standin)["driver-en"] == ["assigned", "en_route", "reassigned", "en_route"]
    on_the_way = [m["message"]["notification"]["title"] for m in received(fcm_standin)
                  if m["message"]["data"]["type"] == "en_route"]  # fmt: skip
    assert "Boris P." in on_the_way[0]
    assert "Greta L." in on_the_way[1]


async def test_a_technician_given_a_job_by_an_operator_is_told_and_finds_it_on_his_profile(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str
) -> None:
    technician = await api.technician(name="Boris Petrov", gender="male")
    await register(api, technician, "boris-ru", locale="ru")
    me = await api.client.get("/v1/technicians/me", headers=technician.headers)
    assert me.json()["current_order_id"] is None
    order = await api.order(await api.driver())
    assert (await api.assign(order["id"], technician)).status_code == 200  # no offer: the operator's choice
    await drain(app, gateway)
    told = [m["message"] for m in received(fcm_standin) if m["token"] == "boris-ru"]
    assert [m["data"]["type"] for m in told] == ["job_assigned"]
    assert told[0]["data"]["order_id"] == order["id"]
    assert told[0]["notification"]["title"] == "Вам назначена заявка: эвакуация"
    me = await api.client.get("/v1/technicians/me", headers=technician.headers)
    assert me.json()["current_order_id"] == order["id"]  # where his app finds the job the push names
    await api.finish(order["id"], technician, resolution="fixed_on_site")
    me = await api.client.get("/v1/technicians/me", headers=technician.headers)
    assert me.json()["current_order_id"] is None


async def test_operators_see_each_push_in_the_languages_its_recipient_reads(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str
) -> None:
    arrival = {"technician": "Anna", "arrival_at": "2026-07-01T12:32:00+00:00"}
    one_phone, two_phones, no_phone = await api.driver(), await api.driver(), await api.driver()
    await register(api, one_phone, "one-ru", locale="ru")
    await register(api, two_phones, "two-en", locale="en")
    await register(api, two_phones, "unregistered-two-de", locale="de")  # FCM will say the app is gone
    orders = {}
    for name, driver in (("one", one_phone), ("two", two_phones), ("none", no_phone)):
        order = await api.order(driver)
        orders[name] = order["id"]
        async with transaction(app.state.sessionmaker) as session:
            await policy.push(session, driver.id, "assigned", UUID(order["id"]), arrival)
    operator = await api.operator()

    async def read_in(name: str) -> list[str]:
        listed = await api.client.get(f"/v1/ops/notifications?order_id={orders[name]}", headers=operator.headers)
        push = next(n for n in listed.json()["items"] if n["kind"] == "assigned")
        assert set(push["preview"]) == {"en", "ru", "de"}  # every language stays at hand
        return list(push["read_in"])

    # Before it is sent: the languages of the recipient's phones, none without one.
    assert [await read_in(name) for name in ("one", "two", "none")] == [["ru"], ["en", "de"], []]
    await drain(app, gateway)
    for driver, token in ((one_phone, "one-new-en"), (no_phone, "none-new-en")):
        await register(api, driver, token, locale="en")  # a phone added after the push went out
    assert await read_in("one") == ["ru"]  # once sent: the phones it reached
    assert await read_in("two") == ["en"]  # not the one whose app was gone
    assert await read_in("none") == []  # it reached no phone: a phone added since never showed it


async def test_a_push_tells_the_time_on_the_clock_of_the_orders_region(
    app: FastAPI, api: Api, gateway: FcmGateway, fcm_standin: str
) -> None:
    arrival = {"technician": "Anna", "arrival_at": "2026-07-01T12:32:00+00:00"}  # 15:32 in Helsinki, 14:32 in Vaduz
    orders = {}
    for region in ("helsinki", "liechtenstein"):
        driver = await api.driver()
        await register(api, driver, f"{region}-phone")
        order = await api.order(driver)
        orders[region] = order["id"]
        async with transaction(app.state.sessionmaker) as session:
            await session.execute(update(Order).where(Order.id == UUID(order["id"])).values(region=region))
            await policy.push(session, driver.id, "assigned", UUID(order["id"]), arrival)
    await drain(app, gateway)
    bodies = {m["token"]: m["message"]["notification"]["body"] for m in received(fcm_standin)}
    assert bodies == {
        "helsinki-phone": "Anna will be with you by 15:32.",
        "liechtenstein-phone": "Anna will be with you by 14:32.",
    }

    operator = await api.operator()
    for region, clock in (("helsinki", "15:32"), ("liechtenstein", "14:32")):
        listed = await api.client.get(f"/v1/ops/notifications?order_id={orders[region]}", headers=operator.headers)
        assigned = next(n for n in listed.json()["items"] if n["kind"] == "assigned")
        assert assigned["preview"]["en"]["body"] == f"Anna will be with you by {clock}."
        assert assigned["preview"]["ru"]["body"] == f"Anna приедет не позже {clock}."
