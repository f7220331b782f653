from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox.models import OutboxMessage


def enqueue(session: AsyncSession, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Adds a side effect to the current transaction; it is delivered only if the transaction commits."""
    message = OutboxMessage(topic=topic, payload=payload)
    session.add(message)
    return message


async def enqueue_many(session: AsyncSession, topic: str, payloads: list[dict[str, Any]]) -> None:
    """Adds many side effects in one statement, in this transaction."""
    if payloads:
        await session.execute(insert(OutboxMessage), [{"topic": topic, "payload": payload} for payload in payloads])


async def notify_on_commit(session: AsyncSession, channel: str, payload: str = "") -> None:
    """A PostgreSQL NOTIFY: delivered to listeners when (and only if) the transaction commits."""
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})
