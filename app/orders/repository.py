from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.enums import Role
from app.orders.models import JobEvent, Order, OrderNote, OrderStatus
from app.users.models import Driver, User


async def get(session: AsyncSession, order_id: UUID) -> Order | None:
    return await session.get(Order, order_id)


async def get_for_update(session: AsyncSession, order_id: UUID) -> Order | None:
    result = await session.execute(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def list_for_owner(
    session: AsyncSession,
    owner: Role,
    owner_id: UUID,
    limit: int,
    after: tuple[datetime, UUID] | None,
) -> list[Order]:
    """A driver's orders, or the orders a partner placed, newest first."""
    query = select(Order).where((Order.partner_id if owner is Role.PARTNER else Order.driver_id) == owner_id)
    if after is not None:
        query = query.where(tuple_(Order.created_at, Order.id) < tuple_(after[0], after[1]))
    query = query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())


async def timeline(session: AsyncSession, order_id: UUID) -> list[JobEvent]:
    result = await session.execute(select(JobEvent).where(JobEvent.order_id == order_id).order_by(JobEvent.id))
    return list(result.scalars())


async def open_order_of_driver(session: AsyncSession, driver_id: UUID) -> Order | None:
    result = await session.execute(
        select(Order).where(Order.driver_id == driver_id, Order.status.in_(OrderStatus.open())).limit(1)
    )
    return result.scalar_one_or_none()


async def active_job_of(session: AsyncSession, technician_id: UUID) -> UUID | None:
    result = await session.execute(
        select(Order.id).where(Order.technician_id == technician_id, Order.status.in_(OrderStatus.active_job()))
    )
    return result.scalar_one_or_none()


async def driver_exists(session: AsyncSession, driver_id: UUID) -> bool:
    return await session.get(Driver, driver_id) is not None


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """What happened to an order, as the KPIs and scorecards count it."""

    id: UUID
    status: str
    service: str
    resolution: str | None
    created_at: datetime
    technician_id: UUID | None
    assigned_at: datetime | None
    arrived_at: datetime | None
    promised_at: datetime | None
    drive_s: float | None = None  # the last assignment to the arrival
    eta_raw_s: float | None = None
    eta_median_s: float | None = None


ORDER_RECORDS_SQL = text(
    """
    SELECT o.id, o.status, o.service, o.resolution, o.created_at, o.technician_id,
           o.promised_arrival_at AS promised_at, o.assigned_at AS last_assigned_at, o.eta_raw_s,
           o.eta_raw_s * coalesce(o.eta_correction, 1) AS eta_median_s,
           (SELECT min(e.created_at) FROM job_events e WHERE e.order_id = o.id AND e.status = :assigned) AS assigned_at,
           (SELECT min(e.created_at) FROM job_events e WHERE e.order_id = o.id AND e.status = :arrived) AS arrived_at
    FROM orders o
    WHERE o.created_at >= :since AND o.created_at < :until
      AND (CAST(:technician_id AS uuid) IS NULL OR o.technician_id = :technician_id)
      AND (CAST(:partner_id AS uuid) IS NULL OR o.partner_id = :partner_id)
      AND (CAST(:region AS text) IS NULL OR o.region = :region)
    """
)


async def order_records(
    session: AsyncSession, since: datetime, until: datetime, technician_id: UUID | None = None,
    partner_id: UUID | None = None, region: str | None = None,
) -> list[OrderRecord]:  # fmt: skip
    """The orders created in [since, until), or one technician's jobs among them, or one partner's orders, or
    one region's."""
    rows = await session.execute(
        ORDER_RECORDS_SQL,
        {"since": since, "until": until, "technician_id": technician_id, "partner_id": partner_id, "region": region,
         "assigned": OrderStatus.ASSIGNED.value, "arrived": OrderStatus.ARRIVED.value},
    )  # fmt: skip
    return [
        OrderRecord(id=r.id, status=r.status, service=r.service, resolution=r.resolution, created_at=r.created_at,
                    technician_id=r.technician_id, assigned_at=r.assigned_at, arrived_at=r.arrived_at,
                    promised_at=r.promised_at, eta_raw_s=r.eta_raw_s, eta_median_s=r.eta_median_s,
                    drive_s=(r.arrived_at - r.last_assigned_at).total_seconds()
                    if r.arrived_at and r.last_assigned_at and r.arrived_at >= r.last_assigned_at else None)
        for r in rows
    ]  # fmt: skip


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Order.status, func.count()).group_by(Order.status))
    return {status.value: int(n) for status, n in rows.all()}


