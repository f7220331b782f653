"""One dispatch round: expire offers, close orders nobody took in time, and offer the open orders to the
technicians that minimise the batch's total cost. Runs in the caller's transaction."""

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast
from uuid import UUID, uuid4

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app import events, locks
from app.config import Settings
from app.geo import Point, haversine_many_m, points_from_geography
from app.orders.models import Order, OrderStatus
from app.orders.service import apply_transition
from app.routing.osrm import OsrmClient
from dispatch import promises, repository
from dispatch.calibration import Model
from dispatch.cost import CostBreakdown, CostWeights, offer_cost, unassigned_cost
from dispatch.grouping import spatial_groups
from dispatch.models import OfferStatus
from dispatch.promises import PromisePolicy
from dispatch.repository import Candidate
from dispatch.solver import Arc, OpenOrder, solve
from feedback import scores
from feedback import service as feedback

TABLE_GROUP_SIZE = 40  # orders per local OSRM table (see _road_etas)
CHUNK_GROUPS = 3  # table groups per candidates query: OSRM computes a chunk's tables while the next one's are found
# Faster than a van gets anywhere as the crow flies (54 km/h): a technician farther from the car than the best drive
# found times this cannot be sooner, so the search reaches that far at once (see _farther_candidates).
OUTRUN_M_PER_S = 15.0
# A pin no road leads to is told to the driver once the search has had this long: the first rounds may yet find a
# van with a road from farther away, and "no road to your pin" is not said for nothing.
NO_ROAD_SAID_AFTER_S = 60.0


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    region: str
    offer_ttl_s: int
    position_stale_s: int
    search_radius_m: float
    search_radius_growth_m_per_min: float
    max_search_radius_m: float
    candidates_prefilter: int
    candidates_per_order: int
    unfulfilled_after_s: int
    block_csat_at_or_below: int
    promises: PromisePolicy
    weights: CostWeights = field(default_factory=CostWeights)
    orders_of_region: str | None = None  # this region's orders only (one round per region); None: all
    # Only a drive this long is worth a look past the circle: for a shorter one, the seconds a van from farther away
    # might save would pull him out of his own area, and the next breakdown there would wait for it (the dispatch
    # study's sparse fleet lost NPS and gained mean ETA when every drive over 5.5 minutes was looked past).
    widen_past_s: float = 900.0
    cross_border: bool = False  # technicians of another region may be offered them

    @classmethod
    def from_settings(cls, settings: Settings) -> "DispatchConfig":
        return cls(
            region=settings.region,
            offer_ttl_s=settings.offer_ttl_s,
            position_stale_s=settings.position_stale_s,
            search_radius_m=settings.search_radius_m,
            search_radius_growth_m_per_min=settings.search_radius_growth_m_per_min,
            max_search_radius_m=settings.max_search_radius_m,
            widen_past_s=settings.widen_search_past_s,
            candidates_prefilter=settings.candidates_prefilter,
            candidates_per_order=settings.candidates_per_order,
            unfulfilled_after_s=settings.unfulfilled_after_s,
            block_csat_at_or_below=settings.block_csat_at_or_below,
            promises=PromisePolicy.from_settings(settings),
            cross_border=settings.cross_border,
        )


@dataclass
class RoundReport:
    ran: bool
    orders: int = 0
    offers: int = 0
    left_open: int = 0
    unfulfilled: int = 0
    expired_offers: int = 0
    phases_ms: dict[str, float] = field(default_factory=dict)


class ScoredArc(NamedTuple):
    technician_id: UUID
    breakdown: CostBreakdown
    raw_eta_s: float  # OSRM's, before calibration


