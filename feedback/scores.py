"""Keeping each technician's trust score current: recomputed from his record in the transaction of every
event that moves it (a rating, an arrival, a finished or dropped job, an answered or expired offer), with
the change kept in his history. Dispatch and the scorecards read the stored scores."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app import locks
from feedback import repository
from feedback.kpis import PROMISE_TOLERANCE
from feedback.models import TrustScoreChange, TrustScoreRow
from feedback.trust import ALL_SERVICES, Signal, SignalPart, TrustScore, scores_by_service, trust_score

UNKNOWN = trust_score({})  # what a technician without any record gets: the fleet prior


async def refresh(
    session: AsyncSession, technician_ids: Iterable[UUID], cause: str, now: datetime, order_id: UUID | None = None
) -> None:
    """Recomputes the technicians' scores from their records as this transaction sees them."""
    ids = sorted(set(technician_ids))  # one lock order for everyone: no deadlocks between refreshes
    for technician_id in ids:
        await session.execute(
            select(func.pg_advisory_xact_lock(locks.TRUST_REFRESH, func.hashtext(str(technician_id))))
        )
    if not ids:
        return
    evidence = await repository.evidence(session, ids, now, PROMISE_TOLERANCE)
    previous = await repository.score_values(session, ids, [ALL_SERVICES])
    for technician_id in ids:
        scores = scores_by_service(evidence.get(technician_id, {}))
        rows = [_row(technician_id, service, score, now) for service, score in scores.items()]
        statement = insert(TrustScoreRow).values(rows)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[TrustScoreRow.technician_id, TrustScoreRow.service],
                set_={c: statement.excluded[c] for c in ("score", "prior", "ratings", "parts", "updated_at")},
            )
        )
        before = previous.get((technician_id, ALL_SERVICES))
        session.add(
            TrustScoreChange(
                technician_id=technician_id,
                score=scores[ALL_SERVICES].value,
                previous=before[0] if before else None,
                cause=cause,
                order_id=order_id,
                at=now,
            )
        )


async def overall(session: AsyncSession, technician_ids: Sequence[UUID]) -> dict[UUID, TrustScore]:
    stored = await repository.stored_scores(session, technician_ids, [ALL_SERVICES])
    return {t: _score(stored.get((t, ALL_SERVICES))) for t in technician_ids}


async def for_services(session: AsyncSession, pairs: Iterable[tuple[UUID, str]]) -> dict[tuple[UUID, str], TrustScore]:
    """Each technician's score for a service: the service's own where he has one, else his overall score
    (values only, without the parts: what dispatch reads in every round)."""
    wanted = set(pairs)
    stored = await repository.score_values(
        session, list({t for t, _ in wanted}), list({s for _, s in wanted} | {ALL_SERVICES})
    )
    found = {}
    for technician_id, service in wanted:
        values = stored.get((technician_id, service)) or stored.get((technician_id, ALL_SERVICES))
        found[technician_id, service] = (
            TrustScore(value=values[0], prior=values[1], ratings=values[2], parts=()) if values else UNKNOWN
        )
    return found


def _row(technician_id: UUID, service: str, score: TrustScore, now: datetime) -> dict[str, Any]:
    parts = [
        {"signal": p.signal.value, "value": p.value, "observed": p.observed, "events": p.events,
         "effective_events": p.effective_events, "prior": p.prior, "weight": p.weight}
        for p in score.parts
    ]  # fmt: skip
    return {"technician_id": technician_id, "service": service, "score": score.value, "prior": score.prior,
            "ratings": score.ratings, "parts": parts, "updated_at": now}  # fmt: skip


def _score(row: TrustScoreRow | None) -> TrustScore:
    if row is None:
        return UNKNOWN
    parts = tuple(
        SignalPart(signal=Signal(p["signal"]), value=p["value"], observed=p["observed"], events=p["events"],
                   effective_events=p["effective_events"], prior=p["prior"], weight=p["weight"])
        for p in row.parts
    )  # fmt: skip
    return TrustScore(value=row.score, prior=row.prior, ratings=row.ratings, parts=parts)
