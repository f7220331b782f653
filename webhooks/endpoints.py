from uuid import UUID

from fastapi import APIRouter, Response, status

from app.auth.dependencies import OperatorUser, PartnerUser
from app.db import DbSession
from app.openapi import problems
from app.pagination import Cursor, Limit
from app.partners import service as partners
from app.schemas import Page
from webhooks import service
from webhooks.schemas import DeliveryRead

router = APIRouter(tags=["partners"])


@router.get("/v1/partner/webhook-deliveries", response_model=Page[DeliveryRead])
async def own_deliveries(
    session: DbSession, partner: PartnerUser, limit: Limit = 50, cursor: Cursor = None, order_id: UUID | None = None
) -> Page[DeliveryRead]:
    """The partner's webhook events, newest first, with every attempt to deliver each."""
    return await service.deliveries(session, partner.user_id, limit, cursor, order_id)


@router.post("/v1/partner/webhook-deliveries/{delivery_id}/replay", status_code=status.HTTP_202_ACCEPTED,
             responses=problems(404))  # fmt: skip
async def replay_own(delivery_id: UUID, session: DbSession, partner: PartnerUser) -> Response:
    """Sends the event again with the same id (delivered, failing or dead alike)."""
    await service.replay(session, partner.user_id, delivery_id)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.get("/v1/ops/partners/{partner_id}/webhook-deliveries", response_model=Page[DeliveryRead],
            responses=problems(404))  # fmt: skip
async def partner_deliveries(
    partner_id: UUID, session: DbSession, _: OperatorUser, limit: Limit = 50, cursor: Cursor = None,
    order_id: UUID | None = None,
) -> Page[DeliveryRead]:  # fmt: skip
    await partners.read_partner(session, partner_id)  # 404 for an unknown partner
    return await service.deliveries(session, partner_id, limit, cursor, order_id)


@router.post("/v1/ops/partners/{partner_id}/webhook-deliveries/{delivery_id}/replay",
             status_code=status.HTTP_202_ACCEPTED, responses=problems(404))  # fmt: skip
async def replay_for_partner(partner_id: UUID, delivery_id: UUID, session: DbSession, _: OperatorUser) -> Response:
    await service.replay(session, partner_id, delivery_id)
    return Response(status_code=status.HTTP_202_ACCEPTED)
