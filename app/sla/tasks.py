"""The SLA watcher: every few seconds, moves the stall ladder of jobs on their way, raises the SLA state of
orders that slipped, and runs the other watch rounds the composition root hands it (overdue follow-ups,
re-dispatch of stalled jobs), each in its own transaction."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.config import Settings
from app.db import make_engine, make_sessionmaker, transaction
from app.live.progress import ProgressRules
from app.live.stalls import stall_round
from app.sla.rules import SlaPolicy
from app.sla.service import sla_round

log = logging.getLogger("trustloop.sla")

WatchRound = Callable[[AsyncSession, datetime], Awaitable[object]]


async def run_sla_watcher(settings: Settings, stop: asyncio.Event, also: Sequence[WatchRound] = ()) -> None:
    engine = make_engine(settings.database_url, 1)
    sessions = make_sessionmaker(engine)
    policy = SlaPolicy.from_settings(settings)
    progress_rules = ProgressRules.from_settings(settings)
    try:
        while not stop.is_set():
            try:
                async with transaction(sessions) as session:
                    for order_id, step in await stall_round(session, clock.now(), progress_rules):
                        log.info("order %s: stall ladder step %s", order_id, step.name.lower())
                async with transaction(sessions) as session:
                    done = await sla_round(session, clock.now(), policy)
                for order_id, state in done.orders:
                    log.info("order %s is %s", order_id, state.label)
            except Exception:
                log.exception("SLA round failed")
            for watch in also:  # each on its own: one failing round must not starve the others
                try:
                    async with transaction(sessions) as session:
                        await watch(session, clock.now())
                except Exception:
                    log.exception("watch round %s failed", watch)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.sla_interval_s)
    finally:
        await engine.dispose()
