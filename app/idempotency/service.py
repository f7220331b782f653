import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.errors import InvalidInput
from app.idempotency import repository


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: Any


def request_fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(
    session: AsyncSession,
    user_id: UUID,
    key: str,
    scope: str,
    fingerprint: str,
    ttl_s: int,
) -> StoredResponse | None:
    """Claims the key for this request, or returns the response stored for it."""
    stored = await repository.claim(session, user_id, key, scope, fingerprint, clock.now() - timedelta(seconds=ttl_s))
    if stored is None:
        return None
    if stored.scope != scope or stored.request_hash != fingerprint:
        raise InvalidInput("This Idempotency-Key was already used with a different request.")
    assert stored.response_status is not None
    return StoredResponse(status=stored.response_status, body=stored.response_body)


async def respond_once(
    session: AsyncSession,
    user_id: UUID,
    key: str | None,
    scope: str,
    request_body: BaseModel,
    ttl_s: int,
    create: Callable[[], Awaitable[BaseModel]],
    status: int = 201,
) -> JSONResponse:
    """Runs `create` once per Idempotency-Key: a retry with the same key and body gets the first response
    again (same status, same body); the same key with another body is 422. Without a key, just creates."""
    if key is None:
        return JSONResponse((await create()).model_dump(mode="json"), status_code=status)
    stored = await claim(session, user_id, key, scope, request_fingerprint(request_body.model_dump(mode="json")), ttl_s)
    if stored is not None:
        return JSONResponse(stored.body, status_code=stored.status)
    body = (await create()).model_dump(mode="json")
    await repository.store_response(session, user_id, key, status, body)
    return JSONResponse(body, status_code=status)
