"""The live streams: WebSocket for the apps and the console, Server-Sent Events for clients without one.

A token comes in the `Sec-WebSocket-Protocol` header (`bearer, <token>`: what a browser can send), in the
query string (`?access_token=`) or, for SSE, in the Authorization header. Access is checked when a stream
opens and again whenever who may see the order can have changed (a status change, another technician's
position), and the stream ends when its token expires or its API key is revoked (asked again every
`TRUSTLOOP_API_KEY_RECHECK_S`): a technician taken off a job stops seeing it (close code 4403), an expired
token or a revoked key 4401."""

import asyncio
import contextlib
import dataclasses
import functools
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Query, Request, WebSocket
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.auth.tokens import Principal, TokenVerifier
from app.enums import Role
from app.errors import NotFound, TooManyRequests, Unauthorized
from app.live import repository as live_repository
from app.live.connections import LiveConnections, TooManyStreams
from app.live.hub import Event, Hub, Subscription
from app.live.service import visible_position
from app.openapi import problems
from app.orders import repository as orders_repository
from app.orders.models import OrderStatus
from app.orders.service import may_see
from app.orders.views import present

log = logging.getLogger(__name__)
router = APIRouter(tags=["live"])

CLOSE_BAD_TOKEN = 4401
CLOSE_NOT_ALLOWED = 4403
CLOSE_TOO_MANY = 4429
VISIBLE = set(OrderStatus.values(OrderStatus.on_the_way()))
BEARER_PROTOCOL = "bearer"
RECHECK_RETRY = timedelta(seconds=5)
SnapshotLoader = Callable[[], Awaitable[Event | None]]


class AccessEnded(Exception):
    """The caller may no longer see the stream (close code in `code`)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


async def _principal(verifier: TokenVerifier, token: str | None) -> Principal | None:
    if not token:
        return None
    try:
        return await verifier.principal(token)
    except Unauthorized:
        return None


def _websocket_token(websocket: WebSocket, query_token: str | None) -> tuple[str | None, str | None]:
    """The token and the subprotocol to accept: `Sec-WebSocket-Protocol: bearer, <token>` or the query."""
    offered: list[str] = list(websocket.scope.get("subprotocols") or [])
    if BEARER_PROTOCOL in offered:
        position = offered.index(BEARER_PROTOCOL)
        if position + 1 < len(offered):
            return offered[position + 1], BEARER_PROTOCOL
    return query_token, None


async def _snapshot(sessions: async_sessionmaker[AsyncSession], principal: Principal, order_id: UUID) -> Event | None:
    """The order as the caller may see it now, with the technician's position while it is visible."""
    async with sessions() as session:
        order = await orders_repository.get(session, order_id)
        if order is None or not may_see(principal, order):
            return None
        body = (await present(session, order, principal.role)).model_dump(mode="json")
        return {"type": "snapshot", "order": body, "position": await visible_position(session, order)}


def _snapshot_of(sessions: async_sessionmaker[AsyncSession], principal: Principal, order_id: UUID) -> SnapshotLoader:
    return functools.partial(_snapshot, sessions, principal, order_id)


def _still_allowed(
    sessions: async_sessionmaker[AsyncSession], principal: Principal, order_id: UUID
) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        async with sessions() as session:
            order = await orders_repository.get(session, order_id)
            return order is not None and may_see(principal, order)

    return check


class Caller:
    """Who reads a stream: the principal a token proved, until the token expires; a proof that can be withdrawn
    (a partner's API key) is asked for again at its `recheck_at`."""

    def __init__(self, principal: Principal, verifier: TokenVerifier | None = None, token: str | None = None) -> None:
        self.principal = principal
        self._verifier = verifier
        self._token = token

    async def deadline(self) -> tuple[float | None, bool]:
        """Seconds until the proof must be looked at again (None: never), and whether it expires then;
        AccessEnded when it no longer holds."""
        now = clock.now()
        if self.principal.recheck_at is not None and self.principal.recheck_at <= now:
            try:
                again = await _principal(self._verifier, self._token) if self._verifier and self._token else None
            except Exception:  # the database did not answer: the stream goes on, and the key is asked again soon
                log.warning("could not check a live stream's API key again; retrying", exc_info=True)
                again = dataclasses.replace(self.principal, recheck_at=now + RECHECK_RETRY)
            if again is None or again.user_id != self.principal.user_id:
                raise AccessEnded(CLOSE_BAD_TOKEN)
            self.principal = again
        expires_at, recheck_at = self.principal.expires_at, self.principal.recheck_at
        if expires_at is not None and expires_at <= now:
            raise AccessEnded(CLOSE_BAD_TOKEN)
        if recheck_at is not None and (expires_at is None or recheck_at < expires_at):
            return max((recheck_at - now).total_seconds(), 0.0), False
        return ((expires_at - now).total_seconds() if expires_at is not None else None), True


