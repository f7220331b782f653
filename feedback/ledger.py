"""What each fact means for a technician's trust signals: the fair-attribution rules, in one place.

Every fact that moves a signal writes one evidence entry (feedback.models.TrustEvidence) in the transaction
of the fact, with its cause and the figures behind it, so that the score can be explained to the operator
and to the technician himself:

    rating        each rating of his job: (csat - 1) / 4
    on_time       his arrival against the promise he accepted, within the service's tolerance; the wait
                  before anyone accepted is not his. When the promise was calibrated, it is judged against
                  the fleet's promise for the same drive (his own pace taken out of it): a slow driver whose
                  promises grew with his slowness is not on time for that. A stall on the way (no progress towards the driver
                  for TRUSTLOOP_STALL_AFTER_S) is one more sample at 0, once per episode; a phone that went
                  dark is not, unless he turns out to have stood still meanwhile (then it is a stall)
    first_fix     each finished job: fixed on the spot (for a tow, towing is the fix)
    kept_jobs     each job he accepted: written when he accepts and settled when it ends; kept unless an
                  operator handed it to someone else or the driver gave up after the promise had passed
                  without him arriving (a driver cancelling earlier does not count against him)
    responsive    each offer: accepted, or declined / let lapse

The technicians an entry touched are refreshed once when the transaction's events have been delivered.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.orders import repository as orders_repository
from app.orders.models import OrderStatus, Resolution
from feedback import repository, scores
from feedback.models import Feedback
from feedback.trust import Signal, normalised_csat

ToleranceOf = Callable[[str], timedelta]


@dataclass(frozen=True, slots=True)
class Touch:
    cause: str
    order_id: UUID | None
    at: datetime


def _touch(session: AsyncSession, technician_id: UUID, touch: Touch) -> None:
    """Remembers the technician for this transaction's single refresh (his first cause names it)."""
    touched: dict[UUID, Touch] = session.info.setdefault("trust_touched", {})
    touched.setdefault(technician_id, touch)
    events.once_per_transaction(session, "trust_refresh", _refresh_touched)


async def _refresh_touched(session: AsyncSession) -> None:
    touched: dict[UUID, Touch] = session.info.pop("trust_touched", {})
    await scores.refresh(session, {t: (touch.cause, touch.order_id, touch.at) for t, touch in touched.items()})


async def _record(
    session: AsyncSession,
    technician_id: UUID,
    order_id: UUID,
    service: str,
    signal: Signal,
    value: float | None,
    at: datetime,
    cause: str,
    detail: dict[str, Any] | None = None,
) -> None:
    await repository.add_evidence(
        session, technician_id=technician_id, order_id=order_id, service=service, signal=signal.value, value=value,
        at=at, cause=cause, detail=detail or {}, settled_at=at if value is not None else None,
    )  # fmt: skip


async def on_offer_answered(session: AsyncSession, event: events.OfferAnswered) -> None:
    accepted = event.outcome is events.OfferOutcome.ACCEPTED
    cause = f"offer_{event.outcome.value}"
    await _record(
        session, event.technician_id, event.order_id, event.service.value, Signal.RESPONSIVE, 1.0 if accepted else 0.0,
        event.at, cause, {"outcome": event.outcome.value},
    )  # fmt: skip
    if accepted:  # settled when the job ends or is taken from him
        await _record(session, event.technician_id, event.order_id, event.service.value, Signal.KEPT_JOBS, None,
                      event.at, cause)  # fmt: skip
    _touch(session, event.technician_id, Touch(cause, event.order_id, event.at))


def rating_evidence(csat: int) -> float:
    return normalised_csat(csat)


async def on_feedback(session: AsyncSession, event: events.FeedbackGiven) -> None:
    if event.technician_id is None:
        return
    await _record(
        session, event.technician_id, event.order_id, event.service.value, Signal.RATING, rating_evidence(event.csat),
        event.at, "rating", {"csat": event.csat},
    )  # fmt: skip
    _touch(session, event.technician_id, Touch("rating", event.order_id, event.at))


async def comment_complaint(session: AsyncSession, feedback: Feedback, topics: list[str], at: datetime) -> None:
    """The driver's words said he was rude or damaged the car: one more rating sample, at the bottom."""
    assert feedback.technician_id is not None
    service = await repository.service_of_order(session, feedback.order_id)
    await _record(
        session, feedback.technician_id, feedback.order_id, service, Signal.RATING, 0.0, at, "comment",
        {"topics": topics, "csat": feedback.csat},
    )  # fmt: skip
    _touch(session, feedback.technician_id, Touch("comment", feedback.order_id, at))


