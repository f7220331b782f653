"""Per-caller limits counted in the database, so that they hold across every API process: fixed windows
per key (a driver's orders), refused with 429 and a Retry-After."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import TooManyRequests
from app.limits import repository


def rate_window(now: datetime, window_s: int) -> tuple[datetime, int]:
    """The start of the fixed window that holds `now`, and the seconds left in it."""
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_s, UTC), max(1, window_s - epoch % window_s)


async def count_request(session: AsyncSession, key: str, limit: int, window_s: int, now: datetime, what: str) -> None:
    """Counts this request against `key`'s window; 429 beyond `limit`. The count commits with the request,
    so refused and failed requests do not use up the allowance."""
    window_start, retry_after = rate_window(now, window_s)
    if await repository.count(session, key, window_start) > limit:
        raise TooManyRequests(
            f"At most {limit} {what} per {window_s // 60} minutes; try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )
