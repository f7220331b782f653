"""Every query of the retention tables."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import Driver
from retention.models import ChurnCall, Cover, CoverEvent, CoverEventType, CoverStatus


async def driver_exists(session: AsyncSession, driver_id: UUID) -> bool:
    return await session.get(Driver, driver_id) is not None


async def cover_for_update(session: AsyncSession, driver_id: UUID) -> Cover | None:
    result = await session.execute(
        select(Cover).where(Cover.driver_id == driver_id).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def cover(session: AsyncSession, driver_id: UUID) -> Cover | None:
    return await session.get(Cover, driver_id)


async def upsert_cover(
    session: AsyncSession, driver_id: UUID, plan: str, starts_on: date, renews_on: date, partner_id: UUID | None,
    *, only_over_partners_own: bool = False,
) -> bool:  # fmt: skip
    """Sets the driver's cover (a new term: active again, whatever it was). With `only_over_partners_own`, a
    cover someone else holds stays theirs (False), even one written a moment ago."""
    values = {"plan": plan, "starts_on": starts_on, "renews_on": renews_on, "partner_id": partner_id,
              "status": CoverStatus.ACTIVE.value}  # fmt: skip
    statement = (
        insert(Cover)
        .values(driver_id=driver_id, **values)
        .on_conflict_do_update(
            index_elements=[Cover.driver_id], set_={**values, "updated_at": text("now()")},
            where=Cover.partner_id == partner_id if only_over_partners_own else None,
        )
        .returning(Cover.driver_id)
    )  # fmt: skip
    return (await session.execute(statement)).first() is not None


async def event(
    session: AsyncSession, driver_id: UUID, type_: CoverEventType, renews_on: date | None = None
) -> CoverEvent | None:
    """The event of this type answering this renewal date (or, without a date, the newest of this type)."""
    query = select(CoverEvent).where(CoverEvent.driver_id == driver_id, CoverEvent.type == type_)
    if renews_on is not None:
        query = query.where(CoverEvent.renews_on == renews_on)
    result = await session.execute(query.order_by(CoverEvent.id.desc()).limit(1))
    return result.scalar_one_or_none()


async def events(session: AsyncSession, driver_id: UUID, limit: int, after: int | None) -> list[CoverEvent]:
    """The driver's cover events, newest first."""
    query = select(CoverEvent).where(CoverEvent.driver_id == driver_id)
    if after is not None:
        query = query.where(CoverEvent.id < after)
    return list((await session.execute(query.order_by(CoverEvent.id.desc()).limit(limit))).scalars())


async def add_event(
    session: AsyncSession, driver_id: UUID, type_: CoverEventType, at: datetime, renews_on: date
) -> CoverEvent:
    row = CoverEvent(driver_id=driver_id, type=type_, at=at, renews_on=renews_on)
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class Due:
    driver_id: UUID
    renews_on: date
    renewed: bool


DUE_SQL = text(
    """
    SELECT DISTINCT ON (driver_id) driver_id, renews_on, renewed
    FROM (
        SELECT driver_id, renews_on, bool_or(type = :renewed) AS renewed
        FROM cover_events
        WHERE renews_on >= :first AND renews_on <= :last
        GROUP BY driver_id, renews_on
        UNION ALL
        SELECT c.driver_id, c.renews_on, false
        FROM covers c
        WHERE c.renews_on >= :first AND c.renews_on <= :last AND c.renews_on < :today
          AND NOT EXISTS (SELECT 1 FROM cover_events e WHERE e.driver_id = c.driver_id AND e.renews_on = c.renews_on)
    ) due
    ORDER BY driver_id, renews_on DESC
    """
)


async def due_renewals(session: AsyncSession, first: date, last: date, today: date) -> list[Due]:
    """Per driver, his latest renewal date in [first, last] that is decided: renewed or lapsed by an event, or
    passed (before today) without one, which counts as not renewed."""
    rows = await session.execute(
        DUE_SQL, {"first": first, "last": last, "today": today, "renewed": CoverEventType.RENEWED.value}
    )
    return [Due(r.driver_id, r.renews_on, bool(r.renewed)) for r in rows]


async def covers_renewing(session: AsyncSession, after: date, until: date) -> list[Cover]:
    """Active covers renewing in (after, until] whose renewal date has no churn call yet."""
    query = (
        select(Cover)
        .where(Cover.status == CoverStatus.ACTIVE, Cover.renews_on > after, Cover.renews_on <= until)
        .where(
            ~select(ChurnCall.driver_id)
            .where(ChurnCall.driver_id == Cover.driver_id, ChurnCall.renews_on == Cover.renews_on)
            .exists()
        )
        .order_by(Cover.renews_on, Cover.driver_id)
    )
    return list((await session.execute(query)).scalars())


async def claim_churn_call(session: AsyncSession, driver_id: UUID, renews_on: date, risks: Sequence[str]) -> bool:
    """Reserves the one call of this renewal date; False if another round has it (the key decides)."""
    statement = (
        insert(ChurnCall)
        .values(driver_id=driver_id, renews_on=renews_on, followup_id=None, risks=list(risks))
        .on_conflict_do_nothing()
        .returning(ChurnCall.driver_id)
    )
    return (await session.execute(statement)).first() is not None


async def record_churn_case(session: AsyncSession, driver_id: UUID, renews_on: date, followup_id: UUID) -> None:
    call = await session.get(ChurnCall, (driver_id, renews_on))
    assert call is not None
    call.followup_id = followup_id
    await session.flush()


async def churn_calls(session: AsyncSession, driver_id: UUID) -> list[ChurnCall]:
    result = await session.execute(
        select(ChurnCall).where(ChurnCall.driver_id == driver_id).order_by(ChurnCall.renews_on.desc())
    )
    return list(result.scalars())
