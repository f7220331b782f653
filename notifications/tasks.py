"""The notifications worker: drains the push outbox as soon as a row commits (NOTIFY), and every second."""

import asyncio
import logging

from app import clock
from app.channels import NOTIFICATIONS_CHANNEL
from app.config import Settings
from app.db import make_engine, make_sessionmaker, transaction
from app.wakeups import listening, wait_for_work
from notifications.fcm import FcmGateway
from notifications.sender import SenderConfig, drain_once

log = logging.getLogger("trustloop.notifications")


async def run_notifier(settings: Settings, stop: asyncio.Event) -> None:
    if settings.fcm_credentials is None:
        log.warning("TRUSTLOOP_FCM_CREDENTIALS is not set: pushes stay in the outbox (GET /v1/ops/notifications)")
        await stop.wait()
        return
    engine = make_engine(settings.database_url, 2)
    sessions = make_sessionmaker(engine)
    gateway = FcmGateway(settings.fcm_credentials, settings.fcm_endpoint)
    config = SenderConfig.from_settings(settings)
    try:
        async with listening(settings.database_url, NOTIFICATIONS_CHANNEL) as wake:
            while not stop.is_set():
                await wait_for_work(wake, stop, settings.push_interval_s)
                while not stop.is_set():  # drain the backlog before sleeping again
                    try:
                        async with transaction(sessions) as session:
                            report = await drain_once(session, gateway, clock.now(), config)
                    except Exception:
                        log.exception("push batch failed; retrying after the interval")
                        break
                    if report.notifications:
                        log.debug("pushes: %s", report)
                    if report.notifications + report.deferred < config.batch_size and not report.deferred:
                        break
    finally:
        await gateway.aclose()
        await engine.dispose()
