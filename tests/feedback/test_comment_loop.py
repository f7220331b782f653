"""Comments close the loop: analysed moments after the rating (not on its request), a negative comment opens a
follow-up behind five stars, its topics go on the case and the week's view, and `rude`/`damage` count
against the technician while `late` with the promise kept does not."""

from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.routing.osrm import OsrmClient
from feedback.commenting import CommentRound
from feedback.models import TrustEvidence
from tests.conftest import Actor, Api

RUDE_AND_SCRATCHED = "мастер нагрубил и поцарапал бампер"


async def analyse(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessions) as session:
        return await CommentRound(3600)(session, datetime.now(UTC))


async def rated_job(api: Api, **rating: object) -> tuple[Actor, Actor, dict[str, object]]:
    driver = await api.driver()
    technician = await api.technician(name="Boris Petrov", gender="male")
    order = await api.order(driver)
    assert (await api.assign(str(order["id"]), technician)).status_code == 200
    await api.finish(str(order["id"]), technician, resolution="fixed_on_site")
    assert (await api.rate(str(order["id"]), driver, **rating)).status_code == 201
    return driver, technician, order


async def test_five_stars_with_a_rude_scratching_technician_open_a_follow_up(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician, order = await rated_job(api, csat=5, nps=10, comment=RUDE_AND_SCRATCHED)
    operator = await api.operator()
    before = await api.client.get(f"/v1/orders/{order['id']}/feedback", headers=driver.headers)
    assert before.status_code == 200
    assert before.json()["comment_analysis"] is None  # the rating did not wait for it
    assert (await api.client.get("/v1/ops/followups", headers=operator.headers)).json()["items"] == []

    assert await analyse(sessions) == 1
    assert await analyse(sessions) == 0  # analysed once

    analysis = (await api.client.get(f"/v1/orders/{order['id']}/feedback", headers=driver.headers)).json()[
        "comment_analysis"
    ]
    assert analysis["language"] == "ru"
    assert analysis["sentiment"] == "negative"
    assert set(analysis["topics"]) >= {"rude", "damage"}
    assert any("нагрубил" in cue["phrase"] for cue in analysis["cues"])
    cases = (await api.client.get("/v1/ops/followups", headers=operator.headers)).json()["items"]
    assert len(cases) == 1
    assert cases[0]["reason"] == "negative_comment"
    assert set(cases[0]["topics"]) >= {"rude", "damage"}
    assert cases[0]["csat"] == 5

    async with sessions() as session:
        counted = (await session.execute(select(TrustEvidence).where(TrustEvidence.cause == "comment"))).scalar_one()
    assert counted.technician_id == technician.id
    assert counted.value == 0.0
    score = (await api.client.get("/v1/technicians/me/score", headers=technician.headers)).json()
    said = [line for line in score["evidence"] if line["words"].startswith("The driver's comment")]
    assert len(said) == 1
    assert said[0]["effect"] == "against"
    assert "you were rude" in said[0]["words"]
    assert "the car was damaged" in said[0]["words"]
    # The complaint weighs as a sample at the bottom, and is not counted as a second rating.
    assert score["ratings"] == 1
    rating = next(part for part in score["parts"] if part["signal"] == "rating")
    assert rating["events"] == 1
    assert rating["effective_events"] > 1.9  # both samples weigh, a moment old


async def test_a_german_complaint_behind_five_stars_opens_a_follow_up_too(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await rated_job(api, csat=5, nps=9, comment="Sehr unfreundlich, und die Felge ist jetzt zerkratzt.")
    assert await analyse(sessions) == 1
    operator = await api.operator()
    cases = (await api.client.get("/v1/ops/followups", headers=operator.headers)).json()["items"]
    assert [(case["reason"], set(case["topics"])) for case in cases] == [("negative_comment", {"rude", "damage"})]


async def test_a_detractors_case_takes_the_comments_topics_and_a_happy_comment_opens_nothing(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await rated_job(api, csat=2, nps=3, comment="Waited two hours on the motorway shoulder, nobody called")
    await rated_job(api, csat=5, nps=10, comment="Приехал быстро, всё починил, спасибо!")
    assert await analyse(sessions) == 2
    operator = await api.operator()
    cases = (await api.client.get("/v1/ops/followups", headers=operator.headers)).json()["items"]
    assert [c["reason"] for c in cases] == ["detractor"]
    assert "late" in cases[0]["topics"]

    weeks = (await api.client.get("/v1/ops/comments/topics?weeks=2", headers=operator.headers)).json()
    assert len(weeks) == 2
    assert weeks[-1]["comments"] == 2
    assert weeks[-1]["negative"] == 1
    assert weeks[-1]["topics"]["praise"] == 1
    assert weeks[-1]["topics"]["late"] == 1


async def test_late_in_words_with_the_promise_kept_costs_the_technician_nothing(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await rated_job(api, csat=4, nps=8, comment="It felt like forever, waited ages")
    assert await analyse(sessions) == 1
    async with sessions() as session:
        assert (await session.execute(select(TrustEvidence).where(TrustEvidence.cause == "comment"))).first() is None


async def test_operators_analyse_a_text_on_demand(api: Api, app: FastAPI) -> None:
    operator = await api.operator()
    answer = await api.client.post("/v1/ops/comments/analyze", json={"text": "fast but rude"}, headers=operator.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["sentiment"] == "negative"
    assert "rude" in body["topics"]
    assert {cue["phrase"] for cue in body["cues"]} >= {"rude"}
    driver = await api.driver()
    assert (
        await api.client.post("/v1/ops/comments/analyze", json={"text": "hi"}, headers=driver.headers)
    ).status_code == 403
    for bad in ({"text": ""}, {"text": "a\u0000b"}, {"text": "x" * 10_001}, {}):
        assert (
            await api.client.post("/v1/ops/comments/analyze", json=bad, headers=operator.headers)
        ).status_code == 422


async def test_the_scorecard_says_what_drivers_wrote_about_his_jobs_and_no_one_elses(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    _, technician, rude_order = await rated_job(api, csat=5, nps=10, comment=RUDE_AND_SCRATCHED)
    driver = await api.driver()
    order = await api.order(driver)  # a second job of his, praised
    assert (await api.assign(str(order["id"]), technician)).status_code == 200
    await api.finish(str(order["id"]), technician, resolution="fixed_on_site")
    assert (
        await api.rate(str(order["id"]), driver, csat=5, nps=10, comment="Fast and friendly, thank you!")
    ).status_code == 201
    _, other, _ = await rated_job(api, csat=1, nps=0, comment="He was late and rude")  # another technician
    operator = await api.operator()

    async def said(who: Actor) -> dict[str, object]:
        card = await api.client.get(f"/v1/ops/technicians/{who.id}", headers=operator.headers)
        assert card.status_code == 200
        words: dict[str, object] = card.json()["drivers_said"]
        return words

    before = await said(technician)
    assert (before["comments"], before["topics"]) == (0, {})  # nothing analysed yet
    recent = before["recent"]
    assert isinstance(recent, list)
    assert [r["order_id"] for r in recent] == [order["id"], rude_order["id"]]  # newest first
    assert [r["comment_analysis"] for r in recent] == [None, None]

    assert await analyse(sessions) == 3
    after = await said(technician)
    assert after["comments"] == 2
    assert after["negative"] == 1
    topics = after["topics"]
    assert isinstance(topics, dict)
    assert topics.get("rude") == topics.get("damage") == topics.get("praise") == 1
    assert "late" not in topics  # the other technician's comment
    recent = after["recent"]
    assert isinstance(recent, list)
    assert recent[1]["comment"] == RUDE_AND_SCRATCHED
    assert recent[1]["comment_analysis"]["sentiment"] == "negative"
    assert recent[0]["comment_analysis"]["sentiment"] == "positive"
    assert (await said(other))["topics"] == {"late": 1, "rude": 1}
