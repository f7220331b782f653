from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.models import Device


async def get_by_token_for_update(session: AsyncSession, token: str) -> Device | None:
    result = await session.execute(
        select(Device).where(Device.token == token).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def insert_if_absent(session: AsyncSession, device: Device) -> bool:
    """Inserts the device unless its token exists; True if this call inserted it."""
    result = await session.execute(
        insert(Device)
        .values(
            id=device.id,
            user_id=device.user_id,
            token=device.token,
            platform=device.platform,
            locale=device.locale,
        )
        .on_conflict_do_nothing(index_elements=[Device.token])
        .returning(Device.id)
    )
    return result.first() is not None
