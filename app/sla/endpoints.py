from fastapi import APIRouter

from app.auth.dependencies import OperatorUser
from app.db import DbSession
from app.orders.models import OrderStatus
from app.pagination import Cursor, Limit
from app.schemas import Page
from app.sla import service
from app.sla.schemas import SlaBoard, SlaItem

router = APIRouter(tags=["operations"])


@router.get("/v1/ops/sla", response_model=SlaBoard)
async def sla_board(session: DbSession, _: OperatorUser) -> SlaBoard:
    return await service.board(session)


@router.get("/v1/ops/orders", response_model=Page[SlaItem])
async def list_orders(
    session: DbSession, _: OperatorUser, status: OrderStatus | None = None, at_risk: bool | None = None,
    limit: Limit = 50, cursor: Cursor = None,
) -> Page[SlaItem]:  # fmt: skip
    """Orders with their SLA state, newest first."""
    return await service.list_orders(session, status, at_risk, limit, cursor)
