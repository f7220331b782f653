from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import AnyUser
from app.db import DbSession
from notifications import service
from notifications.schemas import DeviceRead, DeviceRegister

router = APIRouter(prefix="/v1/devices", tags=["notifications"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DeviceRead)
async def register_device(body: DeviceRegister, session: DbSession, user: AnyUser) -> JSONResponse:
    device, created = await service.register_device(session, user, body)
    return JSONResponse(device.model_dump(mode="json"), status_code=201 if created else 200)


@router.delete("/{token}", status_code=status.HTTP_204_NO_CONTENT)
async def unregister_device(token: str, session: DbSession, user: AnyUser) -> Response:
    await service.unregister_device(session, user, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
