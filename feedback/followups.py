"""The follow-up queue, worked by operators: a case is taken (everyone sees who has it), each call attempt is
recorded (the first one is the first-contact time), and it is resolved with an outcome."""

from collections.abc import Collection
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.auth.tokens import Principal
from app.errors import Conflict, NotFound
from app.pagination import decode_cursor, next_cursor
from app.schemas import Page
from feedback import repository
from feedback.models import FollowUp, FollowUpContact, FollowUpReason, FollowUpStatus
from feedback.repository import CaseRow
from feedback.schemas import ContactCreate, ContactRead, FollowUpRead, FollowUpResolve
from feedback.service import announce


async def list_follow_ups(
    session: AsyncSession, status: FollowUpStatus | None, region: str | None, limit: int, cursor: str | None
) -> Page[FollowUpRead]:
    after = decode_cursor(cursor) if cursor else None
    found = await repository.follow_ups(session, status, region, limit + 1, after)
    return Page(
        items=await present(session, [case.id for case in found[:limit]]),
        next_cursor=next_cursor(found, limit, lambda c: (c.due_at, c.id)),
    )


async def drivers_with_open_cases(
    session: AsyncSession, driver_ids: Collection[UUID], excluding: Collection[FollowUpReason] = ()
) -> set[UUID]:
    """The drivers among these with a case still unresolved (not counting the reasons excluded)."""
    return await repository.drivers_with_open_follow_ups(session, driver_ids, [r.value for r in excluding])


async def take(session: AsyncSession, operator: Principal, case_id: UUID) -> FollowUpRead:
    """The operator takes the case; taking one another operator has is a 409 (he is on it)."""
    case = await _open_case(session, case_id)
    if case.taken_by is not None and case.taken_by != operator.user_id:
        raise Conflict("Another operator has taken this follow-up.")
    if case.taken_by is None:
        case.taken_by, case.taken_at = operator.user_id, clock.now()
        await session.flush()
        await announce(session, case)
    return (await present(session, [case.id]))[0]


async def record_contact(
    session: AsyncSession, operator: Principal, case_id: UUID, data: ContactCreate
) -> FollowUpRead:
    """An attempt to reach the driver; the case is his who calls, if nobody had it."""
    case = await _open_case(session, case_id)
    contact = await repository.add_contact(session, case.id, data.outcome, data.note, operator.user_id)
    if case.first_contact_at is None:
        case.first_contact_at = contact.created_at
    if case.taken_by is None:
        case.taken_by, case.taken_at = operator.user_id, contact.created_at
    await session.flush()
    await announce(session, case)
    return (await present(session, [case.id]))[0]


async def resolve(session: AsyncSession, operator: Principal, case_id: UUID, data: FollowUpResolve) -> FollowUpRead:
    case = await repository.follow_up_for_update(session, case_id)
    if case is None:
        raise NotFound("No such follow-up.")
    if case.status is FollowUpStatus.RESOLVED:
        raise Conflict("This follow-up was already resolved.")
    case.status = FollowUpStatus.RESOLVED
    case.note = data.note
    case.outcome = data.outcome.value if data.outcome else None
    case.resolved_at = clock.now()
    case.resolved_by = operator.user_id
    if case.taken_by is None:
        case.taken_by, case.taken_at = operator.user_id, case.resolved_at
    await session.flush()
    await announce(session, case)
    return (await present(session, [case.id]))[0]


async def _open_case(session: AsyncSession, case_id: UUID) -> FollowUp:
    case = await repository.follow_up_for_update(session, case_id)
    if case is None:
        raise NotFound("No such follow-up.")
    if case.status is FollowUpStatus.RESOLVED:
        raise Conflict("This follow-up was already resolved.")
    return case


async def present(session: AsyncSession, ids: list[UUID]) -> list[FollowUpRead]:
    rows = await repository.cases(session, ids)
    attempts = await repository.contacts(session, ids)
    return [_read(rows[i], attempts[i]) for i in ids if i in rows]


def _read(row: CaseRow, attempts: list[tuple[FollowUpContact, str | None]]) -> FollowUpRead:
    case, feedback = row.case, row.feedback
    return FollowUpRead(
        id=case.id, order_id=case.order_id, driver_id=case.driver_id, technician_id=case.technician_id,
        reason=case.reason, topics=list(case.topics), risks=list(case.risks), due_at=case.due_at,
        overdue=case.status is FollowUpStatus.OPEN and case.due_at < clock.now(),
        status=case.status.value, note=case.note, created_at=case.created_at, resolved_at=case.resolved_at,
        region=row.region, driver_name=row.driver_name, driver_phone=row.driver_phone,
        csat=feedback.csat if feedback else None, nps=feedback.nps if feedback else None,
        comment=feedback.comment if feedback else None, tags=list(feedback.tags) if feedback else [],
        taken_by=case.taken_by, taken_by_name=row.taken_by_name, taken_at=case.taken_at,
        first_contact_at=case.first_contact_at, outcome=case.outcome,
        contacts=[
            ContactRead(outcome=c.outcome.value, note=c.note, at=c.created_at, by=c.by_id, by_name=name)
            for c, name in attempts
        ],
    )  # fmt: skip
