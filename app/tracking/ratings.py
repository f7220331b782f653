"""Whether an order has been rated, for the tracking link's form. The feedback domain answers when the
composition root wires the application (a port, so that the core never imports the domain that holds
the ratings)."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

RatedSource = Callable[[AsyncSession, UUID], Awaitable[bool]]

_source: RatedSource | None = None


def provide(source: RatedSource) -> None:
    global _source
    _source = source


async def is_rated(session: AsyncSession, order_id: UUID) -> bool:
    if _source is None:
        raise RuntimeError("no source of ratings: the composition root has not wired the application")
    return await _source(session, order_id)
