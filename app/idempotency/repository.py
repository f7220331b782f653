from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.idempotency.models import IdempotencyKey


async def claim(
    session: AsyncSession, user_id: UUID, key: str, scope: str, fingerprint: str, expired_before: datetime
) -> IdempotencyKey | None:
    """Claims the key (None), or returns the row of the request that claimed it first. A concurrent request
    with the same key waits on the primary key until the first commits, then sees its row."""
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
    found = await session.execute(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    return found.scalar_one()


async def store_response(session: AsyncSession, user_id: UUID, key: str, status: int, body: Any) -> None:
    stored = await session.get(IdempotencyKey, (user_id, key))
    assert stored is not None
    stored.response_status = status
    stored.response_body = body
