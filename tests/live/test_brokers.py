"""Live events through each broker, on the real servers: two hubs with their own connections, as two API
processes have. What a committed transaction publishes reaches both; what a rolled-back one published reaches
nobody; a hub whose connection is dropped subscribes again, tells its streams to re-read their state, and
delivers what follows."""

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text
from websockets.asyncio.client import connect

from app.config import Settings
from app.db import transaction
from app.live import brokers, messages, publishing
from app.live.brokers import Broker, BrokerKind, NatsBroker, PostgresBroker, RedisBroker
from app.live.hub import Event, Hub, Subscription
from tests.conftest import KAISANIEMENKATU, KAIVOKATU, Api, eventually, start_server
from tests.live.test_locations import fix
from tests.live.test_streams import collect, job, post_location, report
from trustloop.processes import free_port

REDIS_URL = os.environ.get("TRUSTLOOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NATS_URL = os.environ.get("TRUSTLOOP_TEST_NATS_URL", "nats://127.0.0.1:4222")
KINDS: list[BrokerKind] = ["postgres", "redis", "nats"]


class Rollback(Exception):
    pass


class CuttableRelay:
    """A TCP relay to a real server whose connections the test can cut: to the client behind it this is the
    server hanging up (NATS has no way to kick one client without a system account)."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._server: asyncio.Server | None = None
        self._open: list[asyncio.StreamWriter] = []
        self._pumps: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self._target)
        self._open += [client_writer, server_writer]
        for reader, writer in ((client_reader, server_writer), (server_reader, client_writer)):
            task = asyncio.create_task(self._pump(reader, writer))
            self._pumps.add(task)
            task.add_done_callback(self._pumps.discard)

    @staticmethod
    async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        writer.close()

    def cut(self) -> None:
        for writer in self._open:
            writer.transport.abort()
        self._open.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._pumps):
            task.cancel()


def broker_url(kind: BrokerKind, database_url: str) -> str:
    return {"postgres": database_url, "redis": REDIS_URL, "nats": NATS_URL}[kind]


async def no_route(_order_id: str) -> Event | None:
    return None


@contextlib.asynccontextmanager
async def publishing_through(kind: BrokerKind, url: str) -> AsyncIterator[publishing.AfterCommitPublisher | None]:
    """This process publishes its committed live messages through the broker (NOTIFY for postgres)."""
    publisher = None if kind == "postgres" else publishing.AfterCommitPublisher(lambda: brokers.connect(kind, url))
    previous = publishing.use(publisher)
    try:
        yield publisher
    finally:
        publishing.use(previous)
        if publisher is not None:
            await publisher.close()


@contextlib.asynccontextmanager
async def hubs(*openers: Callable[[], Awaitable[Broker]]) -> AsyncIterator[list[Hub]]:
    started = [Hub(opener, no_route) for opener in openers]
    try:
        for hub in started:
            await hub.start()
        yield started
    finally:
        for hub in started:
            await hub.stop()


@contextlib.asynccontextmanager
async def two_hubs_publishing(kind: BrokerKind, url: str) -> AsyncIterator[list[Hub]]:
    """This process publishing through the broker, and two hubs on their own connections to it."""
    async with (
        publishing_through(kind, url),
        hubs(lambda: brokers.connect(kind, url), lambda: brokers.connect(kind, url)) as both,
    ):
        yield both


async def next_event(subscription: Subscription, timeout_s: float = 5.0) -> Event:
    return await asyncio.wait_for(subscription.next(), timeout=timeout_s)


def status(order_id: str, value: str) -> dict[str, Any]:
    return {"order_id": order_id, "type": "status", "status": value}


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> BrokerKind:
    chosen: BrokerKind = request.param
    return chosen


async def test_a_committed_event_reaches_the_subscribers_of_both_hubs(
    app: FastAPI, kind: BrokerKind, database_url: str
) -> None:
    url = broker_url(kind, database_url)
    order_id = str(uuid4())
    async with two_hubs_publishing(kind, url) as (one, two):
        with one.subscribe(order_id) as first, two.subscribe(order_id) as second, two.subscribe(None) as operators:
            async with transaction(app.state.sessionmaker) as session:
                await messages.publish(session, status(order_id, "en_route"))
            for subscription in (first, second, operators):
                assert await next_event(subscription) == status(order_id, "en_route")


async def test_a_position_posted_reaches_both_hubs(app: FastAPI, api: Api, kind: BrokerKind, database_url: str) -> None:
    """The ingest path publishes positions on its own (in the same statement as the move, for NOTIFY)."""
    url = broker_url(kind, database_url)
    technician = await api.technician(at=None)
    async with two_hubs_publishing(kind, url) as (one, two):
        with one.subscribe(None) as first, two.subscribe(None) as second:
            response = await api.client.post(
                "/v1/technicians/me/locations", json={"points": [fix(KAIVOKATU, 5)]}, headers=technician.headers
            )
            assert response.json()["accepted"] == 1
            for subscription in (first, second):
                event = await next_event(subscription)
                while event.get("technician_id") != str(technician.id):  # the console sees every technician's
                    event = await next_event(subscription)
                assert (event["type"], event["lat"], event["lon"]) == ("position", KAIVOKATU.lat, KAIVOKATU.lon)


async def publish_then_fail(app: FastAPI, message: dict[str, Any]) -> None:
    async with transaction(app.state.sessionmaker) as session:
        await messages.publish(session, message)
        raise Rollback


async def test_an_event_of_a_rolled_back_transaction_reaches_nobody(
    app: FastAPI, kind: BrokerKind, database_url: str
) -> None:
    url = broker_url(kind, database_url)
    order_id = str(uuid4())
    async with two_hubs_publishing(kind, url) as (one, two):
        with one.subscribe(order_id) as first, two.subscribe(order_id) as second:
            with pytest.raises(Rollback):
                await publish_then_fail(app, status(order_id, "cancelled"))
            # Messages keep their commit order: the next committed one arrives first, with nothing before it.
            async with transaction(app.state.sessionmaker) as session:
                await messages.publish(session, status(order_id, "en_route"))
            for subscription in (first, second):
                assert await next_event(subscription) == status(order_id, "en_route")
                await asyncio.sleep(0.2)
                assert not subscription._events


async def drop(kind: BrokerKind, broker: Broker, app: FastAPI, relay: CuttableRelay) -> None:
    """Drops the hub's broker connection from the other side."""
    if isinstance(broker, PostgresBroker):
        async with transaction(app.state.sessionmaker) as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": broker.server_pid})
    elif isinstance(broker, RedisBroker):
        async with Redis.from_url(REDIS_URL, decode_responses=True) as admin:
            clients = await admin.client_list()
            listener = next(c for c in clients if c["name"] == broker.name and c["sub"] != "0")
            assert await admin.client_kill_filter(_id=listener["id"]) == 1
    else:
        assert isinstance(broker, NatsBroker)
        relay.cut()


async def test_a_hub_that_lost_its_broker_subscribes_again_and_streams_re_read(
    app: FastAPI, kind: BrokerKind, database_url: str
) -> None:
    url = broker_url(kind, database_url)
    nats_server = urlsplit(NATS_URL)
    relay = CuttableRelay(nats_server.hostname or "127.0.0.1", nats_server.port or 4222)
    relayed = f"nats://127.0.0.1:{await relay.start()}" if kind == "nats" else url
    order_id = str(uuid4())
    try:
        async with (
            publishing_through(kind, url),
            hubs(lambda: brokers.connect(kind, relayed), lambda: brokers.connect(kind, url)) as (dropped, kept),
        ):
            with dropped.subscribe(order_id) as watching, kept.subscribe(order_id) as other:
                lost = dropped.broker
                assert lost is not None
                await drop(kind, lost, app, relay)

                async def subscribed_again() -> bool:
                    return dropped.broker is not None and dropped.broker is not lost

                assert await eventually(subscribed_again, timeout_s=10)
                assert await next_event(watching) == {"type": "resync"}  # what it shows is read again
                async with transaction(app.state.sessionmaker) as session:
                    await messages.publish(session, status(order_id, "arrived"))
                assert await next_event(watching) == status(order_id, "arrived")
                assert await next_event(other) == status(order_id, "arrived")
    finally:
        await relay.close()


@pytest.fixture(scope="module", params=["redis", "nats"])
def servers_on_a_broker(request: pytest.FixtureRequest, routed_settings: Settings) -> Iterator[tuple[str, str]]:
    """Two API processes whose hubs meet on the broker only."""
    kind: BrokerKind = request.param
    env = {"TRUSTLOOP_LIVE_BROKER": kind, "TRUSTLOOP_LIVE_BROKER_URL": broker_url(kind, routed_settings.database_url)}
    ports = [free_port(), free_port()]
    processes = [start_server(routed_settings, port, **env) for port in ports]
    yield (f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}")
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


async def test_the_driver_follows_the_job_across_processes_through_the_broker(
    app: FastAPI, api: Api, servers_on_a_broker: tuple[str, str]
) -> None:
    watched, posted_to = servers_on_a_broker
    driver, technician, order = await job(api)
    async with connect(f"ws://{watched}/v1/orders/{order['id']}/live?access_token={driver.token}") as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        await report(posted_to, technician, order["id"], "en_route")
        await post_location(posted_to, technician, KAISANIEMENKATU, 45)
        events = await collect(ws, {"status", "position"})
        assert next(e for e in events if e["type"] == "status")["status"] == "en_route"
        position = next(e for e in events if e["type"] == "position")
        assert (position["lat"], position["lon"]) == (KAISANIEMENKATU.lat, KAISANIEMENKATU.lon)


async def test_a_driver_whose_server_lost_its_broker_gets_a_fresh_snapshot(
    app: FastAPI, api: Api, servers: tuple[str, str]
) -> None:
    """What was published while a server's hub was away is lost; the screen is not left stale."""
    watched, _ = servers
    driver, _, order = await job(api)
    async with connect(f"ws://{watched}/v1/orders/{order['id']}/live?access_token={driver.token}") as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        async with transaction(app.state.sessionmaker) as session:
            dropped = await session.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND query LIKE 'LISTEN %trustloop_live%'"
                )
            )
        assert dropped >= 2  # both servers' hubs (and this process's)
        fresh = next(e for e in await collect(ws, {"snapshot"}, timeout_s=10) if e["type"] == "snapshot")
        assert fresh["order"]["id"] == order["id"]
        assert fresh["order"]["status"] == "assigned"


@pytest.mark.parametrize("kind", ["redis", "nats"])
async def test_committed_messages_survive_the_loss_of_the_publishers_connection(app: FastAPI, kind: BrokerKind) -> None:
    """The process's publisher loses its connection: what commits next is sent on a new one, in order."""
    url = {"redis": REDIS_URL, "nats": NATS_URL}[kind]
    target = urlsplit(url)
    relay = CuttableRelay(target.hostname or "127.0.0.1", target.port or 0)
    relayed = target._replace(netloc=f"127.0.0.1:{await relay.start()}").geturl()
    order_id = str(uuid4())
    try:
        async with publishing_through(kind, relayed) as publisher, hubs(lambda: brokers.connect(kind, url)) as (hub,):
            assert publisher is not None
            with hub.subscribe(order_id) as watching:
                for step, value in enumerate(["en_route", "arrived", "in_progress"]):
                    if step:
                        # Cut once the broker has confirmed the last message: one cut before its answer leaves
                        # it unconfirmed and it is sent again (delivery is at least once: streams take a repeat).
                        assert await publisher.idle()
                        relay.cut()
                    async with transaction(app.state.sessionmaker) as session:
                        await messages.publish(session, status(order_id, value))
                    assert await next_event(watching) == status(order_id, value)
    finally:
        await relay.close()