async def dispatch_round(session: AsyncSession, osrm: OsrmClient, config: DispatchConfig, now: datetime) -> RoundReport:
    clock = _PhaseClock()
    if not await repository.try_lock_region(session, locks.DISPATCH_REGION, config.region):
        return RoundReport(ran=False)  # another dispatcher holds this region
    report = RoundReport(ran=True)

    expiring = await repository.lock_orders_with_expired_offers(session, now)
    lapsed = await repository.expire_offers(session, expiring, now)
    report.expired_offers = len(lapsed)
    for lapse in lapsed:
        await events.publish(
            session,
            events.OfferAnswered(at=now, offer_id=lapse.offer_id, order_id=lapse.order_id,
                                 technician_id=lapse.technician_id, service=lapse.service,
                                 outcome=events.OfferOutcome.EXPIRED),
        )  # fmt: skip

    orders = await repository.lock_searching_orders(session, now, config.orders_of_region)
    too_old = [o for o in orders if (now - o.created_at).total_seconds() >= config.unfulfilled_after_s]
    for order in too_old:
        await apply_transition(
            session, order, OrderStatus.UNFULFILLED, None, {"reason": "no technician in time"},
            reason="no technician in time",
        )  # fmt: skip
    report.unfulfilled = len(too_old)
    orders = [o for o in orders if o not in too_old]
    report.orders = len(orders)
    clock.lap("lock")
    if not orders:
        report.phases_ms = clock.phases
        return report

    located = dict(zip([o.id for o in orders], points_from_geography([o.location for o in orders]), strict=True))
    blocked = await feedback.blocked_pairs(session, {o.driver_id for o in orders}, config.block_csat_at_or_below)
    # Orders go in spatial chunks: OSRM computes one chunk's tables while the database finds the next chunk's
    # candidates, and then while it reads the scores and calibrations (the session stays with this coroutine
    # alone: the tables need none of it).
    search = repository.CandidateSearch(
        now=now, fresh_after=now - timedelta(seconds=config.position_stale_s), radius_m=config.search_radius_m,
        growth_m_per_min=config.search_radius_growth_m_per_min, max_radius_m=config.max_search_radius_m,
        prefilter=config.candidates_prefilter, blocked=blocked, cross_border=config.cross_border,
    )  # fmt: skip
    tables: list[asyncio.Task[dict[tuple[UUID, UUID], float | None]]] = []
    try:
        candidates: list[Candidate] = []
        for chunk in _spatial_chunks(orders, located, TABLE_GROUP_SIZE, CHUNK_GROUPS):
            found = await repository.candidates(session, [o.id for o in chunk], search)
            candidates += found
            tables.append(asyncio.create_task(_road_etas(osrm, chunk, located, found, TABLE_GROUP_SIZE)))
        clock.lap("candidates")
        service_of = {o.id: o.service.value for o in orders}
        trust = await scores.for_services(session, {(c.technician_id, service_of[c.order_id]) for c in candidates})
        fitted = {
            region: await promises.model(session, config.promises, region, now) for region in {o.region for o in orders}
        }
        clock.lap("scores")
        etas: dict[tuple[UUID, UUID], float | None] = {}
        for part in await asyncio.gather(*tables):
            etas.update(part)
    finally:
        for task in tables:  # left running only when a read above failed: the tables are not wanted any more
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            elif not task.cancelled():
                task.exception()  # seen: the round ends with the error raised above, not with a chunk's as well
    clock.lap("osrm_table")
    farther, farther_etas = await _farther_candidates(
        session, osrm, orders, located, candidates, etas, search, config.widen_past_s
    )
    if farther:
        candidates += farther
        etas.update(farther_etas)
        trust.update(await scores.for_services(session, {(c.technician_id, service_of[c.order_id]) for c in farther}))
    clock.lap("farther")
    corrections = _median_corrections(fitted, orders, located, candidates, etas, now)
    clock.lap("corrections")
    # Each order keeps its candidates_per_order soonest arrivals; only those are costed.
    drives: dict[UUID, list[tuple[float, float, UUID]]] = {o.id: [] for o in orders}  # (eta, raw eta, technician)
    for c in candidates:
        raw = etas.get(arc := (c.order_id, c.technician_id))
        if raw is None:
            continue
        eta = raw * corrections.get(arc, 1.0)  # when he will really be there
        if eta <= config.weights.max_eta_s:
            drives[c.order_id].append((eta, raw, c.technician_id))
    roadless = _roadless({order_id for order_id, soonest in drives.items() if not soonest}, candidates, etas)
    scored: dict[UUID, list[ScoredArc]] = {}
    for order_id, soonest in drives.items():
        soonest.sort()  # by ETA (then raw ETA and technician: any order among equals will do)
        service = service_of[order_id]
        scored[order_id] = [
            ScoredArc(technician_id, offer_cost(eta, trust[technician_id, service], config.weights), raw)
            for eta, raw, technician_id in soonest[: config.candidates_per_order]
        ]

    waited = {o.id: (now - o.created_at).total_seconds() for o in orders}
    open_orders = [OpenOrder(o.id, unassigned_cost(waited[o.id], config.weights)) for o in orders]
    assignments = solve(
        open_orders,
        [Arc(order_id, a.technician_id, a.breakdown.cost) for order_id, arcs in scored.items() for a in arcs],
    )
    clock.lap("solve")

    chosen = {cast(UUID, a.order_id): cast(UUID, a.technician_id) for a in assignments if a.technician_id is not None}
    round_id = uuid4()
    expires_at = now + timedelta(seconds=config.offer_ttl_s)
    offers: list[dict[str, Any]] = [
        {
            "id": uuid4(),
            "order_id": order.id,
            "technician_id": technician_id,
            "status": OfferStatus.PENDING,
            "source": "dispatch",
            "eta_seconds": round(next(a.breakdown.eta_s for a in scored[order.id] if a.technician_id == technician_id)),
            "distance_m": None,  # measured when the technician lists his offers, from where he is then
            "expires_at": expires_at,
            "created_at": now,
        }
        for order in orders
        if (technician_id := chosen.get(order.id)) is not None
    ]
    # The decisions, a thousand rows of JSON at the largest, are built while the database writes the offers.
    decisions = await _while_writing(
        repository.insert_offers(session, offers),
        lambda: _decisions(orders, open_orders, scored, chosen, roadless, waited, round_id, config.weights, now),
    )
    for order, offer in zip((o for o in orders if o.id in chosen), offers, strict=True):
        await events.publish(
            session,
            events.OfferMade(at=now, offer_id=offer["id"], order_id=order.id, technician_id=offer["technician_id"],
                             service=order.service, eta_seconds=offer["eta_seconds"], ttl_s=config.offer_ttl_s,
                             source="dispatch"),
        )  # fmt: skip
    await repository.insert_decisions(session, decisions)
    for order in orders:
        if order.id in roadless and waited[order.id] >= NO_ROAD_SAID_AFTER_S:
            await events.publish(
                session,
                events.NoRoadToOrder(at=now, order_id=order.id, driver_id=order.driver_id, service=order.service),
            )
    report.offers, report.left_open = len(offers), len(orders) - len(offers)
    clock.lap("offers")
    report.phases_ms = clock.phases
    await repository.record_round(
        session, id=round_id, region=config.region, at=now, duration_s=clock.total_s, orders=len(orders),
        offers=len(offers),
    )  # fmt: skip
    return report


