from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.partners.models import Partner, PartnerKey, PartnerMember
from app.schemas import phone_key


async def get(session: AsyncSession, partner_id: UUID) -> Partner | None:
    return await session.get(Partner, partner_id)


async def page(session: AsyncSession, limit: int, after: tuple[datetime, UUID] | None) -> list[Partner]:
    query = select(Partner).order_by(Partner.created_at.desc(), Partner.id.desc()).limit(limit)
    if after is not None:
        query = query.where((Partner.created_at, Partner.id) < after)  # type: ignore[operator]
    return list((await session.execute(query)).scalars())


async def keys_of(session: AsyncSession, partner_ids: Sequence[UUID]) -> list[PartnerKey]:
    found = await session.execute(
        select(PartnerKey).where(PartnerKey.partner_id.in_(partner_ids)).order_by(PartnerKey.created_at)
    )
    return list(found.scalars())


async def partner_of_key(session: AsyncSession, key_hash: str) -> UUID | None:
    found = await session.execute(
        select(PartnerKey.partner_id).where(PartnerKey.key_hash == key_hash, PartnerKey.revoked_at.is_(None))
    )
    return found.scalar_one_or_none()


async def revoke_key(session: AsyncSession, partner_id: UUID, key_id: UUID, at: datetime) -> bool:
    revoked = await session.execute(
        update(PartnerKey)
        .where(PartnerKey.id == key_id, PartnerKey.partner_id == partner_id)
        .values(revoked_at=func.coalesce(PartnerKey.revoked_at, at))
        .returning(PartnerKey.id)
    )
    return revoked.first() is not None


async def member_driver(session: AsyncSession, partner_id: UUID, phone: str) -> UUID | None:
    """The driver account of the partner's member with this number, however it is written."""
    found = await session.execute(
        select(PartnerMember.driver_id).where(
            PartnerMember.partner_id == partner_id, PartnerMember.phone == phone_key(phone)
        )
    )
    return found.scalar_one_or_none()


async def remember_member(session: AsyncSession, partner_id: UUID, phone: str, driver_id: UUID) -> UUID:
    """The member's driver account; when two orders for a new member race, the first one's account wins."""
    await session.execute(
        insert(PartnerMember)
        .values(partner_id=partner_id, phone=phone_key(phone), driver_id=driver_id)
        .on_conflict_do_nothing(index_elements=["partner_id", "phone"])
    )
    kept = await member_driver(session, partner_id, phone)
    assert kept is not None
    return kept