async def driver_contact(session: AsyncSession, driver_id: UUID) -> tuple[str | None, str | None]:
    """The driver's name and phone, for the operator who calls him."""
    row = (
        await session.execute(
            select(User.name, Driver.phone).outerjoin(Driver, Driver.id == User.id).where(User.id == driver_id)
        )
    ).first()
    return (row[0], row[1]) if row else (None, None)


async def add_note(session: AsyncSession, order_id: UUID, author_id: UUID | None, text_: str) -> OrderNote:
    note = OrderNote(order_id=order_id, author_id=author_id, text=text_)
    session.add(note)
    await session.flush()
    return note


async def timeline_with_actors(session: AsyncSession, order_id: UUID) -> list[tuple[JobEvent, Role | None, str | None]]:
    """The order's timeline, each change with its actor's role and name (none when the service made it)."""
    rows = await session.execute(
        select(JobEvent, User.role, User.name)
        .outerjoin(User, User.id == JobEvent.actor_id)
        .where(JobEvent.order_id == order_id)
        .order_by(JobEvent.id)
    )
    return [(event, role, name) for event, role, name in rows.all()]


async def notes(session: AsyncSession, order_id: UUID) -> list[tuple[OrderNote, str | None]]:
    """The order's notes, oldest first, each with its author's name."""
    rows = await session.execute(
        select(OrderNote, User.name)
        .outerjoin(User, User.id == OrderNote.author_id)
        .where(OrderNote.order_id == order_id)
        .order_by(OrderNote.id)
    )
    return [(note, name) for note, name in rows.all()]


@dataclass(frozen=True, slots=True)
class LastJob:
    """A driver's last ended order of some statuses before a moment, and whether he ordered again after it."""

    driver_id: UUID
    order_id: UUID
    service: str
    status: str
    technician_id: UUID | None
    created_at: datetime
    promised_at: datetime | None
    arrived_at: datetime | None
    ended_at: datetime | None  # its last step
    ordered_again: bool


LAST_JOBS_SQL = text(
    """
    SELECT DISTINCT ON (d.driver_id) d.driver_id, o.id AS order_id, o.service, o.status, o.technician_id,
           o.created_at, o.promised_arrival_at AS promised_at,
           (SELECT min(e.created_at) FROM job_events e WHERE e.order_id = o.id AND e.status = :arrived) AS arrived_at,
           (SELECT max(e.created_at) FROM job_events e WHERE e.order_id = o.id) AS ended_at,
           EXISTS (SELECT 1 FROM orders later
                   WHERE later.driver_id = d.driver_id AND later.created_at > o.created_at) AS ordered_again
    FROM unnest(CAST(:drivers AS uuid[]), CAST(:befores AS timestamptz[])) AS d(driver_id, before)
    JOIN orders o ON o.driver_id = d.driver_id AND o.created_at < d.before AND o.status = ANY(:statuses)
    ORDER BY d.driver_id, o.created_at DESC, o.id DESC
    """
)


async def last_jobs(
    session: AsyncSession, before: Mapping[UUID, datetime], statuses: frozenset[OrderStatus] | None = None
) -> dict[UUID, LastJob]:
    """Each driver's last order in these statuses (by default his last finished job: completed or failed)
    created before his moment; absent if none."""
    if not before:
        return {}
    rows = await session.execute(
        LAST_JOBS_SQL,
        {"drivers": list(before), "befores": list(before.values()), "arrived": OrderStatus.ARRIVED.value,
         "statuses": OrderStatus.values(OrderStatus.finished() if statuses is None else statuses)},
    )  # fmt: skip
    return {r.driver_id: LastJob(**r._asdict()) for r in rows}


async def addresses(session: AsyncSession, order_ids: Collection[UUID]) -> dict[UUID, str | None]:
    if not order_ids:
        return {}
    rows = await session.execute(select(Order.id, Order.address).where(Order.id.in_(order_ids)))
    return dict(rows.all())


@dataclass(frozen=True, slots=True)
class JobPlace:
    region: str | None
    asked_at: datetime  # when the driver asked for help: the one time a job is named by


async def jobs_of(session: AsyncSession, order_ids: Collection[UUID]) -> dict[UUID, JobPlace]:
    """Each order's region (whose clock its times are told on) and the moment it was asked for."""
    if not order_ids:
        return {}
    rows = await session.execute(select(Order.id, Order.region, Order.created_at).where(Order.id.in_(order_ids)))
    return {row.id: JobPlace(row.region, row.created_at) for row in rows}


async def regions_of(session: AsyncSession, order_ids: Collection[UUID]) -> dict[UUID | None, str | None]:
    """The region of each order (whose clock its times are told on)."""
    if not order_ids:
        return {}
    rows = await session.execute(select(Order.id, Order.region).where(Order.id.in_(order_ids)))
    return {row.id: row.region for row in rows}
