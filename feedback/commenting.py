"""Comments closing the loop: each feedback comment waits in the outbox (written in the rating's transaction)
until the comments round analyses it (feedback/comments, pure and offline). Then a negative comment opens a
follow-up even behind five stars, its topics go on the case, and `rude` or `damage` count against the
technician in the rating signal of his trust score. `late` adds nothing there: lateness is judged by the
arrival against the promise (the on-time signal), so a driver who felt it was slow while the promise was
kept does not cost the technician anything."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, events
from app.auth.tokens import Principal
from app.errors import NotFound
from app.orders.service import load_visible
from app.sla.rules import SlaPolicy
from feedback import ledger, repository, service
from feedback.comments import CommentAnalysis, Topic, analyze
from feedback.kpis import week_of
from feedback.models import AnalysedComment, Feedback, FollowUpReason
from feedback.schemas import CommentAnalysisRead, CommentCue, DriversWords, FeedbackRead, Scorecard, WeekTopics
from feedback.service import open_follow_up

log = logging.getLogger("trustloop.feedback")
COMPLAINTS_AGAINST_THE_TECHNICIAN = frozenset({Topic.RUDE, Topic.DAMAGE})
BATCH = 200


async def on_feedback(session: AsyncSession, event: events.FeedbackGiven) -> None:
    if event.comment and event.comment.strip():
        session.add(AnalysedComment(feedback_id=event.feedback_id, created_at=event.at))


class CommentRound:
    """One round of the comments worker: analyse what waits, act on what it says."""

    def __init__(self, follow_up_within_s: float) -> None:
        self._follow_up_within = timedelta(seconds=follow_up_within_s)

    async def __call__(self, session: AsyncSession, now: datetime) -> int:
        waiting = await repository.claim_pending_comments(session, BATCH)
        for row, feedback in waiting:
            try:
                result = analyze(feedback.comment or "")
            except Exception:  # a comment the analyser cannot read must not hold up the ones behind it
                log.exception("comment of feedback %s could not be analysed", feedback.id)
                row.analysed_at = now
                continue
            said = described(result)
            row.analysed_at, row.language, row.sentiment, row.score = now, said.language, said.sentiment, said.score
            row.topics, row.cues = said.topics, [cue.model_dump() for cue in said.cues]
            await self._act(session, feedback, result, now)
        return len(waiting)

    async def _act(self, session: AsyncSession, feedback: Feedback, result: CommentAnalysis, now: datetime) -> None:
        topics = [t.value for t in result.topics]
        case = await repository.follow_up_of_feedback(session, feedback.id)
        if case is not None:
            case.topics = topics
        elif result.sentiment == "negative":
            await open_follow_up(session, feedback, self._follow_up_within, FollowUpReason.NEGATIVE_COMMENT, topics)
        against = sorted(t.value for t in set(result.topics) & COMPLAINTS_AGAINST_THE_TECHNICIAN)
        if feedback.technician_id is not None and against:
            await ledger.comment_complaint(session, feedback, against, now)


def present(row: AnalysedComment | None) -> CommentAnalysisRead | None:
    if row is None or row.analysed_at is None or row.sentiment is None:
        return None
    return CommentAnalysisRead(
        language=row.language or "other", sentiment=row.sentiment, score=row.score or 0.0, topics=row.topics,
        cues=[CommentCue(**cue) for cue in row.cues],
    )  # fmt: skip


def read_text(text: str) -> CommentAnalysisRead:
    return described(analyze(text))


def described(result: CommentAnalysis) -> CommentAnalysisRead:
    """The analysis as the API shows it and the outbox row keeps it."""
    return CommentAnalysisRead(
        language=result.language, sentiment=result.sentiment, score=result.score,
        topics=[t.value for t in result.topics],
        cues=[CommentCue(phrase=c.phrase, topic=c.topic.value if c.topic else None, weight=c.weight)
              for c in result.cues],
    )  # fmt: skip


async def read_with_analyses(session: AsyncSession, ratings: Sequence[Feedback]) -> list[FeedbackRead]:
    """The ratings as the API shows them, each with its comment's analysis (None until analysed)."""
    analysed = await repository.comment_analyses(session, [f.id for f in ratings])
    return [FeedbackRead.model_validate(f).model_copy(update={"comment_analysis": present(analysed.get(f.id))})
            for f in ratings]  # fmt: skip


