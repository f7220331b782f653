"""Where live events cross between processes: one small interface, one implementation per backend.

PostgreSQL's NOTIFY needs nothing but the database; Redis pub/sub and NATS core subjects take the fan-out off
it. Each connection reports its own loss once (`lost`) and never reconnects by itself: the hub opens a new
one and tells its streams to re-read what they show, since messages published in between are gone.
"""

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Literal
from uuid import uuid4

import asyncpg
import nats
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from app.channels import LIVE_CHANNEL
from app.wakeups import asyncpg_dsn

log = logging.getLogger(__name__)

BrokerKind = Literal["postgres", "redis", "nats"]
Deliver = Callable[[str], None]
Lost = Callable[[], None]

NATS_SUBJECT = "trustloop.live"
CONNECT_TIMEOUT_S = 5.0
FLUSH_TIMEOUT_S = 5


class BrokerUnavailable(Exception):
    """The broker could not be reached, or the connection broke during a call."""


class Broker(ABC):
    """One connection to the broker: it publishes, and it can listen for everything published."""

    def __init__(self) -> None:
        self._closing = False
        self._lost: Lost | None = None

    @abstractmethod
    async def listen(self, deliver: Deliver, lost: Lost) -> None:
        """From now on every live message reaches `deliver`; `lost` is called once if the connection dies."""

    @abstractmethod
    async def publish(self, payloads: Sequence[str]) -> None:
        """Sends the messages to every listener, in this order."""

    async def close(self) -> None:
        self._closing = True
        await self._close()

    @abstractmethod
    async def _close(self) -> None: ...

    def _report_loss(self) -> None:
        lost, self._lost = self._lost, None  # once, and never for a close we asked for
        if lost is not None and not self._closing:
            lost()


async def connect(kind: BrokerKind, url: str) -> Broker:
    """A new connection to the broker of this kind at `url` (for postgres, the database URL)."""
    if kind == "redis":
        return await RedisBroker.connect(url)
    if kind == "nats":
        return await NatsBroker.connect(url)
    return await PostgresBroker.connect(url)


