"""The webhooks worker: sends as soon as an event commits (NOTIFY), and every interval for the retries."""

import asyncio
import logging

import httpx

from app.channels import WEBHOOKS_CHANNEL
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.wakeups import listening, wait_for_work
from webhooks.sender import Sender, SenderConfig

log = logging.getLogger("trustloop.webhooks")


async def run_webhooks(settings: Settings, stop: asyncio.Event) -> None:
    engine = make_engine(settings.database_url, 2)
    config = SenderConfig.from_settings(settings)
    limits = httpx.Limits(max_connections=config.concurrency, max_keepalive_connections=config.concurrency)
    async with httpx.AsyncClient(limits=limits, follow_redirects=False) as client:
        sender = Sender(make_sessionmaker(engine), client, config)
        try:
            async with listening(settings.database_url, WEBHOOKS_CHANNEL) as wake:
                while not stop.is_set():
                    await wait_for_work(wake, stop, settings.webhook_interval_s)
                    while not stop.is_set():  # drain what is due before sleeping again
                        try:
                            report = await sender.send_due()
                        except Exception:
                            log.exception("webhook batch failed; retrying after the interval")
                            break
                        if report.sent:
                            log.debug("webhooks: %s", report)
                        if report.sent == 0:
                            break
        finally:
            await engine.dispose()
