"""The reliability signals of the trust score, kept current in the transaction of each event, on a
controlled clock: fair attribution of lateness and cancellations, dropped jobs, lapsed offers, history,
and the per-service score that dispatch reads."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock, events
from app.db import transaction
from app.enums import Service
from app.technicians.models import Technician
from feedback.explain import explain, when
from tests.conftest import KAISANIEMENKATU, MIKONKATU, UNIONINKATU, Actor, Api
from tests.dispatch.helpers import give_ratings, pending_offers, run_round


class FakeClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


async def card(api: Api, technician: Actor) -> dict[str, Any]:
    operator = await api.operator()
    response = await api.client.get(f"/v1/ops/technicians/{technician.id}", headers=operator.headers)
    assert response.status_code == 200
    scorecard: dict[str, Any] = response.json()
    return scorecard


def part(scorecard: dict[str, Any], signal: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in scorecard["trust"]["parts"] if p["signal"] == signal)
    return found


async def accepted_job(api: Api, technician: Actor) -> dict[str, Any]:
    driver = await api.driver()
    order = await api.order(driver)
    offer = await api.offer(order["id"], technician)
    response = await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
    assert response.status_code == 200, response.text
    return {**response.json(), "driver": driver}


async def test_the_promise_counts_from_the_technicians_own_accept(api: Api) -> None:
    now = FakeClock()
    with clock.using(now):
        technician = await api.technician(at=KAISANIEMENKATU)
        driver = await api.driver()
        order = await api.order(driver)
        now.advance(minutes=25)  # nobody accepted for 25 minutes: not his doing
        offer = await api.offer(order["id"], technician)
        assert (
            await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
        ).status_code == 200
        now.advance(seconds=30)
        for status in ("en_route", "arrived"):
            assert (await api.status(order["id"], technician, status)).status_code == 200
        on_time = part(await card(api, technician), "on_time")
        assert (on_time["events"], on_time["observed"]) == (1, 1.0)
        kept_score = (await card(api, technician))["trust"]["score"]

        await api.status(order["id"], technician, "in_progress")
        await api.status(order["id"], technician, "completed", resolution="fixed_on_site")
        second = await accepted_job(api, technician)
        now.advance(seconds=second["eta"]["seconds"] + 4 * 60)  # two minutes past the promise and its tolerance
        for status in ("en_route", "arrived"):
            assert (await api.status(second["id"], technician, status)).status_code == 200
        scorecard = await card(api, technician)
    on_time = part(scorecard, "on_time")
    assert on_time["events"] == 2
    assert abs(on_time["observed"] - 0.5) < 1e-3
    causes = [(c["cause"], c["order_id"]) for c in scorecard["trust"]["history"]]
    assert causes[0] == ("arrived", second["id"])
    assert scorecard["trust"]["history"][0]["score"] < kept_score  # the late arrival cost him


async def test_a_driver_cancelling_counts_against_him_only_after_the_promise_passed(api: Api) -> None:
    now = FakeClock()
    with clock.using(now):
        technician = await api.technician(at=KAISANIEMENKATU)
        early = await accepted_job(api, technician)
        now.advance(minutes=1)
        cancel = await api.client.post(f"/v1/orders/{early['id']}/cancel", json={}, headers=early["driver"].headers)
        assert cancel.status_code == 200
        kept = part(await card(api, technician), "kept_jobs")
        assert (kept["events"], kept["observed"]) == (1, 1.0)

        waited_in_vain = await accepted_job(api, technician)
        now.advance(seconds=waited_in_vain["eta"]["seconds"] + 5 * 60)
        cancel = await api.client.post(
            f"/v1/orders/{waited_in_vain['id']}/cancel", json={}, headers=waited_in_vain["driver"].headers
        )
        assert cancel.status_code == 200
        kept = part(await card(api, technician), "kept_jobs")
    assert kept["events"] == 2
    assert abs(kept["observed"] - 0.5) < 1e-3


async def test_a_job_handed_to_someone_else_and_a_lapsed_offer_lower_his_score(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    now = FakeClock()
    with clock.using(now):
        first, second = await api.technician(at=KAISANIEMENKATU, name="First"), await api.technician(name="Second")
        job = await accepted_job(api, first)
        before = (await card(api, first))["trust"]["score"]
        assert (await api.assign(job["id"], second)).status_code == 200  # an operator stepped in
        scorecard = await card(api, first)
        assert part(scorecard, "kept_jobs")["observed"] == 0.0
        assert scorecard["trust"]["history"][0]["cause"] == "reassigned_away"
        assert scorecard["trust"]["score"] < before

        order = await api.order(await api.driver(), at=UNIONINKATU)
        await api.offer(order["id"], second, ttl_s=30)
        assert (await api.status(job["id"], second, "en_route")).status_code == 200  # he is busy elsewhere
        now.advance(seconds=31)
        before = (await card(api, second))["trust"]["score"]
        await run_round(app, now())
        scorecard = await card(api, second)
    responsive = part(scorecard, "responsive")
    assert (responsive["events"], responsive["observed"]) == (1, 0.0)  # the manual assignment was no offer
    assert scorecard["trust"]["history"][0]["cause"] == "offer_expired"
    assert scorecard["trust"]["score"] < before


async def test_dispatch_reads_the_score_of_the_orders_service(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tower = await api.technician(at=KAISANIEMENKATU, name="Good at towing, poor at jump starts")
    steady = await api.technician(at=KAISANIEMENKATU, name="Steady")
    await give_ratings(sessions, tower.id, [5] * 20, service=Service.TOW)
    await give_ratings(sessions, tower.id, [2, 3] * 4, service=Service.JUMP_START)
    await give_ratings(sessions, steady.id, [4] * 20, service=Service.TOW)
    tow = await api.order(await api.driver(), service="tow", at=MIKONKATU)
    jump_start = await api.order(await api.driver(), service="jump_start", at=UNIONINKATU)
    await run_round(app)
    assert await pending_offers(sessions) == {tow["id"]: str(tower.id), jump_start["id"]: str(steady.id)}
    scorecard = await card(api, tower)
    by_service = scorecard["trust"]["by_service"]
    assert by_service["jump_start"] < scorecard["trust"]["score"] < by_service["tow"]


async def test_a_transaction_refreshes_a_technicians_score_once_however_many_facts_touch_him(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician()
    orders = [await api.order(await api.driver()) for _ in range(3)]
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        for order in orders:  # three offers lapse in one dispatch round, say
            await events.publish(
                session,
                events.OfferAnswered(at=now, offer_id=uuid4(), order_id=UUID(order["id"]),
                                     technician_id=technician.id, service=Service.TOW,
                                     outcome=events.OfferOutcome.EXPIRED),
            )  # fmt: skip
    history = (await card(api, technician))["trust"]["history"]
    assert [change["cause"] for change in history] == ["offer_expired"]
    assert part(await card(api, technician), "responsive")["events"] == 3


async def test_the_technician_reads_what_counted_for_and_against_him_in_plain_words(api: Api) -> None:
    now = FakeClock()
    with clock.using(now):
        technician = await api.technician(at=KAISANIEMENKATU)
        late = await accepted_job(api, technician)
        now.advance(seconds=late["eta"]["seconds"] + 7 * 60)  # seven minutes past the promise
        for status in ("en_route", "arrived", "in_progress"):
            assert (await api.status(late["id"], technician, status)).status_code == 200
        await api.status(late["id"], technician, "completed", resolution="fixed_on_site")
        assert (await api.rate(late["id"], late["driver"], csat=5, nps=9)).status_code == 201
        early = await accepted_job(api, technician)
        cancel = await api.client.post(f"/v1/orders/{early['id']}/cancel", json={}, headers=early["driver"].headers)
        assert cancel.status_code == 200
        async with transaction(api.sessions) as session:  # he works in Helsinki: his times are on its clock
            await session.execute(update(Technician).where(Technician.id == technician.id).values(region="helsinki"))
        own = await api.client.get("/v1/technicians/me/score", headers=technician.headers)
    assert own.status_code == 200
    body = own.json()
    lines = {(line["signal"], line["effect"]): line["words"] for line in body["evidence"]}
    # A job is named by when its driver asked for help: its arrival, its end and its rating all name it alike.
    helsinki = when(datetime.fromisoformat(late["created_at"]), "Europe/Helsinki")
    assert helsinki != when(datetime.fromisoformat(late["created_at"]), "Europe/Vaduz")
    assert lines["on_time", "against"].startswith(f"Late by 7 min for the job of {helsinki}")
    of_the_late_job = [line["words"] for line in body["evidence"]
                       if line["order_id"] == late["id"] and line["signal"] != "responsive"]  # fmt: skip
    assert len(of_the_late_job) >= 4  # kept, arrived late, fixed, rated
    assert all(f"the job of {helsinki}" in words for words in of_the_late_job), of_the_late_job
    assert lines["rating", "for"].startswith("Rated 5 of 5 stars")
    assert lines["kept_jobs", "not_held_against"].startswith("Not held against you: the driver cancelled the job")
    assert lines["first_fix", "for"].startswith("Fixed it on the spot")
    assert {p["signal"] for p in body["parts"]} == {"rating", "on_time", "first_fix", "kept_jobs", "responsive"}
    assert abs(body["score"] - (await card(api, technician))["trust"]["score"]) < 1e-3
    # How his score moved, newest first, each change with its cause in plain words, as the operators see it.
    history = body["history"]
    assert history[0]["score"] == body["score"]
    assert [change["previous"] for change in history[:-1]] == [change["score"] for change in history[1:]]
    assert {change["words"] for change in history} >= {"A driver rated a job", "You accepted an offer"}
    operators = (await card(api, technician))["trust"]["history"]
    assert [(c["score"], c["cause"]) for c in history] == [(c["score"], c["cause"]) for c in operators]
    operator = await api.operator()
    assert (await api.client.get("/v1/technicians/me/score", headers=operator.headers)).status_code == 403
    # In the language his app asks for.
    russian = await api.client.get(
        "/v1/technicians/me/score", headers={**technician.headers, "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
    )
    assert "Accept-Language" in russian.headers["vary"]
    said = [line["words"] for line in russian.json()["evidence"]]
    assert any(words.startswith("Опоздание на 7 мин на заказ от ") for words in said), said
    assert {change["words"] for change in russian.json()["history"]} >= {
        "Водитель оценил заказ",
        "Вы приняли предложение",
    }


async def test_a_job_completed_without_saying_how_is_no_failed_fix_and_a_tow_reads_as_towed(api: Api) -> None:
    technician = await api.technician(skills=["tow", "winch"], at=KAISANIEMENKATU)
    jobs = (("winch", "completed", None), ("winch", "completed", "fixed_on_site"), ("winch", "failed", None),
            ("tow", "completed", "towed"))  # fmt: skip
    for service, outcome, resolution in jobs:  # resolution None: his app did not say
        order = await api.order(await api.driver(), service=service)
        assert (await api.assign(order["id"], technician)).status_code == 200
        await api.finish(order["id"], technician, outcome, resolution)
    own = (await api.client.get("/v1/technicians/me/score", headers=technician.headers)).json()
    fixes = sorted((line["effect"], line["words"].split(" on the job")[0]) for line in own["evidence"]
                   if line["signal"] == "first_fix")  # fmt: skip
    assert fixes == [("against", "Could not fix it on the spot"), ("for", "Fixed it on the spot"),
                     ("for", "Towed the car")]  # fmt: skip


def test_an_arrival_just_inside_the_allowance_is_told_to_the_second() -> None:
    at = datetime(2026, 12, 4, 21, 14, tzinfo=UTC)
    said = explain("on_time", 1.0, "arrived", {"late_s": 91, "tolerance_s": 120}, at, "Europe/Helsinki")
    assert (
        said.words
        == "Arrived on time for the job of 23:14 on 4 Dec (1 min 31 s after the promise, within the 2 min allowed)."
    )
