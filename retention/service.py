"""Drivers' cover and its renewals, and retention by the experience of the last job."""

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.errors import Conflict, InvalidInput, NotFound
from app.orders import repository as orders
from app.orders.repository import LastJob
from app.pagination import decode_sequence_cursor, encode_sequence_cursor
from app.partners import repository as partners
from app.schemas import Page
from app.sla.rules import SlaPolicy
from feedback import commenting
from retention import cohorts, repository
from retention.cohorts import DueRenewal, Experience
from retention.models import Cover, CoverEventType, CoverStatus
from retention.schemas import (
    LATEST_DAY,
    CohortRates,
    CoverEventCreate,
    CoverEventItem,
    CoverEventRead,
    CoverRead,
    CoverSet,
    MemberCoverEventCreate,
    MemberCoverSet,
    RetentionRead,
)

DEFAULT_PERIOD = timedelta(days=90)


def start_of(day: date) -> datetime:
    """A date as the moment it begins (UTC): a renewal date is due from then."""
    return datetime.combine(day, time.min, tzinfo=UTC)


async def set_cover(
    session: AsyncSession, driver_id: UUID, data: CoverSet, *, only_over_partners_own: bool = False
) -> CoverRead:
    if data.renews_on <= data.starts_on:
        raise InvalidInput("`renews_on` must be after `starts_on`.")
    if not await repository.driver_exists(session, driver_id):
        raise NotFound("No such driver.")
    if data.partner_id is not None and await partners.get(session, data.partner_id) is None:
        raise NotFound("No such partner.")
    if not await repository.upsert_cover(
        session, driver_id, data.plan, data.starts_on, data.renews_on, data.partner_id,
        only_over_partners_own=only_over_partners_own,
    ):  # fmt: skip
        raise Conflict("This member's cover is held by someone else.")
    return await read_cover(session, driver_id)


async def set_member_cover(session: AsyncSession, partner_id: UUID, data: MemberCoverSet) -> CoverRead:
    """A partner covers its own member (a phone it ordered help for); a cover another partner or the
    operators hold is theirs (409), even one they set a moment before."""
    driver_id = await _member(session, partner_id, data.phone)
    body = CoverSet(plan=data.plan, starts_on=data.starts_on, renews_on=data.renews_on, partner_id=partner_id)
    return await set_cover(session, driver_id, body, only_over_partners_own=True)


async def record_member_event(session: AsyncSession, partner_id: UUID, data: MemberCoverEventCreate) -> CoverEventRead:
    driver_id = await _member(session, partner_id, data.phone)
    held = await repository.cover_for_update(session, driver_id)  # stays the partner's while the event is recorded
    if held is None or held.partner_id != partner_id:
        raise NotFound("This member has no cover of yours.")
    return await record_event(
        session, driver_id, CoverEventCreate(type=data.type, at=data.at, renews_on=data.renews_on)
    )


async def _member(session: AsyncSession, partner_id: UUID, phone: str) -> UUID:
    driver_id = await partners.member_driver(session, partner_id, phone)
    if driver_id is None:
        raise NotFound("No member of yours has this phone.")
    return driver_id


async def read_cover(session: AsyncSession, driver_id: UUID) -> CoverRead:
    found = await repository.cover(session, driver_id)
    if found is None:
        raise NotFound("This driver has no cover.")
    await session.refresh(found)
    return CoverRead.model_validate(found)


