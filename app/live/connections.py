"""How many live streams each token holds open, counted across every API process in the database."""

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.db import transaction
from app.live import repository

log = logging.getLogger(__name__)

TOUCH_EVERY_S = 15.0
STALE_AFTER = timedelta(seconds=60)


class TooManyStreams(Exception):
    pass


class LiveConnections:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], per_token: int) -> None:
        self._sessions = sessions
        self._per_token = per_token
        self._open: set[UUID] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._keep_alive())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @contextlib.asynccontextmanager
    async def hold(self, token: str, user_id: UUID) -> AsyncIterator[None]:
        """Counts one stream of this token while the block runs; TooManyStreams beyond the limit."""
        connection_id = uuid4()
        token_hash = hashlib.sha256(token.encode()).hexdigest()  # never the token itself
        now = clock.now()
        async with transaction(self._sessions) as session:
            opened = await repository.open_connection(
                session, connection_id, token_hash, user_id, self._per_token, now, now - STALE_AFTER
            )
        if not opened:
            raise TooManyStreams(f"At most {self._per_token} live streams per token.")
        self._open.add(connection_id)
        try:
            yield
        finally:
            self._open.discard(connection_id)
            with contextlib.suppress(Exception):
                async with transaction(self._sessions) as session:
                    await repository.close_connection(session, connection_id)

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(TOUCH_EVERY_S)
            try:
                async with transaction(self._sessions) as session:
                    await repository.touch_connections(session, list(self._open), clock.now())
            except Exception:
                log.exception("could not mark this process's live streams as alive")
