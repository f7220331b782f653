"""The dispatcher worker: a round every few seconds, and at once when an order or a technician needs one."""

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.channels import DISPATCH_CHANNEL
from app.collector import collector_paused
from app.config import Settings
from app.db import make_engine, make_sessionmaker, transaction
from app.routing.osrm import OsrmClient
from app.routing.regional import routing
from app.wakeups import listening, wait_for_work
from dispatch.dispatcher import DispatchConfig, RoundReport, dispatch_round

log = logging.getLogger("trustloop.dispatch")


async def run_dispatcher(settings: Settings, stop: asyncio.Event) -> None:
    engine = make_engine(settings.database_url, 2)
    sessions = make_sessionmaker(engine)
    osrm = await routing(settings, sessions)
    config = DispatchConfig.from_settings(settings)
    # One round per region, each under its own lock: several dispatchers share the regions, and when one
    # dies the others run its regions' rounds at their next turn.
    regions = settings.served_regions
    configs = (
        [replace(config, region=region, orders_of_region=region) for region in regions]
        if len(regions) > 1
        else [config]
    )
    try:
        async with listening(settings.database_url, DISPATCH_CHANNEL) as wake:
            while not stop.is_set():
                await wait_for_work(wake, stop, settings.dispatch_interval_s)
                if stop.is_set():
                    break
                for regional in configs:
                    try:
                        report = await run_round(sessions, osrm, regional, clock.now())
                    except Exception:
                        log.exception("dispatch round in %s failed; retrying next round", regional.region)
                        continue
                    _log(report)
    finally:
        await osrm.aclose()
        await engine.dispose()


async def run_round(
    sessions: async_sessionmaker[AsyncSession], osrm: OsrmClient, config: DispatchConfig, now: datetime
) -> RoundReport:
    """One round in a transaction of its own, committed with the events it published, with the garbage
    collector paused throughout (app/collector.py)."""
    with collector_paused():
        async with transaction(sessions) as session:
            return await dispatch_round(session, osrm, config, now)


def _log(report: RoundReport) -> None:
    if report.ran and (report.orders or report.expired_offers or report.unfulfilled):
        log.debug(
            "round: %d open, %d offered, %d left open, %d unfulfilled, %d offers expired, phases %s",
            report.orders, report.offers, report.left_open, report.unfulfilled, report.expired_offers, report.phases_ms,
        )  # fmt: skip
