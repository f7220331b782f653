"""Whether an order has been rated, for the tracking link's form, and by when someone will call its driver back
about it. The feedback domain answers when the composition root wires the application (ports, so that the core
never imports the domain that holds the ratings and their follow-up cases)."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

RatedSource = Callable[[AsyncSession, UUID], Awaitable[bool]]
CallBackSource = Callable[[AsyncSession, UUID], Awaitable[datetime | None]]

_rated: RatedSource | None = None
_call_back: CallBackSource | None = None


def provide(rated: RatedSource, call_back: CallBackSource) -> None:
    global _rated, _call_back
    _rated, _call_back = rated, call_back


async def is_rated(session: AsyncSession, order_id: UUID) -> bool:
    if _rated is None:
        raise RuntimeError("no source of ratings: the composition root has not wired the application")
    return await _rated(session, order_id)


async def call_back_by(session: AsyncSession, order_id: UUID) -> datetime | None:
    """When the driver was promised a call about this order, while nobody has called yet."""
    if _call_back is None:
        raise RuntimeError("no source of call-backs: the composition root has not wired the application")
    return await _call_back(session, order_id)
