"""How the live streams react to the facts of the core: status changes reach the driver's and the operators'
streams; an assignment starts the job's live view from the promise; operator-only facts (SLA, follow-ups,
stalled or dark technicians, technicians going online or offline) reach the console."""

from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.live import messages, repository
from app.live.progress import Step
from app.orders.models import OrderStatus
from app.orders.views import technician_block


async def _order_created(session: AsyncSession, event: events.OrderCreated) -> None:
    await messages.publish_status(session, event.order_id, OrderStatus.SEARCHING.value, event.at)  # the console


async def _status_changed(session: AsyncSession, event: events.OrderStatusChanged) -> None:
    coming = None
    if event.status == OrderStatus.ASSIGNED and event.technician_id is not None:
        block = await technician_block(session, event.technician_id)
        coming = block.model_dump(mode="json") if block else None
    await messages.publish_status(session, event.order_id, event.status, event.at, coming, event.cause)
    if event.technician_id is None:
        return
    live = await repository.tracking_for_update(session, event.order_id)
    live.near_since = None
    if event.status == OrderStatus.ASSIGNED:
        if live.trouble is not None:  # the driver was told the last one is held up: that is over now
            await messages.publish_held_up(session, event.order_id, None, event.at)
        # A new technician (or the first): his live ETA starts at the promise, his route is yet to come.
        live.eta_arrival_at = live.eta_confidence = live.eta_updated_at = None
        live.route_geometry = live.route_distance_m = live.route_duration_s = None
        # His progress is measured afresh, and any stall or dark phone of the one before is over.
        live.best_remaining_m = None
        live.improved_at = live.measured_at = live.last_fix_at = live.trouble_since = None
        live.trouble, live.trouble_step, live.trouble_counted = None, 0, False


async def _sla_changed(session: AsyncSession, event: events.SlaChanged) -> None:
    await messages.publish_for_operators(
        session, "sla", event.order_id, state=event.state, reason=event.reason, at=messages.rfc3339(event.at)
    )


async def _stall_escalated(session: AsyncSession, event: events.StallEscalated) -> None:
    if event.step == Step.OFFER_REDISPATCH:  # the driver is told by push now: his screens say it too
        await messages.publish_held_up(session, event.order_id, event.trouble, event.at)
    if event.step >= Step.AT_RISK:  # the first step is between him and his phone
        await messages.publish_for_operators(
            session, "stall", event.order_id, trouble=event.trouble, step=event.step,
            since=messages.rfc3339(event.since), redispatch_offered=event.step >= Step.OFFER_REDISPATCH,
            at=messages.rfc3339(event.at),
        )  # fmt: skip


async def _stall_cleared(session: AsyncSession, event: events.StallCleared) -> None:
    await messages.publish_held_up(session, event.order_id, None, event.at)
    await messages.publish_for_operators(
        session, "stall", event.order_id, trouble=None, step=0, since=messages.rfc3339(event.since),
        redispatch_offered=False, at=messages.rfc3339(event.at),
    )  # fmt: skip


async def _follow_up_changed(session: AsyncSession, event: events.FollowUpChanged) -> None:
    fields = {"followup_id": str(event.followup_id), "status": event.status, "due_at": messages.rfc3339(event.due_at)}
    if event.overdue:
        reason = "the unhappy driver was not called back in time"
        await messages.publish_for_operators(
            session, "sla", event.order_id, state="breached", reason=reason, at=messages.rfc3339(event.at), **fields
        )
    else:
        await messages.publish_for_operators(session, "followup", event.order_id, **fields)


async def _technician_available(session: AsyncSession, event: events.TechnicianAvailable) -> None:
    await messages.publish_availability(session, event.technician_id, True, "app", event.at)


async def _technician_went_offline(session: AsyncSession, event: events.TechnicianWentOffline) -> None:
    await messages.publish_availability(session, event.technician_id, False, "app", event.at)


async def _technician_set_offline(session: AsyncSession, event: events.TechnicianSetOffline) -> None:
    await messages.publish_availability(session, event.technician_id, False, "no_position", event.at)


async def _no_road(session: AsyncSession, event: events.NoRoadToOrder) -> None:
    await messages.publish_search(session, event.order_id, "no_road", event.at)


def install() -> None:
    events.subscribe(events.OrderCreated, _order_created)
    events.subscribe(events.NoRoadToOrder, _no_road)
    events.subscribe(events.OrderStatusChanged, _status_changed)
    events.subscribe(events.SlaChanged, _sla_changed)
    events.subscribe(events.FollowUpChanged, _follow_up_changed)
    events.subscribe(events.TechnicianAvailable, _technician_available)
    events.subscribe(events.TechnicianWentOffline, _technician_went_offline)
    events.subscribe(events.TechnicianSetOffline, _technician_set_offline)
    events.subscribe(events.StallEscalated, _stall_escalated)
    events.subscribe(events.StallCleared, _stall_cleared)
