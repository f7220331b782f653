"""The worker processes: what `trustloop worker NAME` runs, each wired like the API."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from app.config import Settings
from app.routing.regional import routing_for
from app.sla.tasks import WatchRound, run_sla_watcher
from app.technicians.service import SilentTechnicians
from dispatch.redispatch import AutoRedispatch
from dispatch.tasks import run_dispatcher
from feedback.commenting import CommentRound
from feedback.service import mark_overdue
from notifications.tasks import run_notifier
from retention.rounds import ChurnRound
from webhooks.tasks import run_webhooks


async def _sla_watcher(settings: Settings, stop: asyncio.Event) -> None:
    osrm = await routing_for(settings)  # for re-dispatching stalled jobs, when that is automatic
    try:
        rounds: list[WatchRound] = [
            mark_overdue,
            CommentRound(settings.follow_up_within_s),
            ChurnRound.from_settings(settings),
            AutoRedispatch(settings, osrm),
            SilentTechnicians(settings.offline_after_s),
        ]
        await run_sla_watcher(settings, stop, also=rounds)
    finally:
        await osrm.aclose()


WORKERS: dict[str, Callable[[Settings, asyncio.Event], Coroutine[Any, Any, None]]] = {
    "dispatch": run_dispatcher,
    "notifications": run_notifier,
    "sla": _sla_watcher,
    "webhooks": run_webhooks,
}
