from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import func, insert, select, text, true, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import insert_rows, table_of
from app.enums import Service
from app.geo import Point, travel_heading
from app.orders.models import Order, OrderStatus
from dispatch.calibration import Observation
from dispatch.models import DispatchDecision, DispatchRound, EtaObservation, Offer, OfferStatus


async def get(session: AsyncSession, offer_id: UUID) -> Offer | None:
    return await session.get(Offer, offer_id)


async def get_for_update(session: AsyncSession, offer_id: UUID) -> Offer | None:
    result = await session.execute(
        select(Offer).where(Offer.id == offer_id).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def pending_for_technician(
    session: AsyncSession, technician_id: UUID, at: datetime, limit: int, after: tuple[datetime, UUID] | None
) -> list[tuple[Offer, Order]]:
    """His open offers, the first to expire first."""
    query = (
        select(Offer, Order)
        .join(Order, Order.id == Offer.order_id)
        .where(
            Offer.technician_id == technician_id,
            Offer.status == OfferStatus.PENDING,
            Offer.expires_at > at,
            Order.status == OrderStatus.SEARCHING,
        )
        .order_by(Offer.expires_at, Offer.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(tuple_(Offer.expires_at, Offer.id) > tuple_(*after))
    return [(offer, order) for offer, order in (await session.execute(query)).all()]


class Candidate(NamedTuple):  # a tuple: a round builds tens of thousands (faster than a frozen dataclass)
    order_id: UUID
    technician_id: UUID
    position: Point
    heading: float | None = None  # the way he drives, while his phone says so and he moves (app.geo.travel_heading)


async def lock_orders_with_expired_offers(session: AsyncSession, now: datetime) -> list[UUID]:
    """Locks (skipping those busy elsewhere) the orders whose pending offers have run out."""
    expired = select(Offer.order_id).where(Offer.status == OfferStatus.PENDING, Offer.expires_at <= now)
    result = await session.execute(select(Order.id).where(Order.id.in_(expired)).with_for_update(skip_locked=True))
    return list(result.scalars())


@dataclass(frozen=True, slots=True)
class LapsedOffer:
    offer_id: UUID
    order_id: UUID
    technician_id: UUID
    service: Service


async def expire_offers(session: AsyncSession, order_ids: list[UUID], now: datetime) -> list[LapsedOffer]:
    """Expires the orders' lapsed offers; returns them (who let which order's offer lapse)."""
    result = await session.execute(
        update(Offer)
        .where(
            Offer.order_id.in_(order_ids),
            Offer.status == OfferStatus.PENDING,
            Offer.expires_at <= now,
            Order.id == Offer.order_id,
        )
        .values(status=OfferStatus.EXPIRED, responded_at=now)
        .returning(Offer.id, Offer.order_id, Offer.technician_id, Order.service)
    )
    return [LapsedOffer(*row) for row in result.all()]


async def lock_searching_orders(session: AsyncSession, now: datetime, region: str | None = None) -> list[Order]:
    """The orders (of the region, when given) waiting for a technician and holding no live offer, locked for
    this round.

    SKIP LOCKED: an order that an operator or a technician is changing right now waits for the next round.
    """
    live_offer = (
        select(Offer.id)
        .where(Offer.order_id == Order.id, Offer.status == OfferStatus.PENDING, Offer.expires_at > now)
        .exists()
    )
    in_region = Order.region == region if region is not None else true()
    result = await session.execute(
        select(Order)
        .where(Order.status == OrderStatus.SEARCHING, ~live_offer, in_region)
        .order_by(Order.created_at)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


# Shared by the dispatcher's candidates and the operator's choice: a technician serves his own region's orders (one
# of no region serves any) unless crossing borders is allowed; one on an active job is busy, whatever the order.
SERVES_THE_ORDERS_REGION = "(:cross_border OR t.region IS NULL OR o.region IS NULL OR t.region = o.region)"
NOT_ON_A_JOB = """t.id NOT IN (
                SELECT busy.technician_id FROM orders busy
                WHERE busy.technician_id IS NOT NULL
                  AND busy.status = ANY(:active_job))"""

CANDIDATES_SQL = text(
    f"""
    SELECT o.id AS order_id, t.id AS technician_id,
           ST_Y(t.position::geometry) AS lat, ST_X(t.position::geometry) AS lon, t.heading, t.speed_mps
    FROM orders o
    CROSS JOIN LATERAL (
        SELECT t.id, t.position, t.heading, t.speed_mps
        FROM technicians t
        WHERE t.online
          AND t.position IS NOT NULL
          AND t.position_at >= :fresh_after
          AND o.service = ANY(t.skills)
          AND {SERVES_THE_ORDERS_REGION}
          AND ST_DWithin(
                t.position, o.location,
                LEAST(:radius_m + :growth_m_per_s * EXTRACT(EPOCH FROM (:now - o.created_at)), :max_radius_m),
                false)  -- on the sphere: the radius is a search bound, not a measurement
          -- Who is busy does not depend on the order: NOT IN makes each a hashed set, built once per query.
          AND {NOT_ON_A_JOB}
          AND t.id NOT IN (
                SELECT live.technician_id FROM offers live
                WHERE live.status = 'pending' AND live.expires_at > :now)
          AND NOT EXISTS (
                SELECT 1 FROM offers before
                WHERE before.order_id = o.id AND before.technician_id = t.id)
          AND NOT EXISTS (
                SELECT 1 FROM unnest(CAST(:blocked_drivers AS uuid[]), CAST(:blocked_technicians AS uuid[]))
                              AS blocked(driver_id, technician_id)
                WHERE blocked.driver_id = o.driver_id AND blocked.technician_id = t.id)
        ORDER BY t.position <-> o.location
        LIMIT :prefilter
    ) t
    WHERE o.id = ANY(:order_ids)
    """
)


@dataclass(frozen=True, slots=True)
class CandidateSearch:
    """Who may be offered orders at `now`: online, skilled, with a position newer than `fresh_after`, free, not
    offered the order before, not in a (driver, technician) pair of `blocked`, within a radius that widens while
    the order waits; the `prefilter` nearest of them (straight line) per order."""

    now: datetime
    fresh_after: datetime
    radius_m: float
    growth_m_per_min: float
    max_radius_m: float
    prefilter: int
    blocked: Sequence[tuple[UUID, UUID]] = ()
    cross_border: bool = False

    def radius_at(self, waited_s: float) -> float:
        """The search circle of an order that has waited `waited_s`, as CANDIDATES_SQL draws it."""
        return min(self.radius_m + self.growth_m_per_min / 60 * waited_s, self.max_radius_m)

    def reaching(self, radius_m: float) -> "CandidateSearch":
        """The same search within `radius_m` of every order, however long each has waited."""
        return replace(self, radius_m=radius_m, growth_m_per_min=0.0)

    def parameters(self, order_ids: list[UUID]) -> dict[str, Any]:
        """CANDIDATES_SQL's parameters for these orders."""
        return {
            "order_ids": order_ids,
            "now": self.now,
            "fresh_after": self.fresh_after,
            "radius_m": self.radius_m,
            "growth_m_per_s": self.growth_m_per_min / 60,
            "max_radius_m": self.max_radius_m,
            "prefilter": self.prefilter,
            "cross_border": self.cross_border,
            "blocked_drivers": [driver for driver, _ in self.blocked],
            "blocked_technicians": [technician for _, technician in self.blocked],
            "active_job": OrderStatus.values(OrderStatus.active_job()),
        }


async def candidates(session: AsyncSession, order_ids: list[UUID], search: CandidateSearch) -> list[Candidate]:
    """Per order, the technicians the search finds, nearest first."""
    if not order_ids:
        return []
    # Plan for these orders' actual radii and ages, not the generic plan a prepared statement drifts to.
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    rows = await session.execute(CANDIDATES_SQL, search.parameters(order_ids))
    found = []
    # A technician near many orders is in many rows: his position and heading are read once.
    seen: dict[UUID, tuple[Point, float | None]] = {}
    for order_id, technician_id, lat, lon, heading, speed_mps in rows.all():
        where = seen.get(technician_id)
        if where is None:
            where = seen[technician_id] = (Point(lat=lat, lon=lon), travel_heading(heading, speed_mps))
        found.append(Candidate(order_id, technician_id, *where))
    return found


@dataclass(frozen=True, slots=True)
class Pickable:
    technician_id: UUID
    name: str
    region: str | None
    position: Point | None
    position_at: datetime | None
    straight_m: float | None
    offered_this: bool
    offered_elsewhere: bool
    heading: float | None = None  # the way he drives, while his phone says so and he moves


PICKABLE_SQL = text(
    f"""
    SELECT t.id, t.name, t.region, ST_Y(t.position::geometry) AS lat, ST_X(t.position::geometry) AS lon,
           t.position_at, ST_Distance(t.position, o.location) AS straight_m, t.heading, t.speed_mps,
           EXISTS (SELECT 1 FROM offers live
                   WHERE live.technician_id = t.id AND live.order_id = o.id
                     AND live.status = 'pending' AND live.expires_at > :now) AS offered_this,
           EXISTS (SELECT 1 FROM offers live
                   WHERE live.technician_id = t.id AND live.order_id <> o.id
                     AND live.status = 'pending' AND live.expires_at > :now) AS offered_elsewhere
    FROM orders o
    JOIN technicians t ON t.online AND o.service = ANY(t.skills) AND {SERVES_THE_ORDERS_REGION}
    WHERE o.id = :order_id
      AND t.id IS DISTINCT FROM o.technician_id
      AND {NOT_ON_A_JOB}
      AND t.id <> ALL(CAST(:blocked AS uuid[]))
    ORDER BY t.position <-> o.location NULLS LAST, t.name
    LIMIT :limit
    """
)


async def pickable(
    session: AsyncSession, order_id: UUID, *, now: datetime, cross_border: bool, blocked: Sequence[UUID], limit: int
) -> list[Pickable]:
    """Who an operator could give the order to, nearest in a straight line first: online, skilled, serving its
    region, not on a job, not its technician now, not one its driver blocked. Stale and missing positions too
    (the operator may know where he is): the caller says how old each is."""
    rows = await session.execute(
        PICKABLE_SQL,
        {"order_id": order_id, "now": now, "cross_border": cross_border, "blocked": list(blocked), "limit": limit,
         "active_job": OrderStatus.values(OrderStatus.active_job())},
    )  # fmt: skip
    found = []
    for row in rows.all():
        position = Point(lat=row.lat, lon=row.lon) if row.lat is not None else None
        found.append(Pickable(row.id, row.name, row.region, position, row.position_at, row.straight_m,
                              row.offered_this, row.offered_elsewhere, travel_heading(row.heading, row.speed_mps)))  # fmt: skip
    return found


async def decisions_for_order(session: AsyncSession, order_id: UUID) -> list[DispatchDecision]:
    result = await session.execute(
        select(DispatchDecision).where(DispatchDecision.order_id == order_id).order_by(DispatchDecision.id.desc())
    )
    return list(result.scalars())


async def latest_outcome(session: AsyncSession, order_id: UUID) -> tuple[str, float] | None:
    """What the order's latest dispatch round decided ("offered", "no_road", ...) and how long the order had waited
    then; None before its first round."""
    row = (
        await session.execute(
            select(DispatchDecision.outcome, DispatchDecision.waited_s)
            .where(DispatchDecision.order_id == order_id)
            .order_by(DispatchDecision.id.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else (row.outcome, row.waited_s)


async def accepted_offer(session: AsyncSession, order_id: UUID) -> Offer | None:
    result = await session.execute(
        select(Offer).where(Offer.order_id == order_id, Offer.status == OfferStatus.ACCEPTED).limit(1)
    )
    return result.scalar_one_or_none()


async def count_offers_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Offer.status, func.count()).group_by(Offer.status))
    return {status.value: int(n) for status, n in rows.all()}


async def round_time_buckets(session: AsyncSession, bounds: Sequence[float]) -> tuple[list[int], int, float]:
    """How many recorded rounds took at most each bound, how many in all, and their total seconds."""
    under = [func.count().filter(DispatchRound.duration_s <= bound) for bound in bounds]
    row = (
        await session.execute(select(*under, func.count(), func.coalesce(func.sum(DispatchRound.duration_s), 0.0)))
    ).one()
    return [int(n) for n in row[: len(bounds)]], int(row[len(bounds)]), float(row[-1])


async def withdraw_pending(session: AsyncSession, order_id: UUID, at: datetime) -> None:
    """Withdraws the order's open offers. Callers hold the order's row lock, which guards its offers."""
    await session.execute(
        update(Offer)
        .where(Offer.order_id == order_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.WITHDRAWN, responded_at=at)
    )


# A round's offers and decisions are written as table rows, not through the ORM: nothing reads them back as
# objects, and the ORM's per-row bookkeeping cost a round of 1,000 orders tens of milliseconds.
async def insert_offers(session: AsyncSession, offers: list[dict[str, Any]]) -> None:
    await insert_rows(session, table_of(Offer), offers)


async def insert_decisions(session: AsyncSession, decisions: list[dict[str, Any]]) -> None:
    await insert_rows(session, table_of(DispatchDecision), decisions)


async def record_round(session: AsyncSession, **round_: Any) -> None:
    await session.execute(insert(DispatchRound).values(**round_))


async def try_lock_region(session: AsyncSession, lock_class: int, region: str) -> bool:
    """One dispatcher per region: the lock is held until this transaction ends."""
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(lock_class, func.hashtext(region)))))


RECORD_DRIVE_SQL = text(
    """
    INSERT INTO eta_observations
        (order_id, region, technician_id, assigned_at, distance_m, estimate_s, actual_s, observed_at)
    SELECT id, coalesce(region, ''), technician_id, assigned_at, eta_distance_m, eta_raw_s,
           extract(epoch FROM CAST(:at AS timestamptz) - assigned_at), :at
    FROM orders
    WHERE id = :order_id AND technician_id IS NOT NULL AND assigned_at IS NOT NULL
      AND eta_raw_s > 0 AND eta_distance_m IS NOT NULL
    ON CONFLICT (order_id) DO NOTHING
    """
)


async def record_drive(session: AsyncSession, order_id: UUID, arrived_at: datetime) -> None:
    """The drive that just ended at the driver, against the estimate its promise was made from."""
    await session.flush()
    await session.execute(RECORD_DRIVE_SQL, {"order_id": order_id, "at": arrived_at})


async def drive_count(session: AsyncSession, region: str, since: datetime) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(EtaObservation)
        .where(EtaObservation.region == region, EtaObservation.observed_at >= since)
    )
    return int(found or 0)


async def drives(session: AsyncSession, region: str, since: datetime, limit: int) -> list[Observation]:
    """The region's most recent finished drives since `since`, at most `limit`."""
    rows = await session.execute(
        select(
            EtaObservation.technician_id, EtaObservation.assigned_at, EtaObservation.distance_m,
            EtaObservation.estimate_s, EtaObservation.actual_s,
        )
        .where(EtaObservation.region == region, EtaObservation.observed_at >= since)
        .order_by(EtaObservation.observed_at.desc())
        .limit(limit)
    )  # fmt: skip
    return [Observation(r.technician_id, r.assigned_at, r.distance_m, r.estimate_s, r.actual_s) for r in rows]