async def feedback_of_order(session: AsyncSession, principal: Principal, order_id: UUID) -> FeedbackRead:
    order = await load_visible(session, principal, order_id)
    feedback = await repository.feedback_of_order(session, order.id)
    if feedback is None:
        raise NotFound("This order has not been rated yet.")
    return (await read_with_analyses(session, [feedback]))[0]


async def topics_by_week(session: AsyncSession, weeks: int, technician_id: UUID | None = None) -> list[WeekTopics]:
    """The last `weeks` weeks' comments, how many were negative and the topics they named (on one technician's
    jobs, if given)."""
    first = week_of(clock.now()) - timedelta(weeks=weeks - 1)
    table = {first + timedelta(weeks=n): WeekTopics(week=first + timedelta(weeks=n), comments=0, negative=0, topics={})
             for n in range(weeks)}  # fmt: skip
    since = datetime.combine(first, time.min, tzinfo=UTC)
    for week_start, topic, count in await repository.comment_topics_by_week(session, since, technician_id):
        row = table.get(week_start.date())
        if row is not None:
            row.topics[topic] = count
    for week_start, sentiment, count in await repository.comments_by_week(session, since, technician_id):
        row = table.get(week_start.date())
        if row is not None:
            row.comments += count
            row.negative += count if sentiment == "negative" else 0
    return list(table.values())


async def said_about(session: AsyncSession, technician_id: UUID, weeks: int, recent: int) -> DriversWords:
    """What drivers wrote about a technician's jobs: the comments of the last `weeks` weeks summed up, and his
    newest `recent` ratings with their comments' analyses."""
    summed = DriversWords(weeks=weeks, comments=0, negative=0, topics={}, recent=[])
    for week in await topics_by_week(session, weeks, technician_id):
        summed.comments += week.comments
        summed.negative += week.negative
        for topic, count in week.topics.items():
            summed.topics[topic] = summed.topics.get(topic, 0) + count
    summed.topics = dict(sorted(summed.topics.items(), key=lambda item: (-item[1], item[0])))
    ratings = await repository.recent_feedback_of_technician(session, technician_id, recent)
    summed.recent = await read_with_analyses(session, ratings)
    return summed


@dataclass(frozen=True, slots=True)
class RatingRead:
    """How the driver rated a job and what his comment said (sentiment None until analysed, or no comment)."""

    csat: int
    nps: int | None
    sentiment: str | None
    topics: list[str]


async def ratings_of_orders(session: AsyncSession, order_ids: Sequence[UUID]) -> dict[UUID, RatingRead]:
    """The rating of each rated order among these, with its comment's sentiment and topics."""
    ratings = await repository.ratings_of_orders(session, order_ids)
    analyses = await repository.comment_analyses(session, [f.id for f in ratings.values()])
    found = {}
    for order_id, feedback in ratings.items():
        said = analyses.get(feedback.id)
        analysed = said is not None and said.analysed_at is not None
        found[order_id] = RatingRead(
            csat=feedback.csat, nps=feedback.nps, sentiment=said.sentiment if said and analysed else None,
            topics=list(said.topics) if said and analysed else [],
        )  # fmt: skip
    return found


# What a scorecard sums up of drivers' comments, and how many of his newest ratings it shows.
SCORECARD_WEEKS = 12
SCORECARD_RECENT = 5


async def scorecard(session: AsyncSession, policy: SlaPolicy, technician_id: UUID) -> Scorecard:
    """The technician's scorecard with what drivers wrote about his jobs."""
    said = await said_about(session, technician_id, SCORECARD_WEEKS, SCORECARD_RECENT)
    return await service.scorecard(session, policy, technician_id, said)
