"""The order as operators work on it: read with the driver's contact, the SLA state and their notes, and
notes added to its timeline."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import Principal
from app.errors import NotFound
from app.live import repository as live_repository
from app.live.schemas import StallRead
from app.orders import repository
from app.orders.models import JobEvent, Order
from app.orders.schemas import DriverContact, NoteRead, OperatorOrderRead, PromiseRead, TimelineChange
from app.orders.views import present
from app.sla import repository as sla_repository
from app.technicians import repository as technicians_repository


async def read(session: AsyncSession, order_id: UUID) -> OperatorOrderRead:
    order = await repository.get(session, order_id)
    if order is None:
        raise NotFound("No such order.")
    base = await present(session, order)
    name, phone = await repository.driver_contact(session, order.driver_id)
    state, reason = await sla_repository.state_of(session, order.id)
    stall = (await live_repository.stalls(session, [order.id])).get(order.id)
    return OperatorOrderRead(
        **base.model_dump(),
        driver=DriverContact(id=order.driver_id, name=name, phone=phone),
        sla_state=state,
        sla_reason=reason,
        stall=StallRead.of(stall.trouble, stall.since, stall.step) if stall else None,
        promise=promise_of(order),
        operator_notes=[
            NoteRead(at=note.created_at, author=author, text=note.text)
            for note, author in await repository.notes(session, order.id)
        ],
        changes=await changes_of(session, order.id),
    )


ASSIGNED_KEYS = ("technician_id", "reassigned_from")  # what an assignment's timeline entry names (orders.service)


async def changes_of(session: AsyncSession, order_id: UUID) -> list[TimelineChange]:
    """The timeline with who made each change and, on an assignment, the technicians' names."""
    changes = await repository.timeline_with_actors(session, order_id)

    def mentioned(event: JobEvent, key: str) -> UUID | None:
        technician_id = (event.data or {}).get(key)
        return UUID(technician_id) if technician_id else None

    ids = {mentioned(event, key) for event, _, _ in changes for key in ASSIGNED_KEYS}
    named = await technicians_repository.names(session, [i for i in ids if i is not None])

    def technician(event: JobEvent, key: str) -> str | None:
        technician_id = mentioned(event, key)
        return named.get(technician_id) if technician_id else None

    def said(event: JobEvent) -> str | None:
        data = event.data or {}
        return data.get("override") or data.get("reason")

    return [
        TimelineChange(
            status=event.status, at=event.created_at, by_role=role, by=name,
            technician=technician(event, "technician_id"), previous_technician=technician(event, "reassigned_from"),
            reason=said(event),
        )
        for event, role, name in changes
    ]  # fmt: skip


def promise_of(order: Order) -> PromiseRead | None:
    if order.promised_arrival_at is None or order.assigned_at is None or order.eta_raw_s is None:
        return None
    correction = order.eta_correction or 1.0
    return PromiseRead(
        promised_at=order.promised_arrival_at,
        raw_s=order.eta_raw_s,
        median_s=order.eta_raw_s * correction,
        promised_s=(order.promised_arrival_at - order.assigned_at).total_seconds(),
        correction=correction,
        quantile=order.promise_quantile,
        basis=order.promise_basis or {},
    )


async def add_note(session: AsyncSession, operator: Principal, order_id: UUID, text: str) -> OperatorOrderRead:
    if await repository.get(session, order_id) is None:
        raise NotFound("No such order.")
    await repository.add_note(session, order_id, operator.user_id, text)
    return await read(session, order_id)