class PostgresBroker(Broker):
    """LISTEN/NOTIFY on the live channel. In production the API's transactions NOTIFY themselves (delivered on
    commit, by the database); `publish` serves the benchmark and tests."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        super().__init__()
        self._connection = connection

    @classmethod
    async def connect(cls, database_url: str) -> "PostgresBroker":
        try:
            connection = await asyncpg.connect(asyncpg_dsn(database_url), timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            raise BrokerUnavailable(f"PostgreSQL: {exc.__class__.__name__}") from exc
        return cls(connection)

    @property
    def server_pid(self) -> int:
        return int(self._connection.get_server_pid())

    async def listen(self, deliver: Deliver, lost: Lost) -> None:
        def on_notify(_connection: object, _pid: int, _channel: str, payload: str) -> None:
            deliver(payload)

        self._lost = lost
        self._connection.add_termination_listener(lambda _connection: self._report_loss())
        try:
            await self._connection.add_listener(LIVE_CHANNEL, on_notify)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise BrokerUnavailable(f"PostgreSQL: {exc.__class__.__name__}") from exc

    async def publish(self, payloads: Sequence[str]) -> None:
        try:
            await self._connection.executemany("SELECT pg_notify($1, $2)", [(LIVE_CHANNEL, p) for p in payloads])
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise BrokerUnavailable(f"PostgreSQL: {exc.__class__.__name__}") from exc

    async def _close(self) -> None:
        with contextlib.suppress(Exception):
            await self._connection.close(timeout=CONNECT_TIMEOUT_S)


class RedisBroker(Broker):
    """Redis pub/sub on the live channel. The client never retries by itself: a pub/sub connection that
    reconnected silently would hide the messages lost meanwhile."""

    def __init__(self, client: Redis, name: str) -> None:
        super().__init__()
        self._client = client
        self.name = name  # each broker's own, as CLIENT LIST shows it
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls, url: str) -> "RedisBroker":
        name = f"trustloop-live-{uuid4().hex[:12]}"
        client = Redis.from_url(
            url, decode_responses=True, retry=Retry(NoBackoff(), 0), socket_connect_timeout=CONNECT_TIMEOUT_S,
            socket_keepalive=True, client_name=name,
        )  # fmt: skip
        try:
            await client.ping()
        except (OSError, RedisError) as exc:
            await client.aclose()
            raise BrokerUnavailable(f"Redis: {exc.__class__.__name__}") from exc
        return cls(client, name)

    async def listen(self, deliver: Deliver, lost: Lost) -> None:
        self._lost = lost
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(LIVE_CHANNEL)
        except (OSError, RedisError) as exc:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            raise BrokerUnavailable(f"Redis: {exc.__class__.__name__}") from exc
        self._pubsub = pubsub
        self._reader = asyncio.create_task(self._read(pubsub, deliver))

    async def _read(self, pubsub: PubSub, deliver: Deliver) -> None:
        try:
            async for message in pubsub.listen():
                if message["type"] == "message":
                    deliver(message["data"])
        except (OSError, RedisError) as exc:
            log.warning("live Redis subscription lost (%s)", exc.__class__.__name__)
        self._report_loss()

    async def publish(self, payloads: Sequence[str]) -> None:
        try:
            async with self._client.pipeline(transaction=False) as pipeline:
                for payload in payloads:
                    pipeline.publish(LIVE_CHANNEL, payload)
                await pipeline.execute()
        except (OSError, RedisError) as exc:
            raise BrokerUnavailable(f"Redis: {exc.__class__.__name__}") from exc

    async def _close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        with contextlib.suppress(Exception):
            if self._pubsub is not None:
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            await self._client.aclose()


class NatsBroker(Broker):
    """A NATS core subject (at most once, no JetStream: a late position is worth nothing, and a stream that
    was away re-reads its state). The client's own reconnection is off, for the same reason as Redis'."""

    def __init__(self) -> None:
        super().__init__()
        self._client: NatsClient | None = None
        self._closed = asyncio.Event()

    @classmethod
    async def connect(cls, url: str) -> "NatsBroker":
        broker = cls()
        try:
            broker._client = await nats.connect(
                url, name="trustloop-live", allow_reconnect=False, max_reconnect_attempts=0,
                connect_timeout=CONNECT_TIMEOUT_S, closed_cb=broker._on_closed, error_cb=broker._on_error,
            )  # fmt: skip
        except (OSError, TimeoutError, nats.errors.Error) as exc:
            raise BrokerUnavailable(f"NATS: {exc.__class__.__name__}") from exc
        return broker

    @property
    def client(self) -> NatsClient:
        assert self._client is not None
        return self._client

    async def _on_closed(self) -> None:
        self._closed.set()
        self._report_loss()

    async def _on_error(self, exc: Exception) -> None:
        if not self._closing:
            log.warning("live NATS connection error (%s)", exc.__class__.__name__)

    async def listen(self, deliver: Deliver, lost: Lost) -> None:
        async def on_message(message: Msg) -> None:
            deliver(message.data.decode())

        self._lost = lost
        try:
            await self.client.subscribe(NATS_SUBJECT, cb=on_message)
            await self.client.flush(timeout=FLUSH_TIMEOUT_S)  # subscribed at the server before we return
        except (OSError, TimeoutError, nats.errors.Error) as exc:
            raise BrokerUnavailable(f"NATS: {exc.__class__.__name__}") from exc

    async def publish(self, payloads: Sequence[str]) -> None:
        """Returns once the server has the messages (a round trip per call, as Redis answers each PUBLISH):
        a connection that died unnoticed fails here, and its messages are sent again on a new one."""
        try:
            for payload in payloads:
                await self.client.publish(NATS_SUBJECT, payload.encode())
            # A connection that closes meanwhile leaves the flush waiting for its answer: do not wait for it.
            flushed = asyncio.ensure_future(self.client.flush(timeout=FLUSH_TIMEOUT_S))
            closed = asyncio.ensure_future(self._closed.wait())
            await asyncio.wait({flushed, closed}, return_when=asyncio.FIRST_COMPLETED)
            closed.cancel()
            if not flushed.done() or flushed.cancelled():
                flushed.cancel()
                raise BrokerUnavailable("NATS: connection closed")
            flushed.result()
        except (OSError, TimeoutError, nats.errors.Error) as exc:
            raise BrokerUnavailable(f"NATS: {exc.__class__.__name__}") from exc

    async def _close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.close()
