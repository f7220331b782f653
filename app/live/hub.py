"""Per-process fan-out of live events: one LISTEN connection, many subscribers with bounded queues.

Every process listens on the same channel, so a driver connected to one worker sees what a technician
posted to another. A slow subscriber only loses stale positions (the newest one replaces the older),
never a status change, and never slows the others.
"""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import orjson

from app.channels import LIVE_CHANNEL
from app.wakeups import asyncpg_dsn

log = logging.getLogger(__name__)

Event = dict[str, Any]
RouteLoader = Callable[[str], Awaitable[Event | None]]


class Subscription:
    def __init__(self, order_id: str | None, capacity: int) -> None:
        self.order_id = order_id  # None: every event (the operators' console)
        self._capacity = capacity
        self._events: deque[Event] = deque()
        self._ready = asyncio.Event()
        self.dropped = 0

    def offer(self, event: Event) -> None:
        if event["type"] == "position":
            self._drop_first(lambda e: e["type"] == "position" and e.get("technician_id") == event.get("technician_id"))
        if len(self._events) >= self._capacity and not self._drop_first(lambda e: e["type"] == "position"):
            self._events.popleft()
            self.dropped += 1
        self._events.append(event)
        self._ready.set()

    def _drop_first(self, matches: Callable[[Event], bool]) -> bool:
        for index, queued in enumerate(self._events):
            if matches(queued):
                del self._events[index]
                self.dropped += 1
                return True
        return False

    async def next(self) -> Event:
        while not self._events:
            self._ready.clear()
            await self._ready.wait()
        return self._events.popleft()


class Hub:
    def __init__(self, database_url: str, load_route: RouteLoader, capacity: int = 64) -> None:
        self._database_url = database_url
        self._load_route = load_route
        self._capacity = capacity
        self._by_order: dict[str, set[Subscription]] = {}
        self._everything: set[Subscription] = set()
        self._connection: asyncpg.Connection | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    @property
    def subscribers(self) -> int:
        return len(self._everything) + sum(len(s) for s in self._by_order.values())

    async def start(self) -> None:
        self._connection = await asyncpg.connect(asyncpg_dsn(self._database_url))
        await self._connection.add_listener(LIVE_CHANNEL, self._on_notify)
        self._connection.add_termination_listener(self._on_lost)

    def _on_lost(self, _connection: object) -> None:
        """The LISTEN connection died (a database restart, a network blip): listen again as soon as we can."""
        if self._stopping:
            return
        log.warning("live LISTEN connection lost; reconnecting")
        task = asyncio.get_running_loop().create_task(self._reconnect())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reconnect(self) -> None:
        while not self._stopping:
            try:
                await self.start()
                log.info("live LISTEN connection restored")
                return
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        self._stopping = True
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
        for task in list(self._tasks):
            task.cancel()

    @contextlib.contextmanager
    def subscribe(self, order_id: str | None) -> Any:
        subscription = Subscription(order_id, self._capacity)
        group = self._everything if order_id is None else self._by_order.setdefault(order_id, set())
        group.add(subscription)
        try:
            yield subscription
        finally:
            group.discard(subscription)
            if order_id is not None and not group:
                self._by_order.pop(order_id, None)

    def _on_notify(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        event: Event = orjson.loads(payload)
        if event["type"] == "route":
            task = asyncio.get_running_loop().create_task(self._fan_out_route(event["order_id"]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._fan_out(event)

    async def _fan_out_route(self, order_id: str) -> None:
        if order_id not in self._by_order and not self._everything:
            return  # nobody here watches it: skip the read
        event = await self._load_route(order_id)
        if event is not None:
            self._fan_out(event)

    def _fan_out(self, event: Event) -> None:
        for subscription in self._by_order.get(event.get("order_id", ""), ()):
            subscription.offer(event)
        for subscription in self._everything:
            subscription.offer(event)
