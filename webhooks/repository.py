from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery

# The due deliveries whose order has no earlier event still waiting: events of one order go out in order
# (an order has one partner, so the order alone decides). SKIP LOCKED lets several senders share the work;
# the lease keeps a slow request from being sent twice.
CLAIM_SQL = text(
    """
    UPDATE webhook_deliveries d SET leased_until = :lease_until
    WHERE d.id IN (
        SELECT c.id FROM webhook_deliveries c
        WHERE c.status = ANY(:waiting) AND c.next_attempt_at <= :now
          AND (c.leased_until IS NULL OR c.leased_until <= :now)
          AND NOT EXISTS (
              SELECT 1 FROM webhook_deliveries e
              WHERE e.order_id = c.order_id AND e.seq < c.seq AND NOT e.status = ANY(:settled))
        ORDER BY c.seq
        LIMIT :limit
        FOR UPDATE SKIP LOCKED)
    RETURNING d.id
    """
)
# Every access path the claim needs is an index (the waiting ones by the partial due index, the earlier
# events of an order by (order_id, seq)). Statistics that lag a burst of inserts (a table analyzed when it
# was nearly empty) made the planner scan the table once per candidate: a second per claim of 100 at 10,000
# waiting. Without the sequential scan the plan stays about a millisecond whatever the statistics say.
NO_SEQSCAN_SQL = text("SET LOCAL enable_seqscan = off")


async def claim_due(session: AsyncSession, now: datetime, lease_until: datetime, limit: int) -> list[WebhookDelivery]:
    await session.execute(NO_SEQSCAN_SQL)
    ids = [row.id for row in await session.execute(
        CLAIM_SQL, {"now": now, "lease_until": lease_until, "limit": limit, "waiting": DeliveryStatus.waiting(),
         "settled": DeliveryStatus.settled()}
    )]  # fmt: skip
    if not ids:
        return []
    found = await session.execute(
        select(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids))
        .order_by(WebhookDelivery.seq)
        .execution_options(populate_existing=True)
    )
    return list(found.scalars())


async def get_for_update(session: AsyncSession, delivery_id: UUID) -> WebhookDelivery | None:
    found = await session.execute(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found.scalar_one_or_none()


async def page(
    session: AsyncSession, partner_id: UUID, limit: int, before_seq: int | None, order_id: UUID | None = None
) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.partner_id == partner_id)
    if order_id is not None:
        query = query.where(WebhookDelivery.order_id == order_id)
    if before_seq is not None:
        query = query.where(WebhookDelivery.seq < before_seq)
    return list((await session.execute(query.order_by(WebhookDelivery.seq.desc()).limit(limit))).scalars())


async def attempts_of(session: AsyncSession, delivery_ids: Sequence[UUID]) -> list[WebhookAttempt]:
    found = await session.execute(
        select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids)).order_by(WebhookAttempt.id)
    )
    return list(found.scalars())


async def last_of_type(session: AsyncSession, order_id: UUID, event_type: str) -> WebhookDelivery | None:
    found = await session.execute(
        select(WebhookDelivery)
        .where(WebhookDelivery.order_id == order_id, WebhookDelivery.event_type == event_type)
        .order_by(WebhookDelivery.seq.desc())
        .limit(1)
    )
    return found.scalar_one_or_none()


async def release(session: AsyncSession, delivery_id: UUID) -> None:
    await session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(leased_until=None))


async def backlog(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        text("SELECT status, count(*) FROM webhook_deliveries WHERE status <> 'delivered' GROUP BY status")
    )
    return {status: int(n) for status, n in rows.all()}


async def record_attempts(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(WebhookAttempt), rows)


MARK_DELIVERED_SQL = text(
    """
    UPDATE webhook_deliveries d
    SET status = :delivered, attempts = d.attempts + 1, leased_until = NULL, last_status_code = a.code,
        last_error = NULL, delivered_at = :now
    FROM unnest(CAST(:ids AS uuid[]), CAST(:codes AS int[])) AS a(id, code)
    WHERE d.id = a.id AND d.leased_until = :lease_until
    """
)


async def mark_delivered(
    session: AsyncSession, delivered: list[tuple[UUID, int]], now: datetime, lease_until: datetime
) -> None:
    """Settles the accepted deliveries of a batch in one statement (the common case, kept cheap)."""
    if delivered:
        await session.execute(MARK_DELIVERED_SQL, {
            "ids": [i for i, _ in delivered], "codes": [c for _, c in delivered], "now": now,
            "delivered": DeliveryStatus.DELIVERED.value, "lease_until": lease_until,
        })  # fmt: skip
