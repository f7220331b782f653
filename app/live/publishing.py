"""Live messages leave a process once their transaction has committed, and only then.

With PostgreSQL as the broker the transaction NOTIFYs itself and the database delivers on commit. With Redis
or NATS the messages wait in the session until SQLAlchemy reports the commit (`after_commit`); a rollback
forgets them. One task per process sends them, in commit order, batching what piled up meanwhile. While the
broker is out of reach they wait and are sent when it is back; beyond a bound the oldest are dropped, and a
`resync` sent after the rest has every stream of every process re-read its state.
"""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable

import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from app.config import Settings
from app.live import brokers
from app.live.brokers import Broker, BrokerUnavailable

log = logging.getLogger(__name__)

PENDING_KEY = "live_messages"
RETRY_S = 0.5
# Sent after messages had to be dropped: every hub has all its streams re-read their state.
RESYNC_PAYLOAD = orjson.dumps({"type": "resync"}).decode()


class AfterCommitPublisher:
    """Sends committed live messages to the broker from one task per process (and event loop)."""

    def __init__(self, open_broker: Callable[[], Awaitable[Broker]], limit: int = 10_000) -> None:
        self._open_broker = open_broker
        self._limit = limit
        self._queue: deque[str] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._broker: Broker | None = None
        self._sending = False
        self._dropped_since_sent = False
        self.dropped = 0
        self.sent = 0

    def send(self, payloads: list[str]) -> None:
        """Queues the messages of a committed transaction (called from the commit: never blocks)."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._task is None or self._task.done():
            # The first commit in this event loop (a process has one; a test session or a CLI run may not).
            self._loop, self._wake, self._broker = loop, asyncio.Event(), None
            self._task = loop.create_task(self._run())
        self._queue.extend(payloads)
        self._keep_within_limit()
        self._wake.set()

    def _keep_within_limit(self) -> None:
        while len(self._queue) > self._limit:
            self._queue.popleft()
            self.dropped += 1
            self._dropped_since_sent = True

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                batch = list(self._queue)
                self._queue.clear()
                self._sending = True
                resync = self._dropped_since_sent  # after the batch: the state re-read includes it
                try:
                    if self._broker is None:
                        self._broker = await self._open_broker()
                    await self._broker.publish([*batch, RESYNC_PAYLOAD] if resync else batch)
                    self.sent += len(batch)
                    self._dropped_since_sent = self._dropped_since_sent and not resync
                except BrokerUnavailable as exc:
                    log.warning("live broker unreachable (%s); %d messages wait", exc, len(batch) + len(self._queue))
                    self._queue.extendleft(reversed(batch))
                    self._keep_within_limit()
                    await self._forget_broker()
                    await asyncio.sleep(RETRY_S)
                finally:
                    self._sending = False

    async def idle(self, timeout_s: float = 5.0) -> bool:
        """Whether everything queued has been handed to the broker within the time (shutdown, tests)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while self._queue or self._sending:
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def close(self) -> None:
        await self.idle()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
        await self._forget_broker()

    async def _forget_broker(self) -> None:
        broker, self._broker = self._broker, None
        if broker is not None:
            await broker.close()


_publisher: AfterCommitPublisher | None = None


def use(publisher: AfterCommitPublisher | None) -> AfterCommitPublisher | None:
    """Sends live messages through this publisher from now on (None: NOTIFY in the transaction); returns the
    one it replaces."""
    global _publisher
    previous, _publisher = _publisher, publisher
    return previous


def configure(settings: Settings) -> None:
    """Publishes through the configured broker (each process once, when it is wired)."""
    if settings.live_broker == "postgres":
        use(None)
        return
    kind, url = settings.live_broker, settings.effective_live_broker_url
    use(AfterCommitPublisher(lambda: brokers.connect(kind, url)))


async def close() -> None:
    """Sends what is still queued (for a few seconds at most) and closes the broker connection."""
    if _publisher is not None:
        await _publisher.close()


def through_database() -> bool:
    """Whether live messages go out as NOTIFY inside their transaction (no other broker is configured)."""
    return _publisher is None


def after_commit(session: AsyncSession, payload: str) -> None:
    """Queues the message on the transaction: sent to the broker if it commits, forgotten if not."""
    session.info.setdefault(PENDING_KEY, []).append(payload)


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    payloads: list[str] | None = session.info.pop(PENDING_KEY, None)
    if payloads and _publisher is not None:
        _publisher.send(payloads)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction; after a commit the messages are gone already
        session.info.pop(PENDING_KEY, None)
