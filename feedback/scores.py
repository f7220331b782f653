"""Keeping each technician's trust score current: recomputed from his evidence (feedback/ledger.py) once in
the transaction of the events that moved it, with the change kept in his history. Dispatch, the scorecards
and the technician's own view read the stored scores."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import locks
from feedback import repository
from feedback.models import TrustScoreRow
from feedback.trust import ALL_SERVICES, Signal, SignalPart, TrustScore, scores_by_service, trust_score

UNKNOWN = trust_score({})  # what a technician without any record gets: the fleet prior


async def refresh(session: AsyncSession, causes: Mapping[UUID, tuple[str, UUID | None, datetime]]) -> None:
    """Recomputes the technicians' scores from their evidence as this transaction sees it; each change is
    kept in his history with its cause (cause, order, when)."""
    ids = sorted(causes)  # one lock order for everyone: no deadlocks between refreshes
    if not ids:
        return
    for technician_id in ids:
        await repository.lock_technician_scores(session, locks.TRUST_REFRESH, technician_id)
    now = max(at for _, _, at in causes.values())
    evidence = await repository.evidence(session, ids, now)
    previous = await repository.score_values(session, ids, [ALL_SERVICES])
    for technician_id in ids:
        scores = scores_by_service(evidence.get(technician_id, {}))
        await repository.store_scores(
            session, [_row(technician_id, service, score, now) for service, score in scores.items()]
        )
        before = previous.get((technician_id, ALL_SERVICES))
        cause, order_id, at = causes[technician_id]
        await repository.add_history(
            session, technician_id=technician_id, score=scores[ALL_SERVICES].value,
            previous=before[0] if before else None, cause=cause, order_id=order_id, at=at,
        )  # fmt: skip


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