def _decisions(
    orders: list[Order], open_orders: list[OpenOrder], scored: dict[UUID, list[ScoredArc]], chosen: dict[UUID, UUID],
    roadless: set[UUID], waited: dict[UUID, float], round_id: UUID, weights: CostWeights, now: datetime,
) -> list[dict[str, Any]]:  # fmt: skip
    """Each order's decision row: its outcome and every costed candidate, cheapest first, with why."""
    weighed = weights.as_dict()
    decisions = []
    for order, open_order in zip(orders, open_orders, strict=True):
        technician_id = chosen.get(order.id)
        arcs = sorted(scored[order.id], key=lambda a: a.breakdown.cost)
        decisions.append(
            {
                "order_id": order.id,
                "round_id": round_id,
                "outcome": "offered"
                if technician_id
                else ("left_open" if arcs else "no_road" if order.id in roadless else "no_candidates"),
                "chosen_technician_id": technician_id,
                "unassigned_cost": open_order.unassigned_cost,
                "waited_s": waited[order.id],
                "candidates": [
                    {
                        "technician_id": str(a.technician_id),
                        "chosen": a.technician_id == technician_id,
                        "raw_eta_s": a.raw_eta_s,
                        **a.breakdown.as_dict(),
                    }
                    for a in arcs
                ],
                "weights": weighed,
                "created_at": now,
            }
        )
    return decisions


