from datetime import datetime

from sqlalchemy import case
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.limits.models import RateWindow


async def count(session: AsyncSession, key: str, window_start: datetime) -> int:
    """This request's number in the key's window (a new window starts again at 1)."""
    statement = insert(RateWindow).values(key=key, window_start=window_start, count=1)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[RateWindow.key],
            set_={
                "count": case(
                    (RateWindow.window_start == statement.excluded.window_start, RateWindow.count + 1), else_=1
                ),
                "window_start": statement.excluded.window_start,
            },
        ).returning(RateWindow.count)
    )
    return int(result.scalar_one())
