from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox.models import OutboxMessage


def enqueue(session: AsyncSession, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Adds a side effect to the current transaction; it is delivered only if the transaction commits."""
    message = OutboxMessage(topic=topic, payload=payload)
    session.add(message)
    return message
