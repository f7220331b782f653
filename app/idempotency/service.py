import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.errors import InvalidInput
from app.idempotency.models import IdempotencyKey


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
    """Claims the key for this request, or returns the response stored for it.

    A concurrent request with the same key waits on the unique index until the first commits,
    then sees its stored response.
    """
    expired_before = clock.now() - timedelta(seconds=ttl_s)
    await session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at < expired_before,
        )
    )
    inserted = await session.execute(
        insert(IdempotencyKey)
        .values(user_id=user_id, key=key, scope=scope, request_hash=fingerprint)
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.key)
    )
    if inserted.first() is not None:
        return None
    stored = (
        await session.execute(
            select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        )
    ).scalar_one()
    if stored.scope != scope or stored.request_hash != fingerprint:
        raise InvalidInput("This Idempotency-Key was already used with a different request.")
    assert stored.response_status is not None
    return StoredResponse(status=stored.response_status, body=stored.response_body)


async def store_response(session: AsyncSession, user_id: UUID, key: str, status: int, body: Any) -> None:
    stored = await session.get(IdempotencyKey, (user_id, key))
    assert stored is not None
    stored.response_status = status
    stored.response_body = body


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
    await store_response(session, user_id, key, status, body)
    return JSONResponse(body, status_code=status)
