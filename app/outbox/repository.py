from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox.models import OutboxMessage


def enqueue(session: AsyncSession, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Adds a side effect to the current transaction; it is delivered only if the transaction commits."""
    message = OutboxMessage(topic=topic, payload=payload)
    session.add(message)
    return message


async def notify_on_commit(session: AsyncSession, channel: str, payload: str = "") -> None:
    """A PostgreSQL NOTIFY: delivered to listeners when (and only if) the transaction commits."""
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})