async def on_stalled(session: AsyncSession, event: events.TechnicianStalled) -> None:
    """He made no progress towards the driver for too long: it counts against his on-time record, once."""
    still_s = (event.at - event.improved_at).total_seconds() if event.improved_at else None
    await _record(
        session, event.technician_id, event.order_id, event.service.value, Signal.ON_TIME, 0.0, event.at, "stalled",
        {"still_s": round(still_s) if still_s is not None else None, "since": event.since.isoformat()},
    )  # fmt: skip
    _touch(session, event.technician_id, Touch("stalled", event.order_id, event.at))


async def _fleet_promise(session: AsyncSession, order_id: UUID, promised_at: datetime) -> datetime:
    """The promise the fleet would have made for this drive: the calibrated promise without the technician's
    own pace (the `technician` factor of its basis); the promise itself when it was not calibrated."""
    order = await orders_repository.get(session, order_id)
    own_pace = float((order.promise_basis or {}).get("technician", 1.0)) if order is not None else 1.0
    if order is None or order.assigned_at is None or own_pace <= 0 or own_pace == 1.0:
        return promised_at
    return order.assigned_at + (promised_at - order.assigned_at) / own_pace


class StatusRules:
    """The signals a status change settles; the arrival tolerance is the service's (TRUSTLOOP_SLA_TARGETS)."""

    def __init__(self, tolerance_of: ToleranceOf) -> None:
        self._tolerance_of = tolerance_of

    async def on_status_changed(self, session: AsyncSession, event: events.OrderStatusChanged) -> None:
        status = OrderStatus(event.status)
        service = event.service.value
        reassigned_from = event.previous_technician_id
        if status is OrderStatus.ASSIGNED and reassigned_from and reassigned_from != event.technician_id:
            await repository.settle_kept_job(session, event.order_id, reassigned_from, 0.0, event.at,
                                             "reassigned_away", {"reassigned": True})  # fmt: skip
            _touch(session, reassigned_from, Touch("reassigned_away", event.order_id, event.at))
        technician_id = event.technician_id
        if technician_id is None or status not in {OrderStatus.ARRIVED, *OrderStatus.ended()}:
            return
        tolerance = self._tolerance_of(service)
        if status is OrderStatus.ARRIVED and event.promised_at is not None:
            judged_at = await _fleet_promise(session, event.order_id, event.promised_at)
            late_s = (event.at - judged_at).total_seconds()
            await _record(
                session, technician_id, event.order_id, service, Signal.ON_TIME,
                1.0 if event.at <= judged_at + tolerance else 0.0, event.at, "arrived",
                {"late_s": round(late_s), "tolerance_s": tolerance.total_seconds(),
                 "promised_at": event.promised_at.isoformat(),
                 **({"judged_against": judged_at.isoformat()} if judged_at != event.promised_at else {})},
            )  # fmt: skip
        if status in OrderStatus.finished():
            fixed = status is OrderStatus.COMPLETED and (
                event.resolution == Resolution.FIXED_ON_SITE or event.service.value == "tow"
            )
            # Completed without saying how, a job is no evidence either way: not a failed fix held against him.
            if fixed or status is not OrderStatus.COMPLETED or event.resolution is not None:
                await _record(session, technician_id, event.order_id, service, Signal.FIRST_FIX,
                              1.0 if fixed else 0.0, event.at, status.value, {"resolution": event.resolution})  # fmt: skip
            await repository.settle_kept_job(session, event.order_id, technician_id, 1.0, event.at, status.value, {})
        if status is OrderStatus.CANCELLED:
            # Counts against him only if the driver gave up after the promise had passed without him arriving.
            broke_promise = (
                event.promised_at is not None
                and event.at > event.promised_at + tolerance
                and event.previous_status != OrderStatus.ARRIVED
            )
            await repository.settle_kept_job(
                session, event.order_id, technician_id, 0.0 if broke_promise else 1.0, event.at, "cancelled",
                {"after_promise": broke_promise},
            )  # fmt: skip
        _touch(session, technician_id, Touch(status.value, event.order_id, event.at))
