from uuid import UUID

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import AnyUser, DriverOrOperator, DriverUser, OperatorUser, TechnicianUser
from app.db import DbSession
from app.dependencies import AppSettings, Osrm
from app.idempotency import service as idempotency
from app.idempotency.dependencies import IdempotencyKeyHeader
from app.limits.dependencies import OrderRequestAllowance
from app.openapi import OpenOrderProblem, problems
from app.orders import operators, service
from app.orders.schemas import (
    NoteCreate,
    OperatorOrderRead,
    OrderCancel,
    OrderCreate,
    OrderRead,
    StatusChange,
    StatusOverride,
)
from app.pagination import Cursor, Limit
from app.schemas import Page

router = APIRouter(prefix="/v1/orders", tags=["orders"])
ops_router = APIRouter(prefix="/v1/ops/orders", tags=["operations"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderRead,
    responses=problems(429, shaped={409: OpenOrderProblem}),
)
async def create_order(
    body: OrderCreate,
    session: DbSession,
    driver: DriverUser,
    settings: AppSettings,
    osrm: Osrm,
    count_order_request: OrderRequestAllowance,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """A driver asks for help. Refused (422) outside the served regions (`type` …/outside-service-area) or
    with no road within reach (…/no-road-nearby); nothing is stored then. 409 (…/open-order) while he has an open
    order: `open_order_id` names it."""

    async def create() -> OrderRead:
        await count_order_request()
        return await service.create_order(session, osrm, driver, body)

    return await idempotency.respond_once(
        session, driver.user_id, idempotency_key, "orders.create", body, settings.idempotency_ttl_s, create
    )


@router.get("", response_model=Page[OrderRead])
async def list_orders(
    session: DbSession, driver: DriverUser, limit: Limit = 50, cursor: Cursor = None
) -> Page[OrderRead]:
    return await service.list_orders(session, driver, limit, cursor)


@router.get("/{order_id}", response_model=OrderRead, responses=problems(404))
async def read_order(order_id: UUID, session: DbSession, user: AnyUser) -> OrderRead:
    return await service.read_order(session, user, order_id)


@router.post("/{order_id}/cancel", response_model=OrderRead, responses=problems(404, 409))
async def cancel_order(
    order_id: UUID, session: DbSession, user: DriverOrOperator, body: OrderCancel | None = None
) -> OrderRead:
    """Calls the request off. An operator says why with a `cause`, which the driver's and the technician's pushes
    word in their own language; the free-text `reason` stays on the order for the record and is never pushed.
    A driver's own cancellation always has the cause `driver_asked`. 409 once the technician is at work or the
    order has ended."""
    return await service.cancel_order(session, user, order_id, body or OrderCancel())


@router.post("/{order_id}/status", response_model=OrderRead, responses=problems(404, 409))
async def report_status(
    order_id: UUID, body: StatusChange, session: DbSession, technician: TechnicianUser
) -> OrderRead:
    """The technician's progress. `arrived` needs a fresh position near the driver."""
    return await service.report_status(session, technician, order_id, body)


@ops_router.post("/{order_id}/status", response_model=OrderRead, responses=problems(404, 409))
async def override_status(
    order_id: UUID, body: StatusOverride, session: DbSession, operator: OperatorUser
) -> OrderRead:
    """An operator records the technician's step for him (no position check), with the reason."""
    change = StatusChange(status=body.status, resolution=body.resolution)
    return await service.report_status(session, operator, order_id, change, override=body.reason)


@ops_router.get("/{order_id}", response_model=OperatorOrderRead, responses=problems(404))
async def read_for_operator(order_id: UUID, session: DbSession, _: OperatorUser) -> OperatorOrderRead:
    """The order with the driver's name and phone, its SLA state and why, and the operators' notes."""
    return await operators.read(session, order_id)


@ops_router.post(
    "/{order_id}/notes", status_code=status.HTTP_201_CREATED, response_model=OperatorOrderRead,
    responses=problems(404),
)  # fmt: skip
async def add_note(order_id: UUID, body: NoteCreate, session: DbSession, operator: OperatorUser) -> OperatorOrderRead:
    """A note on the order's timeline, signed by the operator."""
    return await operators.add_note(session, operator, order_id, body.text)
