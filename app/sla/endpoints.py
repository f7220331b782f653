from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Query

from app.auth.dependencies import OperatorUser
from app.db import DbSession
from app.enums import Service
from app.orders.models import OrderStatus
from app.pagination import BulkLimit, Cursor
from app.regions.dependencies import RegionFilter
from app.schemas import Page
from app.sla import service
from app.sla.repository import OrderFilter
from app.sla.schemas import SlaBoard, SlaItem

router = APIRouter(tags=["operations"])


@router.get("/v1/ops/sla", response_model=SlaBoard)
async def sla_board(session: DbSession, _: OperatorUser, region: RegionFilter) -> SlaBoard:
    """The open orders at risk and breached, the longest in that state first; `region` narrows them to one
    region's."""
    return await service.board(session, region)


@router.get("/v1/ops/orders", response_model=Page[SlaItem])
async def list_orders(
    session: DbSession, _: OperatorUser, region: RegionFilter, status: OrderStatus | None = None, at_risk: bool | None = None,
    open: bool | None = None, sla: Literal["ok", "at_risk", "breached"] | None = None,
    service_: Service | None = Query(None, alias="service"), technician_id: UUID | None = None,
    driver_phone: str | None = Query(None, max_length=40), order_id: UUID | None = None,
    order_id_prefix: str | None = Query(None, pattern="^[0-9a-fA-F]{4,32}$"),
    limit: BulkLimit = 50, cursor: Cursor = None,
) -> Page[SlaItem]:  # fmt: skip
    """Orders with their SLA state and driver, newest first; narrowed by status (or `open`), SLA state,
    service, technician, region, the driver's phone (any part of its digits), the order's id or the first hex
    digits of it (at least 4, as the console shows an id: `be8b6101`); up to 1,000 a page."""
    statuses = frozenset({status}) if status else OrderStatus.open() if open else None
    digits = "".join(c for c in driver_phone or "" if c.isdigit()) or None
    where = OrderFilter(
        statuses=statuses, flagged=at_risk, sla_state=sla, service=service_, technician_id=technician_id,
        driver_phone_digits=digits, order_id=order_id, order_id_prefix=order_id_prefix, region=region,
    )  # fmt: skip
    return await service.list_orders(session, where, limit, cursor)
