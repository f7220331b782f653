"""How the search for a technician goes, as far as the driver should know it when he opens his link: the
latest dispatch round found technicians near and no road from any of them to his pin. The dispatch domain
answers when the composition root wires the application (a port, so that the core never imports it)."""

from collections.abc import Awaitable, Callable
from typing import Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

SearchOutcome = Literal["no_road"]
SearchSource = Callable[[AsyncSession, UUID], Awaitable[SearchOutcome | None]]

_source: SearchSource | None = None


def provide(source: SearchSource) -> None:
    global _source
    _source = source


async def latest_outcome(session: AsyncSession, order_id: UUID) -> SearchOutcome | None:
    if _source is None:
        raise RuntimeError("no source of search outcomes: the composition root has not wired the application")
    return await _source(session, order_id)
