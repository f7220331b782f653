"""Which facts of a partner's order become webhook events: each is a row written in the transaction of the
change it reports (a crash loses neither or both), with the order as it stands then."""

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.channels import WEBHOOKS_CHANNEL, wake_on_commit
from app.config import Settings
from app.orders import repository as orders
from app.orders.models import Order, OrderStatus
from app.orders.views import present
from app.partners import repository as partners
from webhooks import repository
from webhooks.models import DeliveryStatus, WebhookDelivery

STATUS_EVENTS = {
    OrderStatus.ASSIGNED: "order.assigned",
    OrderStatus.EN_ROUTE: "order.en_route",
    OrderStatus.ARRIVED: "order.arrived",
    OrderStatus.COMPLETED: "order.completed",
    OrderStatus.FAILED: "order.failed",
    OrderStatus.CANCELLED: "order.cancelled",
    OrderStatus.UNFULFILLED: "order.unfulfilled",
}
ETA_CHANGED = "order.eta_changed"
FEEDBACK_RECEIVED = "feedback.received"
# After the first "slipping" event, another only when the estimate moved this much again (either way).
ETA_RENOTIFY = timedelta(minutes=3)


class WebhookEvents:
    def __init__(self, retry_for_s: float) -> None:
        self._retry_for = timedelta(seconds=retry_for_s)

    async def on_status_change(self, session: AsyncSession, event: events.OrderStatusChanged) -> None:
        event_type = STATUS_EVENTS.get(OrderStatus(event.status))
        if event_type is not None:
            await self._write(session, event.order_id, event_type, event.at)

    async def on_eta(self, session: AsyncSession, event: events.ArrivalEstimated) -> None:
        if not event.slipped:
            return
        order = await orders.get(session, event.order_id)
        if order is None or order.partner_id is None:
            return
        last = await repository.last_of_type(session, event.order_id, ETA_CHANGED)
        if last is not None and abs(event.arrival_at - _eta_of(last)) < ETA_RENOTIFY:
            return
        estimate = {"arrival_at": event.arrival_at.isoformat(),
                    "promised_at": event.promised_at.isoformat() if event.promised_at else None}  # fmt: skip
        await self._write(session, event.order_id, ETA_CHANGED, event.at, order=order, extra={"estimate": estimate})

    async def on_feedback(self, session: AsyncSession, event: events.FeedbackGiven) -> None:
        feedback = {"csat": event.csat, "nps": event.nps, "ces": event.ces, "tags": list(event.tags),
                    "comment": event.comment}  # fmt: skip
        await self._write(session, event.order_id, FEEDBACK_RECEIVED, event.at, extra={"feedback": feedback})

    async def _write(
        self, session: AsyncSession, order_id: UUID, event_type: str, at: datetime,
        order: Order | None = None, extra: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        order = order or await orders.get(session, order_id)
        if order is None or order.partner_id is None:
            return
        partner = await partners.get(session, order.partner_id)
        if partner is None or partner.webhook_url is None:
            return
        event_id = uuid4()
        data = {"order": (await present(session, order)).model_dump(mode="json"), **(extra or {})}
        body = {"id": str(event_id), "type": event_type, "created_at": at.isoformat(), "data": data}
        session.add(
            WebhookDelivery(
                event_id=event_id, event_type=event_type, partner_id=partner.id, order_id=order.id,
                url=partner.webhook_url, body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=at, retry_until=at + self._retry_for,
                created_at=at,
            )
        )  # fmt: skip
        events.require_durable_commit(session)  # a partner's event is as precious as the change it reports
        wake_on_commit(session, WEBHOOKS_CHANNEL)


def _eta_of(delivery: WebhookDelivery) -> datetime:
    """The estimate an earlier `order.eta_changed` reported."""
    return datetime.fromisoformat(json.loads(delivery.body)["data"]["estimate"]["arrival_at"])


def install(settings: Settings) -> None:
    writer = WebhookEvents(settings.webhook_retry_for_s)
    events.subscribe(events.OrderStatusChanged, writer.on_status_change)
    events.subscribe(events.ArrivalEstimated, writer.on_eta)
    events.subscribe(events.FeedbackGiven, writer.on_feedback)
