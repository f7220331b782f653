"""The dispatcher worker: a round every few seconds, and at once when an order or a technician needs one."""

import asyncio
import logging

from app import clock
from app.channels import DISPATCH_CHANNEL
from app.config import Settings
from app.db import make_engine, make_sessionmaker, transaction
from app.routing.osrm import OsrmClient
from app.wakeups import listening, wait_for_work
from dispatch.dispatcher import DispatchConfig, RoundReport, dispatch_round

log = logging.getLogger("trustloop.dispatch")


async def run_dispatcher(settings: Settings, stop: asyncio.Event) -> None:
    engine = make_engine(settings.database_url, 2)
    sessions = make_sessionmaker(engine)
    osrm = OsrmClient.from_settings(settings)
    config = DispatchConfig.from_settings(settings)
    try:
        async with listening(settings.database_url, DISPATCH_CHANNEL) as wake:
            while not stop.is_set():
                await wait_for_work(wake, stop, settings.dispatch_interval_s)
                if stop.is_set():
                    break
                try:
                    async with transaction(sessions) as session:
                        report = await dispatch_round(session, osrm, config, clock.now())
                except Exception:
                    log.exception("dispatch round failed; retrying next round")
                    continue
                _log(report)
    finally:
        await osrm.aclose()
        await engine.dispose()


def _log(report: RoundReport) -> None:
    if report.ran and (report.orders or report.expired_offers or report.unfulfilled):
        log.debug(
            "round: %d open, %d offered, %d left open, %d unfulfilled, %d offers expired, phases %s",
            report.orders, report.offers, report.left_open, report.unfulfilled, report.expired_offers, report.phases_ms,
        )  # fmt: skip
