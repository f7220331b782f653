"""How a technician stands with drivers (trust score, mean rating), for the screens of the core.

The core shows it but does not compute it: the feedback domain provides the source when the composition
root wires the application (a port, so that the core never imports the domain that judges technicians)."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class Reputation:
    trust_score: float
    rating: float | None  # the mean CSAT of his rated jobs, None before the first


ReputationSource = Callable[[AsyncSession, Sequence[UUID]], Awaitable[Mapping[UUID, Reputation]]]

_source: ReputationSource | None = None


def provide(source: ReputationSource) -> None:
    global _source
    _source = source


async def of(session: AsyncSession, technician_ids: Sequence[UUID]) -> Mapping[UUID, Reputation]:
    if _source is None:
        raise RuntimeError("no reputation source: the composition root has not wired the application")
    return await _source(session, technician_ids)
