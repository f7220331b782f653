from uuid import UUID

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import AnyUser, OperatorUser
from app.db import DbSession
from app.dependencies import AppSettings
from app.openapi import problems
from app.pagination import Cursor, Limit
from app.schemas import Page
from notifications import service
from notifications.models import NotificationStatus
from notifications.schemas import DeviceRead, DeviceRegister, NotificationRead

router = APIRouter(tags=["notifications"])


@router.post(
    "/v1/devices",
    status_code=status.HTTP_201_CREATED,
    response_model=DeviceRead,
    responses={200: {"model": DeviceRead, "description": "The token was registered before: it is the caller's now."}},
)
async def register_device(body: DeviceRegister, session: DbSession, user: AnyUser) -> JSONResponse:
    device, created = await service.register_device(session, user, body)
    return JSONResponse(device.model_dump(mode="json"), status_code=201 if created else 200)


@router.delete("/v1/devices/{token}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(404))
async def unregister_device(token: str, session: DbSession, user: AnyUser) -> Response:
    await service.unregister_device(session, user, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/v1/ops/notifications", response_model=Page[NotificationRead])
async def list_notifications(
    session: DbSession,
    settings: AppSettings,
    _: OperatorUser,
    status: NotificationStatus | None = None,
    order_id: UUID | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[NotificationRead]:
    """The push outbox, newest first, with what each phone shows in each language; `order_id`: one order's."""
    return await service.list_notifications(session, status, limit, cursor, settings.timezone_of, order_id)