async def _while_writing[T](write: Coroutine[Any, Any, None], work: Callable[[], T]) -> T:
    """`work()` (Python alone: it must not use the session) while the database carries out `write`: the statement
    is sent first, and the two cores each have their part. Returns once both are done."""
    writing = asyncio.ensure_future(write)
    await asyncio.sleep(0)  # the write runs up to its first wait on the database: its statement is on the way
    try:
        result = work()
    finally:
        await writing  # its error, if any, is the round's
    return result


def _roadless(
    unserved: set[UUID], candidates: list[Candidate], etas: dict[tuple[UUID, UUID], float | None]
) -> set[UUID]:
    """Of the orders nobody can be offered, those with free technicians near and no road from any of them (read
    only when there are such orders: a round's candidates are tens of thousands)."""
    if not unserved:
        return set()
    near = {c.order_id for c in candidates if c.order_id in unserved}
    reached = {
        c.order_id for c in candidates if c.order_id in near and etas.get((c.order_id, c.technician_id)) is not None
    }
    return near - reached


def _median_corrections(
    fitted: dict[str | None, Model | None], orders: list[Order], located: dict[UUID, Point],
    candidates: list[Candidate], etas: dict[tuple[UUID, UUID], float | None], now: datetime,
) -> dict[tuple[UUID, UUID], float]:  # fmt: skip
    """What OSRM's estimate of each (order, candidate) drive is multiplied by to give its calibrated median,
    by the fitted calibration of each order's region; empty while no region of these orders is calibrated."""
    if not any(fitted.values()):
        return {}
    corrections: dict[tuple[UUID, UUID], float] = {}
    for region, model in fitted.items():
        if model is None:
            continue
        in_region = {o.id: located[o.id] for o in orders if o.region == region}
        arcs: list[tuple[UUID, UUID]] = []
        technicians: list[UUID] = []
        ends: list[tuple[float, float, float, float]] = []  # the technician's (lat, lon), the order's
        estimates: list[float] = []
        for c in candidates:
            where = in_region.get(c.order_id)
            if where is not None and (eta := etas.get(arc := (c.order_id, c.technician_id))) is not None:
                arcs.append(arc)
                technicians.append(c.technician_id)
                ends.append((c.position.lat, c.position.lon, where.lat, where.lon))
                estimates.append(eta)
        if not arcs:
            continue
        at = np.array(ends)
        distances = haversine_many_m(at[:, :2], at[:, 2:])
        factors = promises.median_factors(model, now, technicians, distances, np.array(estimates))
        corrections.update(zip(arcs, factors.tolist(), strict=True))
    return corrections


