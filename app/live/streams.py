"""The live streams: WebSocket for the apps and the console, Server-Sent Events for clients without one."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Query, Request, WebSocket
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.tokens import Principal, TokenVerifier
from app.enums import Role
from app.errors import NotFound, Unauthorized
from app.geo import from_geography
from app.live import repository as live_repository
from app.live.hub import Event, Hub
from app.live.messages import rfc3339
from app.orders import repository as orders_repository
from app.orders.models import OrderStatus
from app.orders.service import may_see
from app.orders.views import present
from app.technicians import repository as technicians_repository

router = APIRouter(tags=["live"])

CLOSE_BAD_TOKEN = 4401
CLOSE_NOT_ALLOWED = 4403
VISIBLE = set(OrderStatus.values(OrderStatus.on_the_way()))


def _principal(verifier: TokenVerifier, token: str | None) -> Principal | None:
    if not token:
        return None
    try:
        return verifier.verify(token)
    except Unauthorized:
        return None


async def _snapshot(sessions: async_sessionmaker[AsyncSession], principal: Principal, order_id: UUID) -> Event | None:
    """The order as the caller may see it now, with the technician's position while it is visible."""
    async with sessions() as session:
        order = await orders_repository.get(session, order_id)
        if order is None or not may_see(principal, order):
            return None
        body = (await present(session, order)).model_dump(mode="json")
        position = None
        if order.status in OrderStatus.on_the_way() and order.technician_id is not None:
            technician = await technicians_repository.get(session, order.technician_id)
            if technician is not None and technician.position is not None and technician.position_at is not None:
                point = from_geography(technician.position)
                position = {"lat": point.lat, "lon": point.lon, "heading": technician.heading,
                            "at": rfc3339(technician.position_at)}  # fmt: skip
        return {"type": "snapshot", "order": body, "position": position}


async def order_events(hub: Hub, snapshot: Event, order_id: str) -> AsyncIterator[Event]:
    """The snapshot, then the order's events; positions stop once the technician has arrived."""
    with hub.subscribe(order_id) as subscription:
        yield snapshot
        visible = snapshot["order"]["status"] in VISIBLE
        while True:
            event = await subscription.next()
            if event["type"] == "status":
                visible = event["status"] in VISIBLE
            if event["type"] == "position" and not visible:
                continue
            yield {k: v for k, v in event.items() if k not in ("order_id", "technician_id")}


async def _pump(websocket: WebSocket, stream: AsyncIterator[Event]) -> None:
    """Sends the stream until the client goes away (its receive side ends first)."""

    async def send_all() -> None:
        async for event in stream:
            await websocket.send_text(orjson.dumps(event).decode())

    async def until_closed() -> None:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    sender, closed = asyncio.create_task(send_all()), asyncio.create_task(until_closed())
    try:
        await asyncio.wait({sender, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, closed):
            task.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.gather(sender, closed, return_exceptions=True)


@router.websocket("/v1/orders/{order_id}/live")
async def order_live(websocket: WebSocket, order_id: str, access_token: str | None = Query(default=None)) -> None:
    await websocket.accept()
    principal = _principal(websocket.app.state.tokens, access_token)
    if principal is None:
        await websocket.close(code=CLOSE_BAD_TOKEN)
        return
    try:
        snapshot = await _snapshot(websocket.app.state.sessionmaker, principal, UUID(order_id))
    except ValueError:
        snapshot = None
    if snapshot is None:
        await websocket.close(code=CLOSE_NOT_ALLOWED)
        return
    await _pump(websocket, order_events(websocket.app.state.hub, snapshot, order_id))


@router.websocket("/v1/ops/live")
async def ops_live(websocket: WebSocket, access_token: str | None = Query(default=None)) -> None:
    await websocket.accept()
    principal = _principal(websocket.app.state.tokens, access_token)
    if principal is None:
        await websocket.close(code=CLOSE_BAD_TOKEN)
        return
    if principal.role is not Role.OPERATOR:
        await websocket.close(code=CLOSE_NOT_ALLOWED)
        return

    async def everything() -> AsyncIterator[Event]:
        with websocket.app.state.hub.subscribe(None) as subscription:
            yield {"type": "hello", "role": "operator"}
            while True:
                yield await subscription.next()

    await _pump(websocket, everything())


@router.get("/v1/orders/{order_id}/events", response_class=StreamingResponse)
async def order_events_sse(
    order_id: UUID, request: Request, access_token: str | None = Query(default=None)
) -> StreamingResponse:
    """The same events as the WebSocket, as Server-Sent Events (token in the header or the query)."""
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else access_token
    principal = _principal(request.app.state.tokens, token)
    if principal is None:
        raise Unauthorized("A bearer token is required.")
    snapshot = await _snapshot(request.app.state.sessionmaker, principal, order_id)
    if snapshot is None:
        raise NotFound("No such order.")

    async def frames() -> AsyncIterator[bytes]:
        async for event in order_events(request.app.state.hub, snapshot, str(order_id)):
            yield b"event: " + event["type"].encode() + b"\ndata: " + orjson.dumps(event) + b"\n\n"

    return StreamingResponse(frames(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def load_route_event(sessions: async_sessionmaker[AsyncSession], order_id: str) -> dict[str, Any] | None:
    async with sessions() as session:
        live = await live_repository.tracking(session, UUID(order_id))
    if live is None or live.route_geometry is None:
        return None
    return {"order_id": order_id, "type": "route", "geometry": live.route_geometry,
            "distance_m": live.route_distance_m, "duration_s": live.route_duration_s}  # fmt: skip
