"""The SLA watcher: every few seconds, raises the SLA state of orders that slipped."""

import asyncio
import contextlib
import logging

from app import clock
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.sla.rules import SlaPolicy
from app.sla.service import sla_round

log = logging.getLogger("trustloop.sla")


async def run_sla_watcher(settings: Settings, stop: asyncio.Event) -> None:
    engine = make_engine(settings.database_url, 1)
    sessions = make_sessionmaker(engine)
    targets = SlaPolicy.from_seconds(settings.sla_targets)
    try:
        while not stop.is_set():
            try:
                async with sessions() as session, session.begin():
                    done = await sla_round(session, clock.now(), targets, settings.sla_alert_on)
                for order_id, state in done.orders:
                    log.info("order %s is %s", order_id, state.label)
            except Exception:
                log.exception("SLA round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.sla_interval_s)
    finally:
        await engine.dispose()
