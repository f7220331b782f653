from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from app import clock
from app.auth.dependencies import AnyUser
from app.db import DbSession
from app.dependencies import AppSettings
from app.enums import Role
from app.limits.service import count_request


async def _order_requests(session: DbSession, settings: AppSettings, caller: AnyUser) -> Callable[[], Awaitable[None]]:
    async def count() -> None:
        if caller.role is Role.OPERATOR:
            return  # an operator at work acts on many orders
        if caller.role is Role.PARTNER:  # orders for many members, each limited like a driver by his open order
            await count_request(
                session, f"partner-orders:{caller.user_id}", settings.partner_order_requests_per_window,
                settings.partner_order_window_s, clock.now(), "order requests",
            )  # fmt: skip
            return
        await count_request(
            session, f"orders:{caller.user_id}", settings.order_requests_per_window, settings.order_window_s,
            clock.now(), "order requests",
        )  # fmt: skip

    return count


# Counts a driver's (or a partner's) order creations, 429 beyond the setting, in the request's transaction: called
# where an order is about to be created, so that a retry answered from its Idempotency-Key is not counted again.
# Cancelling is never limited: churning needs a creation each time, and help no longer needed must be called off.
OrderRequestAllowance = Annotated[Callable[[], Awaitable[None]], Depends(_order_requests)]