async def _next(subscription: Any, caller: Caller) -> Event:
    """The next event, or AccessEnded when the caller's proof runs out or is withdrawn first."""
    while True:
        left, expiring = await caller.deadline()
        try:
            event: Event = await asyncio.wait_for(subscription.next(), timeout=left)
        except TimeoutError as exc:
            if expiring:
                raise AccessEnded(CLOSE_BAD_TOKEN) from exc
            continue
        return event


def _may_change_access(event: Event, principal: Principal) -> bool:
    """Whether this event can mean the caller lost the order: a status change, or (for a technician) a
    position that is not his."""
    if event["type"] == "status":
        return True
    return (
        principal.role is Role.TECHNICIAN
        and event["type"] == "position"
        and event.get("technician_id") != str(principal.user_id)
    )


def _shown(snapshot: Event) -> tuple[str, str | None]:
    """The status and the id of the technician coming that a snapshot puts on the screen."""
    coming = snapshot["order"].get("technician") or {}
    return snapshot["order"]["status"], coming.get("id")


async def order_events(
    subscription: Subscription, snapshot: Event, caller: Caller, allowed: Callable[[], Awaitable[bool]],
    reload: SnapshotLoader,
) -> AsyncGenerator[Event]:  # fmt: skip
    """The snapshot, then the order's events while the caller may see them; positions stop once the
    technician has arrived. The subscription must be open before the snapshot is read, so that nothing
    committed after the read is missed. After the hub lost its broker (and with it the events published
    meanwhile) a fresh snapshot from `reload` replaces what the screen shows. Because the subscription opens
    first, a status committed before the read can still arrive after the snapshot: a status the screen already
    shows, with the same technician coming, is not sent again."""
    yield snapshot
    shown = _shown(snapshot)
    while True:
        event = await _next(subscription, caller)
        if event["type"] == "resync":
            fresh = await reload()
            if fresh is None:
                raise AccessEnded(CLOSE_NOT_ALLOWED)
            shown = _shown(fresh)
            yield fresh
            continue
        if _may_change_access(event, caller.principal) and not await allowed():
            raise AccessEnded(CLOSE_NOT_ALLOWED)
        if event["type"] == "status":
            showing = (event["status"], (event.get("technician") or {}).get("id", shown[1]))
            if showing == shown:
                continue
            shown = showing
        if event["type"] == "position" and shown[0] not in VISIBLE:
            continue
        yield {k: v for k, v in event.items() if k not in ("order_id", "technician_id")}


async def pump(websocket: WebSocket, stream: AsyncIterator[Event]) -> None:
    """Sends the stream until the client goes away (its receive side ends first) or access ends."""

    async def send_all() -> None:
        try:
            async for event in stream:
                await websocket.send_text(orjson.dumps(event).decode())
        except AccessEnded as ended:
            await websocket.close(code=ended.code)

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


async def serve(websocket: WebSocket, token: str, holder_id: UUID, stream: AsyncIterator[Event]) -> None:
    """Pumps the stream as one of the token's live streams; closed with 4429 beyond the token's limit."""
    connections: LiveConnections = websocket.app.state.live_connections
    try:
        async with connections.hold(token, holder_id):
            await pump(websocket, stream)
    except TooManyStreams:
        await websocket.close(code=CLOSE_TOO_MANY)


async def _open(websocket: WebSocket, query_token: str | None) -> tuple[Principal, str] | None:
    """Accepts the socket and returns the caller, or closes it with 4401 for a bad token."""
    token, protocol = _websocket_token(websocket, query_token)
    await websocket.accept(subprotocol=protocol)
    principal = await _principal(websocket.app.state.authenticator, token)
    if principal is None or token is None:
        await websocket.close(code=CLOSE_BAD_TOKEN)
        return None
    websocket.scope.setdefault("state", {})["user_id"] = str(principal.user_id)
    return principal, token


