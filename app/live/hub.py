"""Per-process fan-out of live events: one broker subscription, many subscribers with bounded queues.

Every process subscribes to the same broker (app/live/brokers.py), so a driver connected to one worker sees
what a technician posted to another. A slow subscriber only loses stale positions (the newest one replaces
the older), never a status change, and never slows the others. When the broker connection is lost the hub
subscribes again, and every stream is told to re-read its state: what was published meanwhile is gone.
"""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import orjson

from app.live.brokers import Broker, BrokerUnavailable

log = logging.getLogger(__name__)

Event = dict[str, Any]
RouteLoader = Callable[[str], Awaitable[Event | None]]
BrokerOpener = Callable[[], Awaitable[Broker]]
# Offered to every stream after the broker was lost: re-read the state (anything queued before is stale).
RESYNC: Event = {"type": "resync"}
RECONNECT_EVERY_S = 1.0


class Subscription:
    def __init__(self, order_id: str | None, capacity: int) -> None:
        self.order_id = order_id  # None: every event (the operators' console)
        self._capacity = capacity
        self._events: deque[Event] = deque()
        self._ready = asyncio.Event()
        self.dropped = 0

    def offer(self, event: Event) -> None:
        if event["type"] == "resync":
            self.dropped += len(self._events)
            self._events.clear()
        elif event["type"] == "position":
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
    def __init__(self, open_broker: BrokerOpener, load_route: RouteLoader, capacity: int = 64) -> None:
        self._open_broker = open_broker
        self._load_route = load_route
        self._capacity = capacity
        self._by_order: dict[str, set[Subscription]] = {}
        self._everything: set[Subscription] = set()
        self.broker: Broker | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    @property
    def subscribers(self) -> int:
        return len(self._everything) + sum(len(s) for s in self._by_order.values())

    async def start(self) -> None:
        broker = await self._open_broker()
        try:
            await broker.listen(self._on_message, self._on_lost)
        except BrokerUnavailable:
            await broker.close()
            raise
        self.broker = broker

    def _on_lost(self) -> None:
        """The broker connection died (a restart, a network blip): subscribe again as soon as we can."""
        if self._stopping:
            return
        log.warning("live broker connection lost; reconnecting")
        self._spawn(self._reconnect())

    async def _reconnect(self) -> None:
        lost, self.broker = self.broker, None
        if lost is not None:
            await lost.close()
        while not self._stopping:
            try:
                await self.start()
            except BrokerUnavailable:
                await asyncio.sleep(RECONNECT_EVERY_S)
                continue
            log.info("live broker connection restored")
            self._fan_out_to_all(RESYNC)
            return

    async def stop(self) -> None:
        self._stopping = True
        if self.broker is not None:
            await self.broker.close()
        for task in list(self._tasks):
            task.cancel()

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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

    def _on_message(self, payload: str) -> None:
        event: Event = orjson.loads(payload)
        if event["type"] == "resync":  # a publisher had to drop messages
            self._fan_out_to_all(RESYNC)
        elif event["type"] == "route":
            self._spawn(self._fan_out_route(event["order_id"]))
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

    def _fan_out_to_all(self, event: Event) -> None:
        for group in self._by_order.values():
            for subscription in group:
                subscription.offer(event)
        for subscription in self._everything:
            subscription.offer(event)
