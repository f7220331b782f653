"""The stall watch's round: each job on its way is checked for a stall or a dark phone (app/live/progress.py)
and its escalation ladder moved on. Each step is published once as a fact; the domains that react (pushes,
the SLA board, the operators' stream, trust evidence, re-dispatch) subscribe to it."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import events, locks
from app.live import repository
from app.live.models import OrderTracking
from app.live.progress import Episode, Progress, ProgressRules, Step, Trouble, Verdict, check
from app.orders.models import Order


def episode_of(live: OrderTracking) -> Episode | None:
    if live.trouble is None or live.trouble_since is None:
        return None
    return Episode(Trouble(live.trouble), live.trouble_since, live.trouble_step, live.trouble_counted)


def progress_of(order: Order, live: OrderTracking) -> Progress | None:
    if order.assigned_at is None:
        return None
    return Progress(order.assigned_at, live.best_remaining_m, live.improved_at, live.measured_at, live.last_fix_at)


async def stall_round(session: AsyncSession, now: datetime, rules: ProgressRules) -> list[tuple[UUID, Step]]:
    """Moves every job's ladder to what holds at `now`; the steps taken, in order."""
    taken: list[tuple[UUID, Step]] = []
    if not await repository.try_lock(session, locks.STALL_WATCH):
        return taken
    for order, live in await repository.jobs_on_the_way_for_update(session):
        progress = progress_of(order, live)
        if progress is None or order.technician_id is None:
            continue
        verdict = check(episode_of(live), progress, now, order.promised_arrival_at, rules)
        _keep(live, verdict.episode)
        await _publish(session, order, order.technician_id, verdict, progress, now)
        taken += [(order.id, step) for step in verdict.steps]
    return taken


def _keep(live: OrderTracking, episode: Episode | None) -> None:
    if episode is None:
        live.trouble = live.trouble_since = None
        live.trouble_step, live.trouble_counted = 0, False
    else:
        live.trouble, live.trouble_since = episode.trouble.value, episode.since
        live.trouble_step, live.trouble_counted = episode.step, episode.counted


async def _publish(
    session: AsyncSession, order: Order, technician_id: UUID, verdict: Verdict, progress: Progress, now: datetime
) -> None:
    if verdict.cleared is not None:
        await events.publish(
            session, events.StallCleared(at=now, order_id=order.id, technician_id=technician_id,
                                         trouble=verdict.cleared.trouble.value, since=verdict.cleared.since),
        )  # fmt: skip
    episode = verdict.episode
    if episode is None:
        return
    if verdict.count_against:
        await events.publish(
            session, events.TechnicianStalled(at=now, order_id=order.id, technician_id=technician_id,
                                              service=order.service, since=episode.since,
                                              improved_at=progress.improved_at),
        )  # fmt: skip
    quiet_since = progress.improved_at if episode.trouble is Trouble.STALLED else progress.fix_at
    quiet_since = max(quiet_since or progress.assigned_at, progress.assigned_at)
    for step in verdict.steps:
        await events.publish(
            session, events.StallEscalated(
                at=now, order_id=order.id, driver_id=order.driver_id, technician_id=technician_id,
                service=order.service, trouble=episode.trouble.value, since=episode.since, quiet_since=quiet_since,
                step=step.value,
                promised_at=order.promised_arrival_at,
            ),
        )  # fmt: skip
