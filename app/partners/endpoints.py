"""Operators manage partners and their keys; partners place, read, list and cancel their members' orders."""

from uuid import UUID

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import OperatorUser, PartnerUser
from app.db import DbSession
from app.dependencies import AppSettings, Osrm
from app.idempotency import service as idempotency
from app.idempotency.dependencies import IdempotencyKeyHeader
from app.limits.dependencies import OrderRequestAllowance
from app.openapi import OpenOrderProblem, problems
from app.orders import service as orders
from app.orders.schemas import OrderCancel, OrderRead
from app.pagination import Cursor, Limit
from app.partners import service
from app.partners.schemas import (
    KeyIssued,
    PartnerCreate,
    PartnerCreated,
    PartnerOrderCreate,
    PartnerRead,
    PartnerUpdate,
)
from app.schemas import Page

ops_router = APIRouter(prefix="/v1/ops/partners", tags=["partners"])
router = APIRouter(prefix="/v1/partner", tags=["partners"])


@ops_router.post("", status_code=status.HTTP_201_CREATED, response_model=PartnerCreated)
async def create_partner(
    body: PartnerCreate, session: DbSession, settings: AppSettings, _: OperatorUser
) -> PartnerCreated:
    """A new partner with its first API key and its webhook signing secret: both are shown only now."""
    return await service.create_partner(session, body, private_targets=settings.webhooks_reach_private)


@ops_router.get("", response_model=Page[PartnerRead])
async def list_partners(
    session: DbSession, _: OperatorUser, limit: Limit = 50, cursor: Cursor = None
) -> Page[PartnerRead]:
    return await service.list_partners(session, limit, cursor)


@ops_router.get("/{partner_id}", response_model=PartnerRead, responses=problems(404))
async def read_partner(partner_id: UUID, session: DbSession, _: OperatorUser) -> PartnerRead:
    return await service.read_partner(session, partner_id)


@ops_router.patch("/{partner_id}", response_model=PartnerRead, responses=problems(404))
async def update_partner(
    partner_id: UUID, body: PartnerUpdate, session: DbSession, settings: AppSettings, _: OperatorUser
) -> PartnerRead:
    """Changes where the partner's webhooks go (events already written keep their address)."""
    return await service.update_partner(session, partner_id, body, private_targets=settings.webhooks_reach_private)


@ops_router.post("/{partner_id}/keys", status_code=status.HTTP_201_CREATED, response_model=KeyIssued,
                 responses=problems(404))  # fmt: skip
async def issue_key(partner_id: UUID, session: DbSession, _: OperatorUser) -> KeyIssued:
    """Another active key, so that the partner can rotate: shown only now."""
    return await service.issue_key(session, partner_id)


@ops_router.delete("/{partner_id}/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(404))
async def revoke_key(partner_id: UUID, key_id: UUID, session: DbSession, _: OperatorUser) -> Response:
    """Revoked at once: the next request with it is 401."""
    await service.revoke_key(session, partner_id, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderRead,
    responses=problems(429, shaped={409: OpenOrderProblem}),
)
async def create_member_order(
    body: PartnerOrderCreate,
    session: DbSession,
    partner: PartnerUser,
    settings: AppSettings,
    osrm: Osrm,
    count_order_request: OrderRequestAllowance,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Help for a member, who may have no app. Refused (422) outside the served area or the contract's regions
    and services; 409 (…/open-order) while the member has an open order: `open_order_id` and
    `partner_reference` name it. A member is his phone number, however it is written. Honours `Idempotency-Key`."""

    async def place() -> OrderRead:
        await count_order_request()
        return await service.place_member_order(session, osrm, partner, body)

    return await idempotency.respond_once(
        session, partner.user_id, idempotency_key, "partner.orders.create", body, settings.idempotency_ttl_s, place
    )


@router.get("/orders", response_model=Page[OrderRead])
async def list_member_orders(
    session: DbSession, partner: PartnerUser, limit: Limit = 50, cursor: Cursor = None
) -> Page[OrderRead]:
    return await orders.list_orders(session, partner, limit, cursor)


@router.get("/orders/{order_id}", response_model=OrderRead, responses=problems(404))
async def read_member_order(order_id: UUID, session: DbSession, partner: PartnerUser) -> OrderRead:
    return await orders.read_order(session, partner, order_id)


@router.post("/orders/{order_id}/cancel", response_model=OrderRead, responses=problems(404, 409))
async def cancel_member_order(
    order_id: UUID, session: DbSession, partner: PartnerUser, body: OrderCancel | None = None
) -> OrderRead:
    """Calls the member's request off. Give a `cause`: the member's and the technician's pushes word it in their
    own language. The free-text `reason` stays on the order for your records and is never pushed. Another
    partner's order: 404; one whose technician is at work or that has ended: 409."""
    return await orders.cancel_order(session, partner, order_id, body or OrderCancel())
