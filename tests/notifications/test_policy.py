"""The push policy's timing rules and the templates, against the real database with a controlled clock."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import events
from app.db import transaction
from app.enums import Locale, Service
from notifications import policy
from notifications.models import Notification
from notifications.templates import KINDS, render
from tests.conftest import Actor, Api


async def kinds(sessions: async_sessionmaker[AsyncSession], order_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(Notification.kind).where(Notification.order_id == UUID(order_id)).order_by(Notification.created_at)
        )
        return list(rows.scalars())


def estimate(
    order: dict[str, Any], driver: Actor, technician: Actor, promised: datetime, live: datetime, now: datetime
) -> events.ArrivalEstimated:
    return events.ArrivalEstimated(
        at=now,
        order_id=UUID(order["id"]),
        driver_id=driver.id,
        technician_id=technician.id,
        service=Service.TOW,
        status="en_route",
        promised_at=promised,
        arrival_at=live,
    )


async def test_eta_changes_push_only_past_the_threshold_and_at_most_once_per_gap(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician = await api.driver(), await api.technician(name="Anna")
    order = await api.order(driver)
    promised = datetime.now(UTC) + timedelta(minutes=20)
    start = datetime.now(UTC)

    async def update(live: datetime, now: datetime) -> None:
        async with transaction(app.state.sessionmaker) as session:
            await policy.on_eta_update(session, estimate(order, driver, technician, promised, live, now))

    await update(promised + timedelta(minutes=2), start)  # within the promise's tolerance
    assert await kinds(sessions, order["id"]) == []
    await update(promised + timedelta(minutes=4), start)
    assert await kinds(sessions, order["id"]) == ["eta_changed"]
    await update(promised + timedelta(minutes=9), start + timedelta(minutes=1))  # too soon for another
    assert await kinds(sessions, order["id"]) == ["eta_changed"]
    async with transaction(sessions) as session:  # five minutes pass
        for n in (await session.execute(select(Notification))).scalars():
            n.created_at -= policy.ETA_CHANGE_MIN_GAP
    await update(promised + timedelta(minutes=9), start + timedelta(minutes=6))
    assert await kinds(sessions, order["id"]) == ["eta_changed", "eta_changed"]


async def test_a_technician_a_minute_away_when_the_promise_breaks_has_the_driver_told(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician = await api.driver(), await api.technician(name="Anna")
    order = await api.order(driver)
    promised = datetime.now(UTC) - timedelta(minutes=1, seconds=40)  # passed; the SLA breaks it at +2 min
    async with transaction(app.state.sessionmaker) as session:
        now = datetime.now(UTC)
        live = estimate(order, driver, technician, promised, now + timedelta(minutes=1), now)
        await policy.on_eta_update(session, live)
    assert await kinds(sessions, order["id"]) == ["eta_changed", "arriving"]


async def test_a_delay_after_almost_there_says_it_is_later_than_that_message(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, other_driver, technician = await api.driver(), await api.driver(), await api.technician(name="Anna")
    order, other = await api.order(driver), await api.order(other_driver)
    now = datetime.now(UTC)
    promised = now + timedelta(minutes=4)
    async with transaction(app.state.sessionmaker) as session:  # "Anna is almost there, arriving in 3 minutes"
        soon = estimate(order, driver, technician, promised, now + timedelta(minutes=3), now)
        await policy.on_eta_update(session, soon)
    later = now + timedelta(minutes=4)
    for shown, whose in ((order, driver), (other, other_driver)):  # the drive slips; the other was told nothing before
        async with transaction(app.state.sessionmaker) as session:
            slipped = estimate(shown, whose, technician, promised, later + timedelta(minutes=6), later)
            await policy.on_eta_update(session, slipped)
    assert await kinds(sessions, order["id"]) == ["arriving", "eta_changed"]
    async with sessions() as session:
        delays = {
            str(n.order_id): n
            for n in (await session.execute(select(Notification).where(Notification.kind == "eta_changed"))).scalars()
        }
    told, untold = delays[order["id"]], delays[other["id"]]
    assert (told.params["after_arriving"], untold.params["after_arriving"]) == (True, False)
    english = render("eta_changed", Locale.EN, {**told.params, "technician": "Anna"}, "UTC")
    assert english.title.startswith("Later than we said: ")
    assert english.body.startswith("Anna needs longer than our last message said and now arrives at ")
    russian = render("eta_changed", Locale.RU, {**told.params, "technician": "Анна"}, "UTC")
    assert russian.body.startswith("Анна не успевает ко времени из нашего прошлого сообщения и приедет в ")
    assert render("eta_changed", Locale.EN, {**untold.params, "technician": "Anna"}, "UTC").body.startswith(
        "Anna is running late and now arrives at "
    )


async def test_one_who_sets_out_minutes_away_is_not_announced_twice_in_the_same_breath(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician = await api.driver(), await api.technician(name="Anna")
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert (await api.status(order["id"], technician, "en_route")).status_code == 200  # "Anna is on her way"
    for seconds_later in (0, 30, 61):
        async with transaction(app.state.sessionmaker) as session:
            now = datetime.now(UTC) + timedelta(seconds=seconds_later)
            live = now + timedelta(minutes=2)
            await policy.on_eta_update(session, estimate(order, driver, technician, live, live, now))
        said = [kind for kind in await kinds(sessions, order["id"]) if kind in {"en_route", "arriving"}]
        assert said == (["en_route", "arriving"] if seconds_later > 60 else ["en_route"]), seconds_later


async def test_arriving_is_pushed_once_a_few_minutes_out(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician = await api.driver(), await api.technician()
    order = await api.order(driver)
    now = datetime.now(UTC)
    for minutes_out in (10, 5, 2.5, 1):
        async with transaction(app.state.sessionmaker) as session:
            live = now + timedelta(minutes=minutes_out)
            await policy.on_eta_update(session, estimate(order, driver, technician, live, live, now))
    assert await kinds(sessions, order["id"]) == ["arriving"]
    async with sessions() as session:
        arriving = (await session.execute(select(Notification))).scalar_one()
    assert arriving.params["minutes"] == 3  # 2.5 min rounds up, as the tracking page says it


def test_every_kind_has_both_languages_and_renders_the_local_time() -> None:
    for kind in KINDS:
        for locale in Locale:
            rendered = render(kind, locale, {"technician": "Anna", "service": "tow", "minutes": 4, "ttl": 30,
                                             "arrival_at": "2026-07-01T12:32:00+00:00"}, "Europe/Helsinki")  # fmt: skip
            assert rendered.title
            assert "{" not in rendered.body
    assert render("assigned", Locale.EN, {"technician": "Anna", "arrival_at": "2026-07-01T12:32:00+00:00"},
                  "Europe/Helsinki").body == "Anna will be with you by 15:32."  # fmt: skip
    assert render("offer", Locale.RU, {"service": "tow", "minutes": 4, "ttl": 30}, "UTC").body == (
        "До клиента ехать 4 минуты. Ответьте за 30 секунд."
    )


async def test_operators_see_what_each_phone_would_show(api: Api) -> None:
    driver = await api.driver()
    order = await api.order(driver)
    operator = await api.operator()
    await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=operator.headers)
    listed = (await api.client.get("/v1/ops/notifications?status=pending", headers=operator.headers)).json()["items"]
    assert [(n["kind"], n["user_id"]) for n in listed] == [("cancelled", str(driver.id))]
    assert listed[0]["preview"]["ru"]["title"] == "Заявка отменена"
    assert listed[0]["preview"]["en"]["body"].startswith("We've cancelled your tow request.")
    assert (await api.client.get("/v1/ops/notifications", headers=driver.headers)).status_code == 403