async def _farther_candidates(
    session: AsyncSession, osrm: OsrmClient, orders: list[Order], located: dict[UUID, Point],
    candidates: list[Candidate], etas: dict[tuple[UUID, UUID], float | None], search: repository.CandidateSearch,
    widen_past_s: float,
) -> tuple[list[Candidate], dict[tuple[UUID, UUID], float | None]]:  # fmt: skip
    """Technicians beyond an order's search circle who may still be sooner than the best drive found in it: the
    circle is straight-line, and a van inside it on the wrong side of a hill, a river or a one-way maze can be
    40 minutes away while one just outside is 20. For each order whose circle held fewer technicians than the
    prefilter takes and whose best drive is at least `widen_past_s`, the search reaches as far as that drive at
    OUTRUN_M_PER_S (within the largest radius; all of it when nobody in the circle has a road to the pin); their
    drives are costed with the rest. Orders well served nearby, and any a dense fleet fills the prefilter for, cost
    nothing more."""
    found = Counter(c.order_id for c in candidates)
    thin = {order_id for order_id, count in found.items() if count < search.prefilter}
    if not thin:
        return [], {}
    best: dict[UUID, float] = {}
    for c in candidates:
        eta = etas.get((c.order_id, c.technician_id)) if c.order_id in thin else None
        if eta is not None and eta < best.get(c.order_id, math.inf):
            best[c.order_id] = eta
    wider: list[Order] = []
    reach_m = 0.0
    for order in orders:
        if order.id not in thin:
            continue
        best_eta = best.get(order.id, math.inf)  # infinite: nobody in the circle has a road to the pin
        if best_eta < widen_past_s:
            continue
        outrun_m = min(best_eta * OUTRUN_M_PER_S, search.max_radius_m)
        if outrun_m > search.radius_at((search.now - order.created_at).total_seconds()):
            wider.append(order)
            reach_m = max(reach_m, outrun_m)
    if not wider:
        return [], {}
    known = {(c.order_id, c.technician_id) for c in candidates}
    farther = [
        c
        for c in await repository.candidates(session, [o.id for o in wider], search.reaching(reach_m))
        if (c.order_id, c.technician_id) not in known
    ]
    if not farther:
        return [], {}
    return farther, await _road_etas(osrm, wider, located, farther, TABLE_GROUP_SIZE)


def _spatial_chunks(
    orders: list[Order], located: dict[UUID, Point], group_size: int, groups_per_chunk: int
) -> list[list[Order]]:
    """The orders in chunks of `groups_per_chunk` table groups of `group_size` neighbours (as _road_etas will
    group each chunk again), so that no group is split between two chunks."""
    groups = spatial_groups([located[o.id] for o in orders], group_size)
    return [
        [orders[i] for group in groups[k : k + groups_per_chunk] for i in group]
        for k in range(0, len(groups), groups_per_chunk)
    ]


async def _road_etas(
    osrm: OsrmClient, orders: list[Order], located: dict[UUID, Point], candidates: list[Candidate], group_size: int
) -> dict[tuple[UUID, UUID], float | None]:
    """Road ETA of every (order, candidate) pair. Orders are grouped by place and each group asks one table
    of its own candidates: local tables cost OSRM far less than one table of every technician to every order."""
    locations = [located[o.id] for o in orders]
    by_order: dict[UUID, list[Candidate]] = {}
    for c in candidates:
        by_order.setdefault(c.order_id, []).append(c)
    groups = [g for g in spatial_groups(locations, group_size) if any(orders[i].id in by_order for i in g)]
    group_technicians = [
        list(dict.fromkeys(c.technician_id for i in g for c in by_order.get(orders[i].id, []))) for g in groups
    ]
    candidate_of = {c.technician_id: c for c in candidates}
    tables = await asyncio.gather(
        *(
            osrm.table(
                [candidate_of[t].position for t in technicians],
                [locations[i] for i in g],
                headings=[candidate_of[t].heading for t in technicians],
            )
            for g, technicians in zip(groups, group_technicians, strict=True)
        )
    )
    etas: dict[tuple[UUID, UUID], float | None] = {}
    for g, technicians, table in zip(groups, group_technicians, tables, strict=True):
        row = {t: k for k, t in enumerate(technicians)}
        for column, i in enumerate(g):
            for c in by_order.get(orders[i].id, []):
                etas[c.order_id, c.technician_id] = table.durations[row[c.technician_id]][column]
    return etas


class _PhaseClock:
    def __init__(self) -> None:
        self._started = self._last = time.perf_counter()
        self.phases: dict[str, float] = {}

    @property
    def total_s(self) -> float:
        return time.perf_counter() - self._started

    def lap(self, name: str) -> None:
        current = time.perf_counter()
        self.phases[name] = round((current - self._last) * 1000, 2)
        self._last = current
