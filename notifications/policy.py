"""Which fact deserves which push, to whom. Each push is a row written in the transaction of the fact."""

import math
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.channels import NOTIFICATIONS_CHANNEL, wake_on_commit
from app.live import repository as live_repository
from app.live.progress import Step
from app.orders import repository as orders
from app.orders.models import OrderStatus
from app.sla.rules import SlaCause
from app.technicians import repository as technicians
from notifications import repository
from notifications.models import Notification

ETA_CHANGE_MIN_GAP = timedelta(minutes=5)
ARRIVING_WITHIN = timedelta(minutes=3)
# "Almost there" waits this long after "on his way": one who sets out two minutes away is not announced twice in
# the same second; the next estimate brings it.
ARRIVING_AFTER_SETTING_OUT = timedelta(minutes=1)
FEEDBACK_REQUEST_DELAY = timedelta(minutes=2)

# The driver's push for each step of the job, at most one of each per order.
DRIVER_STEPS = {
    OrderStatus.ASSIGNED: "assigned",
    OrderStatus.EN_ROUTE: "en_route",
    OrderStatus.ARRIVED: "arrived",
    OrderStatus.COMPLETED: "completed",
    OrderStatus.FAILED: "failed",
    OrderStatus.UNFULFILLED: "unfulfilled",
}


async def push(
    session: AsyncSession,
    user_id: UUID,
    kind: str,
    order_id: UUID | None,
    params: dict[str, Any],
    *,
    collapse_key: str | None = None,
    available_at: datetime | None = None,
) -> None:
    notification = Notification(user_id=user_id, kind=kind, order_id=order_id, params=params, collapse_key=collapse_key)
    if available_at is not None:
        notification.available_at = available_at
    session.add(notification)
    _send_after_commit(session)


def _send_after_commit(session: AsyncSession) -> None:
    """Pushes written in this transaction: it commits durably, and the push worker is woken by its commit."""
    events.require_durable_commit(session)
    wake_on_commit(session, NOTIFICATIONS_CHANNEL)


async def technician_params(session: AsyncSession, technician_id: UUID | None) -> dict[str, Any]:
    """Who is coming, as the texts name him: display name, grammatical gender, what to look out for."""
    technician = await technicians.get(session, technician_id) if technician_id else None
    if technician is None:
        return {}
    vehicle = technician.vehicle or {}
    return {
        "technician": technician.shown_name,
        "technician_gender": technician.gender,
        **{f"vehicle_{part}": vehicle.get(part) for part in ("make", "model", "color", "plate") if vehicle.get(part)},
    }


async def push_once(
    session: AsyncSession, user_id: UUID, kind: str, order_id: UUID, params: dict[str, Any], **options: Any
) -> None:
    """A step of the job is pushed to a person once for each technician who takes it, however often the step is
    reached (a retry, a race): after a reassignment the driver is told that the new one is on his way too."""
    if not await repository.pushed_since_handover(session, order_id, kind, user_id):
        await push(session, user_id, kind, order_id, params, **options)