@pytest.mark.parametrize("kind", ["redis", "nats"])
async def test_messages_dropped_while_the_broker_was_unreachable_make_every_stream_re_read(
    app: FastAPI, kind: BrokerKind
) -> None:
    url = {"redis": REDIS_URL, "nats": NATS_URL}[kind]
    reachable = asyncio.Event()

    async def open_when_reachable() -> Broker:
        if not reachable.is_set():
            raise brokers.BrokerUnavailable("not yet")
        return await brokers.connect(kind, url)

    publisher = publishing.AfterCommitPublisher(open_when_reachable, limit=2)
    previous = publishing.use(publisher)
    order_id = str(uuid4())
    try:
        async with hubs(lambda: brokers.connect(kind, url)) as (hub,):
            with hub.subscribe(order_id) as watching, hub.subscribe(str(uuid4())) as elsewhere:
                for value in ["en_route", "arrived", "in_progress"]:  # the first one is dropped
                    async with transaction(app.state.sessionmaker) as session:
                        await messages.publish(session, status(order_id, value))
                reachable.set()
                assert await next_event(watching) == {"type": "resync"}  # what it queued is re-read with it
                assert await next_event(elsewhere) == {"type": "resync"}
                assert publisher.dropped == 1
    finally:
        publishing.use(previous)
        await publisher.close()
