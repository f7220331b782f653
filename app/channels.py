"""The PostgreSQL NOTIFY channels, in one place: what each carries and who listens."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app import events

# Wakes the dispatcher: an order to place, a technician free again, an offer declined.
DISPATCH_CHANNEL = "trustloop_dispatch"
# Wakes the notifications worker: a push row committed.
NOTIFICATIONS_CHANNEL = "trustloop_notifications"
# Live events (JSON) for every API process's fan-out hub: statuses, positions, ETAs, operator events.
LIVE_CHANNEL = "trustloop_live"
# Wakes the webhooks worker: a partner event committed.
WEBHOOKS_CHANNEL = "trustloop_webhooks"


async def notify_on_commit(session: AsyncSession, channel: str, payload: str = "") -> None:
    """A PostgreSQL NOTIFY: delivered to listeners when (and only if) the transaction commits."""
    await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})


def wake_on_commit(session: AsyncSession, channel: str) -> None:
    """One NOTIFY on the channel when the transaction commits, however many outbox rows it wrote (a
    dispatch round's hundreds of offer pushes wake the worker once, not once per row)."""

    async def wake(session: AsyncSession) -> None:
        await notify_on_commit(session, channel)

    events.once_per_transaction(session, f"wake:{channel}", wake)
