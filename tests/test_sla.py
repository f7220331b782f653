"""SLA rules with a controlled clock: at risk and breached at the right times, each announced once."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import transaction
from app.live import repository as live_repository
from app.orders.models import Order
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaCause, SlaFacts, SlaPolicy, SlaReason, SlaState, SlaTargets, check_contract, evaluate
from app.sla.service import sla_round
from feedback.service import mark_overdue
from notifications.models import Notification
from tests.conftest import MIKONKATU, Actor, Api
from tests.partners.helpers import make_partner, member_order

TARGETS = SlaTargets()


async def round_at(app: FastAPI, now: datetime, policy: SlaPolicy = SlaPolicy()) -> list[tuple[UUID, SlaState]]:
    async with transaction(app.state.sessionmaker) as session:
        return (await sla_round(session, now, policy)).orders


async def test_an_order_nobody_accepts_turns_at_risk_then_breached_once_each(app: FastAPI, api: Api) -> None:
    order = await api.order(await api.driver())
    created = datetime.fromisoformat(order["created_at"])
    order_id = UUID(order["id"])
    assert await round_at(app, created + timedelta(minutes=2, seconds=59)) == []
    assert await round_at(app, created + timedelta(minutes=3)) == [(order_id, SlaState.AT_RISK)]
    assert await round_at(app, created + timedelta(minutes=5)) == []  # announced once
    assert await round_at(app, created + timedelta(minutes=10)) == [(order_id, SlaState.BREACHED)]
    assert await round_at(app, created + timedelta(minutes=11)) == []
    operator = await api.operator()
    board = (await api.client.get("/v1/ops/sla", headers=operator.headers)).json()
    assert [i["order_id"] for i in board["breached"]] == [order["id"]]
    assert board["at_risk"] == []
    assert board["breached"][0]["sla_reason"] == "no technician assigned within 10 min"
    risky = (await api.client.get("/v1/ops/orders?at_risk=true", headers=operator.headers)).json()["items"]
    assert [i["order_id"] for i in risky] == [order["id"]]
    assert (await api.client.get("/v1/ops/orders?at_risk=false", headers=operator.headers)).json()["items"] == []
    assert (await api.client.get("/v1/ops/sla", headers=(await api.driver()).headers)).status_code == 403


async def test_a_slipping_eta_warns_before_the_promise_breaks(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician()
    order = await api.order(await api.driver())
    assigned = (await api.assign(order["id"], technician)).json()
    promised = datetime.fromisoformat(assigned["eta"]["promised_at"])
    order_id = UUID(order["id"])
    assert await round_at(app, promised - timedelta(minutes=1)) == []
    async with transaction(sessions) as session:  # the live ETA slips 5 minutes past the promise
        live = await live_repository.tracking_for_update(session, order_id)
        live.eta_arrival_at, live.eta_confidence = promised + timedelta(minutes=5), "high"
        live.eta_updated_at = datetime.now(UTC)
    assert await round_at(app, promised - timedelta(minutes=1)) == [(order_id, SlaState.AT_RISK)]
    assert await round_at(app, promised + TARGETS.arrival_tolerance) == []
    assert await round_at(app, promised + TARGETS.arrival_tolerance + timedelta(seconds=1)) == [
        (order_id, SlaState.BREACHED)
    ]


def test_a_job_nobody_can_put_a_time_on_is_at_risk_once_the_first_minutes_have_passed() -> None:
    """A technician on the job with no road from him to the car: no promise was made, no estimate comes."""
    created = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    blind = SlaFacts("en_route", created, promised_at=None, live_eta_at=None)
    assert evaluate(blind, created + timedelta(minutes=2), TARGETS) == (SlaState.OK, None)
    assert evaluate(blind, created + timedelta(minutes=3), TARGETS) == (
        SlaState.AT_RISK, SlaReason(SlaCause.NO_ETA, "no arrival time known: no road from the technician")
    )  # fmt: skip
    known = SlaFacts("en_route", created, promised_at=None, live_eta_at=created + timedelta(minutes=20))
    assert evaluate(known, created + timedelta(minutes=10), TARGETS) == (SlaState.OK, None)
    assert evaluate(blind, created + timedelta(minutes=46), TARGETS)[0] is SlaState.BREACHED  # help never came


def test_finished_orders_are_not_judged() -> None:
    now = datetime.fromisoformat("2026-07-01T12:00:00+00:00")
    for status in ("arrived", "in_progress", "completed", "cancelled"):
        facts = SlaFacts(status, now - timedelta(hours=2), now - timedelta(hours=1), None)
        assert evaluate(facts, now, TARGETS) == (SlaState.OK, None)


async def test_targets_differ_by_service(app: FastAPI, api: Api) -> None:
    policy = SlaPolicy.from_seconds({"default": {"accept_at_risk": 240}, "tow": {"accept_at_risk": 60}})
    tow = await api.order(await api.driver(), service="tow")
    lockout = await api.order(await api.driver(), service="lockout")
    created = max(datetime.fromisoformat(o["created_at"]) for o in (tow, lockout))
    assert await round_at(app, created + timedelta(seconds=61), policy) == [(UUID(tow["id"]), SlaState.AT_RISK)]
    assert await round_at(app, created + timedelta(seconds=239), policy) == []
    assert await round_at(app, created + timedelta(seconds=241), policy) == [(UUID(lockout["id"]), SlaState.AT_RISK)]


async def test_a_region_has_its_own_targets(app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    order = await api.order(await api.driver(), service="tow")
    async with transaction(sessions) as session:
        region = await session.scalar(select(Order.region).where(Order.id == UUID(order["id"])))
    assert region is not None
    created = datetime.fromisoformat(order["created_at"])
    at = created + timedelta(seconds=61)
    elsewhere = SlaPolicy.from_seconds({}, {"somewhere-else": {"default": {"accept_at_risk": 60}}})
    assert await round_at(app, at, elsewhere) == []
    here = SlaPolicy.from_seconds({"tow": {"accept_at_risk": 240}}, {region: {"default": {"accept_at_risk": 60}}})
    assert await round_at(app, at, here) == [(UUID(order["id"]), SlaState.AT_RISK)]


def test_region_targets_override_the_service_and_the_default_but_not_the_grace() -> None:
    policy = SlaPolicy.from_seconds(
        {"default": {"arrival_within": 2700}, "tow": {"arrival_within": 3600, "accept_at_risk": 120}},
        {"helsinki": {"default": {"arrival_within": 1800}, "lockout": {"arrival_within": 1200}}},
    )
    assert policy.targets("tow").arrival_within == timedelta(seconds=3600)
    assert policy.targets("tow", "helsinki").arrival_within == timedelta(seconds=1800)
    assert policy.targets("tow", "helsinki").accept_at_risk == timedelta(seconds=120)  # the service's, kept
    assert policy.targets("lockout", "helsinki").arrival_within == timedelta(seconds=1200)
    assert policy.targets("fuel", "helsinki").arrival_within == timedelta(seconds=1800)
    assert policy.targets("fuel", "liechtenstein").arrival_within == timedelta(seconds=2700)
    with pytest.raises(ValueError, match="in region helsinki: arrival_tolerance"):
        SlaPolicy.from_seconds({}, {"helsinki": {"default": {"arrival_tolerance": 600}}})


def test_a_partners_contract_overrides_the_house_for_its_members_but_not_the_grace() -> None:
    policy = SlaPolicy.from_seconds(
        {"default": {"arrival_within": 2700}, "tow": {"arrival_within": 3600}},
        {"helsinki": {"default": {"arrival_within": 1800}}},
    )
    contract = {"default": {"arrival_within": 1500}, "lockout": {"arrival_within": 1200, "accept_at_risk": 60}}
    assert policy.targets("tow", "helsinki", contract).arrival_within == timedelta(seconds=1500)
    assert policy.targets("tow", None, contract).arrival_within == timedelta(seconds=1500)
    assert policy.targets("lockout", "helsinki", contract).arrival_within == timedelta(seconds=1200)
    assert policy.targets("lockout", "helsinki", contract).accept_at_risk == timedelta(seconds=60)
    assert policy.targets("tow", "helsinki", contract).accept_at_risk == TARGETS.accept_at_risk
    assert policy.targets("tow", "helsinki", {}).arrival_within == timedelta(seconds=1800)
    assert policy.targets("tow", "helsinki", contract).arrival_tolerance == TARGETS.arrival_tolerance
    # A contract stored before contracts were checked: what is not a target is passed over, not a crash.
    stored = {"default": {"arrive_soon": 60, "arrival_tolerance": 600, "arrival_within": 1500}, "tow": "fast"}
    assert policy.targets("tow", "helsinki", stored).arrival_within == timedelta(seconds=1500)  # type: ignore[arg-type]
    assert policy.targets("tow", "helsinki", stored).arrival_tolerance == TARGETS.arrival_tolerance  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="arrival_tolerance"):
        check_contract({"default": {"arrival_tolerance": 600}})
    with pytest.raises(ValueError, match="not by towing"):
        check_contract({"towing": {"arrival_within": 600}})


async def test_a_partners_members_are_judged_by_its_contract(app: FastAPI, api: Api, osrm: OsrmClient) -> None:
    fennia = await make_partner(api, sla_targets={"tow": {"accept_at_risk": 60, "accept_breached": 120}})
    placed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=fennia.headers)
    assert placed.status_code == 201, placed.text
    member = UUID(placed.json()["id"])
    driver = await api.order(await api.driver(), service="tow")
    created = max(datetime.fromisoformat(o["created_at"]) for o in (placed.json(), driver))
    assert await round_at(app, created + timedelta(seconds=61)) == [(member, SlaState.AT_RISK)]
    assert await round_at(app, created + timedelta(seconds=121)) == [(member, SlaState.BREACHED)]
    assert await round_at(app, created + timedelta(minutes=3)) == [(UUID(driver["id"]), SlaState.AT_RISK)]
    operator = await api.operator()
    board = (await api.client.get("/v1/ops/sla", headers=operator.headers)).json()
    assert board["breached"][0]["sla_reason"] == "no technician assigned within 2 min"


def test_unknown_targets_are_refused() -> None:
    with pytest.raises(ValueError, match="arrive_soon"):
        SlaPolicy.from_seconds({"tow": {"arrive_soon": 60}})
    with pytest.raises(ValidationError, match="arrive_soon"):
        Settings(sla_region_targets={"helsinki": {"default": {"arrive_soon": 60}}})


def test_an_assigned_order_breaches_when_it_is_not_reached_in_time() -> None:
    created = datetime.fromisoformat("2026-07-01T12:00:00+00:00")
    promised = created + timedelta(minutes=50)  # a promise already beyond the time-to-arrival target
    facts = SlaFacts("en_route", created, promised, promised)
    assert evaluate(facts, created + timedelta(minutes=20), TARGETS) == (
        SlaState.AT_RISK, SlaReason(SlaCause.ETA_BEYOND_TARGET, "the live ETA is beyond 45 min from the order", 45)
    )  # fmt: skip
    assert evaluate(facts, created + timedelta(minutes=45, seconds=1), TARGETS) == (
        SlaState.BREACHED, SlaReason(SlaCause.NOT_ARRIVED, "not arrived within 45 min", 45)
    )  # fmt: skip


async def test_an_unhappy_driver_not_called_back_in_time_breaches_once_and_pages_the_operators(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician, driver = await api.technician(), await api.driver()
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    await api.finish(order["id"], technician, resolution="fixed_on_site")
    assert (await api.rate(order["id"], driver, csat=2, nps=3)).status_code == 201
    operator = await api.operator()
    device = {"token": "operator-phone", "platform": "android", "locale": "en"}
    assert (await api.client.post("/v1/devices", json=device, headers=operator.headers)).status_code == 201
    case = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"][0]
    due = datetime.fromisoformat(case["due_at"])

    async def overdue_at(now: datetime) -> list[UUID]:
        async with transaction(sessions) as session:
            return await mark_overdue(session, now)

    assert await overdue_at(due - timedelta(seconds=1)) == []
    assert await overdue_at(due + timedelta(seconds=1)) == [UUID(case["id"])]
    assert await overdue_at(due + timedelta(minutes=30)) == []  # once
    async with sessions() as session:
        alerts = (await session.execute(select(Notification).where(Notification.kind == "sla_alert"))).scalars().all()
    assert [(a.user_id, a.order_id, a.params["state"], a.params["cause"]) for a in alerts] == [
        (operator.id, UUID(order["id"]), "breached", "not_called_back")  # worded in the operator's language
    ]
    assert (await api.client.get("/metrics")).text.count('trustloop_sla_breaches_total{subject="followup"} 1.0') == 1


async def test_a_risk_clears_once_a_technician_accepts_and_the_board_says_why_now(app: FastAPI, api: Api) -> None:
    operator = await api.operator()
    technician = await api.technician()
    order = await api.order(await api.driver())
    created = datetime.fromisoformat(order["created_at"])
    order_id = UUID(order["id"])
    assert await round_at(app, created + timedelta(minutes=4)) == [(order_id, SlaState.AT_RISK)]
    board = (await api.client.get("/v1/ops/sla", headers=operator.headers)).json()
    assert [(i["order_id"], i["sla_reason"]) for i in board["at_risk"]] == [
        (order["id"], "no technician assigned within 3 min")
    ]

    await api.offer(order["id"], technician, ttl_s=120)
    offer = (await api.client.get("/v1/technicians/me/offers", headers=technician.headers)).json()["items"][0]
    assert (await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)).status_code == 200
    assert await round_at(app, datetime.now(UTC)) == [(order_id, SlaState.OK)]
    board = (await api.client.get("/v1/ops/sla", headers=operator.headers)).json()
    assert board == {"at_risk": [], "breached": []}
    detail = (await api.client.get(f"/v1/ops/orders/{order['id']}", headers=operator.headers)).json()
    assert (detail["sla_state"], detail["sla_reason"]) == ("ok", None)

    # Cleared once, it can slip again: the live ETA runs past the new promise.
    read = await api.client.get(f"/v1/orders/{order['id']}", headers=operator.headers)
    promised = datetime.fromisoformat(read.json()["eta"]["promised_at"])
    assert read.json()["eta"]["late"] is False

    async def live_eta(arrival_at: datetime) -> bool:
        async with transaction(app.state.sessionmaker) as session:
            live = await live_repository.tracking_for_update(session, order_id)
            live.eta_arrival_at, live.eta_confidence = arrival_at, "high"
            live.eta_updated_at = datetime.now(UTC)
        late: bool = (await api.client.get(f"/v1/orders/{order['id']}", headers=operator.headers)).json()["eta"]["late"]
        return late

    # The order's ETA is called late by the rule the board judges it by: 90 s past the promise is within its grace.
    assert await live_eta(promised + timedelta(seconds=90)) is False
    assert await round_at(app, promised - timedelta(minutes=1)) == []  # it stays ok
    assert await live_eta(promised + timedelta(minutes=20)) is True
    assert await round_at(app, promised - timedelta(minutes=1)) == [(order_id, SlaState.AT_RISK)]
    board = (await api.client.get("/v1/ops/sla", headers=operator.headers)).json()
    assert [(i["order_id"], i["sla_reason"]) for i in board["at_risk"]] == [
        (order["id"], "the live ETA is beyond the promise")
    ]
    assert await round_at(app, promised + TARGETS.arrival_tolerance + timedelta(seconds=1)) == [
        (order_id, SlaState.BREACHED)
    ]


async def test_a_risk_ends_with_its_order_but_a_breach_stays_in_its_history(app: FastAPI, api: Api) -> None:
    operator = await api.operator()
    risky, breached = await api.order(await api.driver()), await api.order(await api.driver())
    created = datetime.fromisoformat(breached["created_at"])
    ids = {UUID(risky["id"]), UUID(breached["id"])}
    assert {o for o, state in await round_at(app, created + timedelta(minutes=4)) if state is SlaState.AT_RISK} == ids

    async def cancel(order: dict[str, object]) -> None:
        path = f"/v1/orders/{order['id']}/cancel"
        response = await api.client.post(path, json={"reason": "driver got going"}, headers=operator.headers)
        assert response.status_code == 200, response.text

    await cancel(risky)
    assert await round_at(app, created + timedelta(minutes=5)) == [(UUID(risky["id"]), SlaState.OK)]
    assert await round_at(app, created + timedelta(minutes=11)) == [(UUID(breached["id"]), SlaState.BREACHED)]
    await cancel(breached)
    assert await round_at(app, created + timedelta(minutes=12)) == []
    listed = (await api.client.get("/v1/ops/orders?status=cancelled", headers=operator.headers)).json()["items"]
    assert {i["order_id"]: (i["sla_state"], i["sla_reason"]) for i in listed} == {
        risky["id"]: ("ok", None),
        breached["id"]: ("breached", "no technician assigned within 10 min"),
    }


async def test_a_breach_stays_after_its_cause_is_gone(app: FastAPI, api: Api) -> None:
    technician = await api.technician()
    order = await api.order(await api.driver())
    created = datetime.fromisoformat(order["created_at"])
    assert await round_at(app, created + timedelta(minutes=11)) == [(UUID(order["id"]), SlaState.BREACHED)]
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert await round_at(app, created + timedelta(minutes=12)) == []
    board = (await api.client.get("/v1/ops/sla", headers=(await api.operator()).headers)).json()
    assert [i["sla_reason"] for i in board["breached"]] == ["no technician assigned within 10 min"]


async def test_the_order_board_filters(api: Api) -> None:
    operator = await api.operator()
    technician = await api.technician()
    person = {"role": "driver", "name": "Maria Korhonen", "phone": "+358 40 555 0101"}
    maria = (await api.client.post("/v1/dev/tokens", json=person)).json()
    towed = await api.order(Actor(id=UUID(maria["user_id"]), token=maria["token"]))
    started = await api.order(await api.driver(), service="jump_start")
    assert (await api.assign(started["id"], technician)).status_code == 200

    async def ids(query: str) -> list[str]:
        response = await api.client.get(f"/v1/ops/orders?{query}", headers=operator.headers)
        assert response.status_code == 200, response.text
        return [i["order_id"] for i in response.json()["items"]]

    assert await ids("driver_phone=5550101") == [towed["id"]]
    assert await ids("service=jump_start") == [started["id"]]
    assert await ids(f"technician_id={technician.id}") == [started["id"]]
    assert await ids(f"order_id={towed['id']}") == [towed["id"]]
    # The first hex digits of an id, as the console shows ids; either case.
    for prefix in (towed["id"][:8], towed["id"][:4].upper(), towed["id"].replace("-", "")):
        assert towed["id"] in await ids(f"order_id_prefix={prefix}")
    assert started["id"] not in await ids(f"order_id_prefix={towed['id'][:8]}")
    for bad in ("abc", "zzzz", "1" * 33, "ab%25"):
        refused = await api.client.get(f"/v1/ops/orders?order_id_prefix={bad}", headers=operator.headers)
        assert refused.status_code == 422, bad
    assert await ids("sla=ok&open=true") == [started["id"], towed["id"]]
    assert await ids("sla=breached") == []
    item = (await api.client.get(f"/v1/ops/orders?order_id={towed['id']}", headers=operator.headers)).json()["items"]
    assert (item[0]["driver_name"], item[0]["driver_phone"]) == ("Maria Korhonen", "+358 40 555 0101")