async def on_status_change(session: AsyncSession, event: events.OrderStatusChanged) -> None:
    """The pushes a status change owes the driver and the technicians involved."""
    status = OrderStatus(event.status)
    arrival_at = event.promised_at
    if status is not OrderStatus.ASSIGNED:
        live = await live_repository.tracking(session, event.order_id)
        arrival_at = live.eta_arrival_at if live is not None and live.eta_arrival_at else event.promised_at
    params: dict[str, Any] = {
        **await technician_params(session, event.technician_id),
        "service": event.service.value,
        "arrival_at": arrival_at.isoformat() if arrival_at else None,
    }
    reassigned_from = event.previous_technician_id
    reassigned = (
        status is OrderStatus.ASSIGNED and reassigned_from is not None and reassigned_from != event.technician_id
    )
    if status is OrderStatus.ASSIGNED and event.technician_id is not None and event.actor_id != event.technician_id:
        # Given him by an operator or a re-dispatch, not taken from an offer: he must hear of it.
        address = (await orders.addresses(session, {event.order_id})).get(event.order_id)
        await push(session, event.technician_id, "job_assigned", event.order_id,
                   {"service": event.service.value, "address": address})  # fmt: skip
    if reassigned:
        await push(session, event.driver_id, "reassigned", event.order_id, params)
        assert reassigned_from is not None
        await push(session, reassigned_from, "job_reassigned", event.order_id, {"service": event.service.value})
    elif status in DRIVER_STEPS:
        await push_once(session, event.driver_id, DRIVER_STEPS[status], event.order_id, params)
    if status in OrderStatus.finished():
        await push_once(
            session, event.driver_id, "feedback_request", event.order_id, params,
            available_at=event.at + FEEDBACK_REQUEST_DELAY,
        )  # fmt: skip
    if status is OrderStatus.CANCELLED:
        # The cause, not the free-text reason: that is in whatever language the operator or partner typed it.
        by_driver = event.actor_id == event.driver_id
        if not by_driver:
            await push(session, event.driver_id, "cancelled", event.order_id, {**params, "cancel_cause": event.cause})
        if event.technician_id is not None and event.actor_id != event.technician_id:
            await push(session, event.technician_id, "job_cancelled", event.order_id,
                       {"service": event.service.value, "cancel_cause": event.cause, "by_driver": by_driver})  # fmt: skip


async def on_feedback(session: AsyncSession, event: events.FeedbackGiven) -> None:
    """Rated before the reminder went out (on the tracking page, in the app): he is not asked again."""
    await repository.withdraw_pending(session, event.order_id, "feedback_request", event.driver_id)


async def on_no_road(session: AsyncSession, event: events.NoRoadToOrder) -> None:
    """The driver hears once, early, that the technicians near him cannot reach his pin by road, rather than
    only when the search gives up."""
    await push_once(session, event.driver_id, "no_road", event.order_id, {"service": event.service.value})


async def on_offer(session: AsyncSession, event: events.OfferMade) -> None:
    """Offers come in hundreds from one dispatch round: their pushes are written together once the round's
    events are out (one read of the addresses, one insert), not a round trip each."""
    session.info.setdefault("offers_to_push", []).append(event)
    events.once_per_transaction(session, "offers_to_push", _push_offers)


async def _push_offers(session: AsyncSession) -> None:
    offers: list[events.OfferMade] = session.info.pop("offers_to_push", [])
    if not offers:
        return
    addresses = await orders.addresses(session, {event.order_id for event in offers})
    pushes = [
        {"user_id": event.technician_id, "kind": "offer", "order_id": event.order_id,
         "params": {"service": event.service.value, "minutes": _drive_minutes(event.eta_seconds),
                    "ttl": event.ttl_s, "address": addresses.get(event.order_id)},
         "collapse_key": f"offer:{event.order_id}"}
        for event in offers
    ]  # fmt: skip
    await repository.insert_notifications(session, pushes)
    _send_after_commit(session)


def _minutes(seconds: float) -> int:
    """A span as a push counts it: whole minutes, at least 1."""
    return max(1, round(seconds / 60))


def _drive_minutes(eta_seconds: int | None) -> int | None:
    """An offer's drive in whole minutes; None (the push says it is not known) without a road time."""
    return None if eta_seconds is None else _minutes(eta_seconds)


