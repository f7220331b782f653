"""How dispatch reacts to the facts of the core: a taken or closed order withdraws its open offers, and
anything that may let an order be placed wakes the dispatcher at once, and every drive that reaches its
driver teaches the calibration of promises."""

from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.channels import DISPATCH_CHANNEL, notify_on_commit
from app.orders.models import OrderStatus
from dispatch import repository

# After these, the order needs no more offers (taken by someone, or over).
WITHDRAWS_OFFERS = frozenset({OrderStatus.ASSIGNED, *OrderStatus.ended()})
# After these, a technician is free again.
FREES_TECHNICIAN = OrderStatus.ended()


async def _wake(session: AsyncSession, _: events.Event) -> None:
    await notify_on_commit(session, DISPATCH_CHANNEL)


async def _status_changed(session: AsyncSession, event: events.OrderStatusChanged) -> None:
    status = OrderStatus(event.status)
    if status in WITHDRAWS_OFFERS:
        await repository.withdraw_pending(session, event.order_id, event.at)
    if status in FREES_TECHNICIAN:
        await notify_on_commit(session, DISPATCH_CHANNEL)
    if status is OrderStatus.ARRIVED:
        await repository.record_drive(session, event.order_id, event.at)  # the calibration learns from it


async def _offer_answered(session: AsyncSession, event: events.OfferAnswered) -> None:
    if event.outcome is events.OfferOutcome.DECLINED:
        await notify_on_commit(session, DISPATCH_CHANNEL)  # the order may go to someone else now


def install() -> None:
    events.subscribe(events.OrderCreated, _wake)
    events.subscribe(events.TechnicianAvailable, _wake)
    events.subscribe(events.OrderStatusChanged, _status_changed)
    events.subscribe(events.OfferAnswered, _offer_answered)