async def record_event(session: AsyncSession, driver_id: UUID, data: CoverEventCreate) -> CoverEventRead:
    """A renewal moves the renewal date one term on and makes the cover active; a lapse marks it lapsed. The
    same type for the same renewal date is recorded once: a retry returns the first one, unchanged."""
    cover = await repository.cover_for_update(session, driver_id)
    if cover is None:
        raise NotFound("This driver has no cover.")
    type_ = CoverEventType(data.type)
    answers = data.renews_on or cover.renews_on
    earlier = await repository.event(session, driver_id, type_, answers)
    if earlier is None and data.renews_on is None and type_ is CoverEventType.RENEWED:
        # A retry without a date, after the first one moved the date on: the same report, not a new renewal.
        newest = await repository.event(session, driver_id, type_)
        earlier = newest if newest is not None and newest.at == data.at else None
    if earlier is not None:
        return _event_read(earlier.id, earlier.type.value, earlier.at, earlier.renews_on, False, cover)
    if answers > cover.renews_on:
        raise InvalidInput("That renewal date is not due yet: the cover renews on " + cover.renews_on.isoformat())
    if (
        type_ is CoverEventType.RENEWED
        and answers == cover.renews_on
        and (cover.renews_on >= LATEST_DAY or cohorts.next_renewal(cover.starts_on, cover.renews_on) > LATEST_DAY)
    ):
        raise InvalidInput(f"A renewal past {LATEST_DAY.isoformat()} is not something we can record.")
    row = await repository.add_event(session, driver_id, type_, data.at, answers)
    if type_ is CoverEventType.RENEWED and answers == cover.renews_on:
        cover.starts_on, cover.renews_on = cover.renews_on, cohorts.next_renewal(cover.starts_on, cover.renews_on)
        cover.status = CoverStatus.ACTIVE
    elif type_ is CoverEventType.LAPSED and answers == cover.renews_on:
        cover.status = CoverStatus.LAPSED
    await session.flush()
    await session.refresh(cover)
    return _event_read(row.id, type_.value, row.at, answers, True, cover)


def _event_read(
    event_id: int, type_: str, at: datetime, renews_on: date, created: bool, cover: Cover
) -> CoverEventRead:
    return CoverEventRead(
        id=event_id, type=type_, at=at, renews_on=renews_on, created=created, cover=CoverRead.model_validate(cover)
    )


async def experiences(
    session: AsyncSession, policy: SlaPolicy, before: dict[UUID, datetime]
) -> dict[UUID, tuple[LastJob, Experience]]:
    """Each driver's last finished job before his moment, and how it went for him."""
    jobs = await orders.last_jobs(session, before)
    ratings = await commenting.ratings_of_orders(session, [job.order_id for job in jobs.values()])
    found = {}
    for driver_id, job in jobs.items():
        rating = ratings.get(job.order_id)
        found[driver_id] = (
            job,
            Experience(
                order_id=job.order_id,
                promise_kept=cohorts.promise_kept(job.arrived_at, job.promised_at,
                                                  policy.arrival_tolerance(job.service)),
                csat=rating.csat if rating else None, nps=rating.nps if rating else None,
                sentiment=rating.sentiment if rating else None,
            ),
        )  # fmt: skip
    return found


async def retention(
    session: AsyncSession, policy: SlaPolicy, since: datetime | None, until: datetime | None
) -> RetentionRead:
    """Renewal and repeat use of the drivers whose renewal date fell in [since, until), by cohort."""
    until = until or clock.now()
    since = since or until - DEFAULT_PERIOD
    if since >= until:
        raise InvalidInput("`from` must be before `to`.")
    first = since.astimezone(UTC).date() + timedelta(days=0 if since.astimezone(UTC).time() == time.min else 1)
    last = (until.astimezone(UTC) - timedelta(microseconds=1)).date()
    due = await repository.due_renewals(session, first, last, clock.now().astimezone(UTC).date())
    lived = await experiences(session, policy, {d.driver_id: start_of(d.renews_on) for d in due})
    renewals = []
    for d in due:
        job, experience = lived.get(d.driver_id, (None, None))
        renewals.append(DueRenewal(d.driver_id, d.renews_on, d.renewed, experience,
                                   ordered_again=job.ordered_again if job else False))  # fmt: skip
    figures = cohorts.retention(renewals)
    return RetentionRead(
        since=since, until=until, overall=_rates(figures.overall),
        cohorts={name: {label: _rates(r) for label, r in group.items()} for name, group in figures.cohorts.items()},
    )  # fmt: skip


def _rates(rates: cohorts.Rates) -> CohortRates:
    return CohortRates(drivers=rates.drivers, renewal_rate=rates.renewal_rate, repeat_rate=rates.repeat_rate)


async def list_events(session: AsyncSession, driver_id: UUID, limit: int, cursor: str | None) -> Page[CoverEventItem]:
    """The driver's renewals and lapses, newest first."""
    if await repository.cover(session, driver_id) is None:
        raise NotFound("This driver has no cover.")
    after = decode_sequence_cursor(cursor) if cursor else None
    found = await repository.events(session, driver_id, limit + 1, after)
    return Page(
        items=[CoverEventItem.model_validate(e) for e in found[:limit]],
        next_cursor=encode_sequence_cursor(found[limit - 1].id) if len(found) > limit else None,
    )
