"""What partners and operators see of the deliveries, and the replay of one."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.channels import WEBHOOKS_CHANNEL, notify_on_commit
from app.errors import NotFound
from app.pagination import decode_sequence_cursor, encode_sequence_cursor
from app.schemas import Page
from webhooks import repository
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.schemas import AttemptRead, DeliveryRead


async def deliveries(
    session: AsyncSession, partner_id: UUID, limit: int, cursor: str | None, order_id: UUID | None = None
) -> Page[DeliveryRead]:
    found = await repository.page(
        session, partner_id, limit + 1, decode_sequence_cursor(cursor) if cursor else None, order_id
    )
    shown = found[:limit]
    attempts = await repository.attempts_of(session, [d.id for d in shown])
    history: dict[UUID, list[AttemptRead]] = {}
    for attempt in attempts:
        history.setdefault(attempt.delivery_id, []).append(AttemptRead.model_validate(attempt, from_attributes=True))
    return Page(
        items=[_present(d, history.get(d.id, [])) for d in shown],
        next_cursor=encode_sequence_cursor(shown[-1].seq) if len(found) > limit else None,
    )


async def replay(session: AsyncSession, partner_id: UUID, delivery_id: UUID) -> None:
    """Sends the event again, with the same id and body, as soon as the order's earlier events are out."""
    delivery = await repository.get_for_update(session, delivery_id)
    if delivery is None or delivery.partner_id != partner_id:
        raise NotFound("No such delivery.")
    now = clock.now()
    # A request in flight keeps its lease: the event is not sent twice at once, and its answer still counts.
    delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now
    delivery.retry_until = max(delivery.retry_until, now + (delivery.retry_until - delivery.created_at))
    await notify_on_commit(session, WEBHOOKS_CHANNEL)


def _present(delivery: WebhookDelivery, history: list[AttemptRead]) -> DeliveryRead:
    waiting = delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILING)
    return DeliveryRead(
        id=delivery.id, event_id=delivery.event_id, event_type=delivery.event_type, order_id=delivery.order_id,
        status=delivery.status, attempts=delivery.attempts, last_status_code=delivery.last_status_code,
        last_error=delivery.last_error, next_attempt_at=delivery.next_attempt_at if waiting else None,
        delivered_at=delivery.delivered_at, created_at=delivery.created_at, history=history,
    )  # fmt: skip
