from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request, status
from pydantic import BaseModel

from app.auth.tokens import JwtTokens, Principal
from app.db import DbSession
from app.enums import Role
from app.errors import NotFound
from app.openapi import problems
from app.schemas import Name, Phone, RequestModel
from app.technicians import repository as technicians
from app.users import repository as users

router = APIRouter(prefix="/v1/dev", tags=["development"])


class DevTokenRequest(RequestModel):
    role: Literal["driver", "operator", "technician"]
    technician_id: UUID | None = None
    name: Name | None = None
    phone: Phone | None = None  # a driver's, as Firebase would give it


class DevTokenResponse(BaseModel):
    token: str
    user_id: UUID


@router.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=DevTokenResponse, responses=problems(404))
async def issue_dev_token(body: DevTokenRequest, session: DbSession, request: Request) -> DevTokenResponse:
    """Development only: mounted when TRUSTLOOP_DEV_AUTH=1."""
    tokens: JwtTokens = request.app.state.tokens
    if body.role == "technician":
        if body.technician_id is None or await technicians.get(session, body.technician_id) is None:
            raise NotFound("No such technician.")
        user_id = body.technician_id
    else:
        user_id = (await users.create(session, Role(body.role), body.name, phone=body.phone)).id
    return DevTokenResponse(
        token=tokens.issue(Principal(user_id=user_id, role=Role(body.role))),
        user_id=user_id,
    )
