"""The tracking link's live stream: the driver's stream of the order, narrowed to what the link shows.

The link sees what the order's driver would see (positions only from assigned until arrived), minus who
anyone is: the snapshot is the tracking view, a status that brings a technician shows his public face
only, and messages the link has no use for are left out. The stream ends with the job (close code 1000:
nothing moves any more, and the page turns to the rating form), so no stream outlives its link; a forged
or expired link is closed at once with 4401."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.tokens import Principal
from app.config import Settings
from app.enums import Role
from app.errors import NotFound
from app.live.hub import Event, Subscription
from app.live.streams import AccessEnded, Caller, order_events
from app.orders.models import OrderStatus
from app.orders.schemas import AssignedTechnician
from app.tracking import service
from app.tracking.links import links

PUBLIC_EVENTS = frozenset({"snapshot", "status", "position", "eta", "route", "held_up", "search"})
ENDED = frozenset(OrderStatus.values(OrderStatus.ended()))
CLOSE_JOB_ENDED = 1000


@dataclass(frozen=True, slots=True)
class LinkStream:
    order_id: UUID
    viewer: Principal  # the order's driver, as far as the order's stream is concerned
    snapshot: Event


async def open_stream(sessions: async_sessionmaker[AsyncSession], settings: Settings, token: str) -> LinkStream | None:
    async with sessions() as session:
        try:
            order = await service.open_link(session, token)
        except NotFound:
            return None
        tracking = (await service.view(session, settings, order)).model_dump(mode="json")
        viewer = Principal(user_id=order.driver_id, role=Role.DRIVER)
        return LinkStream(order.id, viewer, {"type": "snapshot", "order": tracking, "position": tracking["position"]})


def still_open(sessions: async_sessionmaker[AsyncSession], token: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        async with sessions() as session:
            return await service.is_open(session, token)

    return check


def order_of(token: str) -> UUID | None:
    """The order a link was signed for (whether it is still open is for `open_stream` to say)."""
    return links().order_id(token)


async def link_events(
    subscription: Subscription,
    stream: LinkStream,
    allowed: Callable[[], Awaitable[bool]],
    reopen: Callable[[], Awaitable[LinkStream | None]],
) -> AsyncIterator[Event]:
    """The order's stream for the link; `subscription` (to the order) was opened before the stream's
    snapshot was read."""

    async def reload() -> Event | None:
        again = await reopen()
        return again.snapshot if again is not None else None

    source = order_events(subscription, stream.snapshot, Caller(stream.viewer), allowed, reload)
    async with contextlib.aclosing(source) as events:
        async for event in events:
            if event["type"] not in PUBLIC_EVENTS:
                continue
            if event["type"] == "status" and event.get("technician"):
                coming = AssignedTechnician.model_validate(event["technician"])
                event = {**event, "technician": service.public_technician(coming).model_dump(mode="json")}
            yield event
            status = event["order"]["status"] if event["type"] == "snapshot" else event.get("status")
            if status in ENDED:
                raise AccessEnded(CLOSE_JOB_ENDED)
