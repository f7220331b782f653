"""Re-dispatch of a job whose technician stalled or went dark: the stall ladder's last step offers it
(app/live/progress.py); an operator confirms it, or the SLA watcher does it at once when
TRUSTLOOP_STALL_AUTO_REDISPATCH allows. The job goes to the free technician with the shortest road ETA;
the driver and both technicians hear of it as of any reassignment."""

import logging
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.config import Settings
from app.errors import Conflict, NotFound
from app.geo import from_geography, haversine_m
from app.live import repository as live_repository
from app.live.progress import Step
from app.orders import repository as orders_repository
from app.orders import service as orders
from app.orders.models import Order, OrderStatus
from app.orders.schemas import OrderRead
from app.orders.views import present as present_order
from app.routing.osrm import OsrmClient
from app.technicians import repository as technicians_repository
from dispatch import promises, repository
from dispatch.promises import PromisePolicy
from feedback import service as feedback

log = logging.getLogger("trustloop.dispatch")


async def _offered(session: AsyncSession, order: Order) -> bool:
    stall = (await live_repository.stalls(session, [order.id])).get(order.id)
    return order.status in OrderStatus.on_the_way() and stall is not None and stall.step >= Step.OFFER_REDISPATCH


async def _hand_over(
    session: AsyncSession, osrm: OsrmClient, settings: Settings, order: Order, actor_id: UUID | None, now: datetime
) -> bool:
    """Gives the locked order to the free technician nearest by road; False if nobody can take it now."""
    search = repository.CandidateSearch(
        now=now, fresh_after=now - timedelta(seconds=settings.position_stale_s), radius_m=settings.search_radius_m,
        growth_m_per_min=settings.search_radius_growth_m_per_min, max_radius_m=settings.max_search_radius_m,
        prefilter=settings.candidates_prefilter,
        blocked=await feedback.blocked_pairs(session, {order.driver_id}, settings.block_csat_at_or_below),
    )  # fmt: skip
    found = await repository.candidates(session, [order.id], search)
    found = [c for c in found if c.technician_id != order.technician_id]
    if not found:
        return False
    table = await osrm.table(
        [c.position for c in found], [from_geography(order.location)], with_distances=True,
        headings=[c.heading for c in found],
    )  # fmt: skip
    reachable = [(row[0], i) for i, row in enumerate(table.durations) if row[0] is not None]
    if not reachable:
        return False
    seconds, best = min(reachable)
    technician = await technicians_repository.get_for_update(session, found[best].technician_id)
    if technician is None:
        return False
    estimate = orders.EtaEstimate(seconds=seconds, confidence=table.confidence, distance_m=table.distances[best][0])
    policy = PromisePolicy.from_settings(settings)
    fitted = await promises.model(session, policy, order.region, now)
    straight = haversine_m(found[best].position, from_geography(order.location))
    await orders.assign(session, order, technician, actor_id,
                        promises.promise(fitted, policy, technician.id, order.service.value, estimate,
                                         straight, now))  # fmt: skip
    return True


async def redispatch(
    session: AsyncSession, osrm: OsrmClient, settings: Settings, actor_id: UUID, order_id: UUID
) -> OrderRead:
    """An operator confirms the re-dispatch the stall ladder offered."""
    order = await orders_repository.get_for_update(session, order_id)
    if order is None:
        raise NotFound("No such order.")
    if not await _offered(session, order):
        raise Conflict("No re-dispatch is on offer for this order: its technician is not stalled or dark.")
    if not await _hand_over(session, osrm, settings, order, actor_id, clock.now()):
        raise Conflict("No other technician is free to take this job now.")
    return await present_order(session, order)


class AutoRedispatch:
    """A watch round for the SLA watcher: re-dispatches every job the ladder offered, without waiting for an
    operator (only when TRUSTLOOP_STALL_AUTO_REDISPATCH is on); a job nobody can take now waits a round."""

    def __init__(self, settings: Settings, osrm: OsrmClient) -> None:
        self._settings = settings
        self._osrm = osrm

    async def __call__(self, session: AsyncSession, now: datetime) -> list[UUID]:
        handed: list[UUID] = []
        if not self._settings.stall_auto_redispatch:
            return handed
        for order_id, stall in (await live_repository.offered_redispatch(session)).items():
            order = await orders_repository.get_for_update(session, order_id)
            if order is None or not await _offered(session, order):
                continue
            if await _hand_over(session, self._osrm, self._settings, order, None, now):
                log.info("order %s re-dispatched: its technician was %s", order_id, stall)
                handed.append(order_id)
        return handed