async def on_eta_update(session: AsyncSession, event: events.ArrivalEstimated) -> None:
    """Pushes `eta_changed` when the promise slips (at most one per gap) and `arriving` once, a few minutes out."""
    if event.promised_at is None:
        return
    slipped = event.slipped
    # "Almost there" only once he has set off, and not in the same breath as the push that says he has.
    arriving = (
        event.status == OrderStatus.EN_ROUTE
        and event.arrival_at - event.at <= ARRIVING_WITHIN
        and not await repository.already_pushed(
            session, event.order_id, "en_route", since=event.at - ARRIVING_AFTER_SETTING_OUT, user_id=event.driver_id
        )
    )
    if not (slipped or arriving):
        return
    params = {**await technician_params(session, event.technician_id), "service": event.service.value}
    if slipped and not await repository.already_pushed(
        session, event.order_id, "eta_changed", since=event.at - ETA_CHANGE_MIN_GAP
    ):
        # Told "almost there" earlier, the driver hears that it takes longer than that message said, not a bare
        # "running late" that reads as if the two pushes were about different drives.
        told_arriving = await repository.pushed_since_handover(session, event.order_id, "arriving", event.driver_id)
        await push(
            session, event.driver_id, "eta_changed", event.order_id,
            {**params, "arrival_at": event.arrival_at.isoformat(), "after_arriving": told_arriving},
            collapse_key=f"eta:{event.order_id}",
        )  # fmt: skip
    if arriving:
        # Rounded up, as the tracking page and the console round the same arrival: the push and the page the driver
        # opens from it must not say 2 and 3 minutes of the same moment.
        minutes = max(1, math.ceil((event.arrival_at - event.at).total_seconds() / 60))
        await push_once(session, event.driver_id, "arriving", event.order_id, {**params, "minutes": minutes})


# The stall ladder's pushes: the technician is asked first, the driver told when a re-dispatch is offered.
ASK_TECHNICIAN = {"stalled": "stall_check", "no signal": "signal_check"}
TELL_DRIVER = {"stalled": "held_up", "no signal": "delayed"}


async def on_stall(session: AsyncSession, event: events.StallEscalated) -> None:
    """Step 1 asks the technician whether he is still on his way; step 3 tells the driver, before the promise
    breaks, that his technician seems held up and another may come. Each step comes once per episode."""
    if event.step == Step.ASK_TECHNICIAN:
        minutes = _minutes((event.at - event.quiet_since).total_seconds())
        params = {"service": event.service.value, "minutes": minutes}
        await push(session, event.technician_id, ASK_TECHNICIAN[event.trouble], event.order_id, params)
    elif event.step == Step.OFFER_REDISPATCH:
        params = {**await technician_params(session, event.technician_id), "service": event.service.value}
        await push(session, event.driver_id, TELL_DRIVER[event.trouble], event.order_id, params)


async def on_set_offline(session: AsyncSession, event: events.TechnicianSetOffline) -> None:
    """Tells a technician set offline for his silent phone why no jobs come, and how to get them again. The
    minutes are the rule's, not his whole silence: a phone off all night is told "over 30 minutes", not 600."""
    minutes = _minutes(event.offline_after_s)
    await push(session, event.technician_id, "set_offline", None, {"minutes": minutes})


async def alert_operators(
    session: AsyncSession, order_id: UUID, state: str, reason: str | None, cause: str | None, minutes: int = 0
) -> None:
    params = {"state": state, "reason": reason or "", "cause": cause or "", "minutes": minutes}
    for operator_id in await repository.operators_with_devices(session):
        await push(session, operator_id, "sla_alert", order_id, params)


class SlaAlerts:
    """Pages the operators by push for the SLA states they asked for (TRUSTLOOP_SLA_ALERT_ON)."""

    def __init__(self, alert_on: Collection[str]) -> None:
        self._alert_on = frozenset(alert_on)

    async def on_sla(self, session: AsyncSession, event: events.SlaChanged) -> None:
        if event.state in self._alert_on:
            await alert_operators(session, event.order_id, event.state, event.reason, event.cause, event.minutes)

    async def on_follow_up(self, session: AsyncSession, event: events.FollowUpChanged) -> None:
        if event.overdue and "breached" in self._alert_on:
            await alert_operators(
                session,
                event.order_id,
                "breached",
                "the unhappy driver was not called back in time",
                SlaCause.NOT_CALLED_BACK,
            )
