from uuid import UUID

from fastapi import APIRouter, status

from app.auth.dependencies import OperatorUser, TechnicianUser
from app.db import DbSession
from app.dependencies import AppSettings, Osrm
from app.openapi import problems
from app.orders.schemas import ManualAssign, OrderRead
from app.pagination import Cursor, Limit
from app.schemas import Page
from dispatch import redispatch, service
from dispatch.promises import PromisePolicy
from dispatch.schemas import DecisionRead, OfferCreate, OfferDecline, OfferRead, TechnicianChoices

router = APIRouter(tags=["dispatch"])


@router.get("/v1/technicians/me/offers", response_model=Page[OfferRead])
async def list_offers(
    session: DbSession, osrm: Osrm, technician: TechnicianUser, limit: Limit = 50, cursor: Cursor = None
) -> Page[OfferRead]:
    """His open offers, the first to expire first."""
    return await service.list_pending(session, osrm, technician, limit, cursor)


@router.post("/v1/offers/{offer_id}/accept", response_model=OrderRead, responses=problems(404, 409))
async def accept_offer(
    offer_id: UUID,
    session: DbSession,
    osrm: Osrm,
    settings: AppSettings,
    technician: TechnicianUser,
) -> OrderRead:
    return await service.accept(session, osrm, PromisePolicy.from_settings(settings), technician, offer_id)


@router.post("/v1/offers/{offer_id}/decline", response_model=OfferRead, responses=problems(404, 409))
async def decline_offer(
    offer_id: UUID,
    session: DbSession,
    technician: TechnicianUser,
    body: OfferDecline | None = None,
) -> OfferRead:
    return await service.decline(session, technician, offer_id, body.reason if body else None)


@router.post(
    "/v1/ops/orders/{order_id}/offers",
    status_code=status.HTTP_201_CREATED,
    response_model=OfferRead,
    responses=problems(404, 409),
)
async def create_offer(
    order_id: UUID,
    body: OfferCreate,
    session: DbSession,
    osrm: Osrm,
    settings: AppSettings,
    _: OperatorUser,
) -> OfferRead:
    return await service.create_offer(session, osrm, settings, order_id, body)


@router.post("/v1/ops/orders/{order_id}/assign", response_model=OrderRead, responses=problems(404, 409))
async def manual_assign(
    order_id: UUID,
    body: ManualAssign,
    session: DbSession,
    osrm: Osrm,
    settings: AppSettings,
    operator: OperatorUser,
) -> OrderRead:
    return await service.manual_assign(session, osrm, settings, operator, order_id, body.technician_id)


@router.get("/v1/ops/orders/{order_id}/technicians", response_model=TechnicianChoices, responses=problems(404))
async def technician_choices(
    order_id: UUID, session: DbSession, osrm: Osrm, settings: AppSettings, _: OperatorUser
) -> TechnicianChoices:
    """Who could take the order now, soonest by road first (the 25 nearest in a straight line, ranked by road):
    online, skilled, serving its region, not on a job, not blocked by its driver. Empty once it cannot be
    offered or assigned any more."""
    return await service.choices(session, osrm, settings, order_id)


@router.get("/v1/ops/orders/{order_id}/decision", response_model=DecisionRead, responses=problems(404))
async def explain_decision(order_id: UUID, session: DbSession, _: OperatorUser) -> DecisionRead:
    return await service.explain(session, order_id)


@router.post("/v1/ops/orders/{order_id}/redispatch", response_model=OrderRead, responses=problems(404, 409))
async def confirm_redispatch(
    order_id: UUID,
    session: DbSession,
    osrm: Osrm,
    settings: AppSettings,
    operator: OperatorUser,
) -> OrderRead:
    """Confirms the re-dispatch offered when the technician stalled or went dark: the job goes to the free
    technician nearest by road. 409 when none is on offer or nobody is free."""
    return await redispatch.redispatch(session, osrm, settings, operator.user_id, order_id)