@router.websocket("/v1/orders/{order_id}/live")
async def order_live(websocket: WebSocket, order_id: str, access_token: str | None = Query(default=None)) -> None:
    opened = await _open(websocket, access_token)
    if opened is None:
        return
    principal, token = opened
    sessions = websocket.app.state.sessionmaker
    try:
        order_uuid = UUID(order_id)
    except ValueError:
        await websocket.close(code=CLOSE_NOT_ALLOWED)
        return
    hub: Hub = websocket.app.state.hub
    snapshot_now = _snapshot_of(sessions, principal, order_uuid)
    with hub.subscribe(str(order_uuid)) as subscription:
        snapshot = await snapshot_now()
        if snapshot is None:
            await websocket.close(code=CLOSE_NOT_ALLOWED)
            return
        caller = Caller(principal, websocket.app.state.authenticator, token)
        stream = order_events(
            subscription, snapshot, caller, _still_allowed(sessions, principal, order_uuid), snapshot_now
        )
        await serve(websocket, token, principal.user_id, stream)


@router.websocket("/v1/ops/live")
async def ops_live(websocket: WebSocket, access_token: str | None = Query(default=None)) -> None:
    opened = await _open(websocket, access_token)
    if opened is None:
        return
    principal, token = opened
    if principal.role is not Role.OPERATOR:
        await websocket.close(code=CLOSE_NOT_ALLOWED)
        return

    async def everything() -> AsyncIterator[Event]:
        caller = Caller(principal, websocket.app.state.authenticator, token)
        with websocket.app.state.hub.subscribe(None) as subscription:
            yield {"type": "hello", "role": "operator"}
            while True:
                yield await _next(subscription, caller)  # after a resync the console reloads its lists

    await serve(websocket, token, principal.user_id, everything())


@router.get("/v1/orders/{order_id}/events", response_class=StreamingResponse, responses=problems(401, 404, 429))
async def order_events_sse(
    order_id: UUID, request: Request, access_token: str | None = Query(default=None)
) -> StreamingResponse:
    """The same events as the WebSocket, as Server-Sent Events (token in the header or the query)."""
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else access_token
    principal = await _principal(request.app.state.authenticator, token)
    if principal is None or token is None:
        raise Unauthorized("A bearer token is required.")
    request.state.user_id = str(principal.user_id)
    sessions = request.app.state.sessionmaker
    hub: Hub = request.app.state.hub
    snapshot_now = _snapshot_of(sessions, principal, order_id)
    subscribed = contextlib.ExitStack()  # closed when the stream ends, or now if it never starts
    subscription = subscribed.enter_context(hub.subscribe(str(order_id)))
    try:
        snapshot = await snapshot_now()
        if snapshot is None:
            raise NotFound("No such order.")
        connections: LiveConnections = request.app.state.live_connections
        held = connections.hold(token, principal.user_id)
        try:
            await held.__aenter__()
        except TooManyStreams as exc:
            raise TooManyRequests(str(exc), headers={"Retry-After": "60"}) from exc
    except BaseException:
        subscribed.close()
        raise

    async def frames() -> AsyncIterator[bytes]:
        try:
            caller = Caller(principal, request.app.state.authenticator, token)
            stream = order_events(
                subscription, snapshot, caller, _still_allowed(sessions, principal, order_id), snapshot_now
            )
            async for event in stream:
                yield b"event: " + event["type"].encode() + b"\ndata: " + orjson.dumps(event) + b"\n\n"
        except AccessEnded:
            yield b"event: closed\ndata: {}\n\n"
        finally:
            subscribed.close()
            await held.__aexit__(None, None, None)

    return StreamingResponse(frames(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def load_route_event(sessions: async_sessionmaker[AsyncSession], order_id: str) -> dict[str, Any] | None:
    async with sessions() as session:
        live = await live_repository.tracking(session, UUID(order_id))
    if live is None or live.route_geometry is None:
        return None
    return {"order_id": order_id, "type": "route", "geometry": live.route_geometry,
            "distance_m": live.route_distance_m, "duration_s": live.route_duration_s}  # fmt: skip
