from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def notify_on_commit(session: AsyncSession, channel: str, payload: str = "") -> None:
    """A PostgreSQL NOTIFY: delivered to listeners when (and only if) the transaction commits."""
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})
