from collections.abc import Callable
from dataclasses import asdict
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import Principal
from app.enums import Locale
from app.errors import NotFound
from app.orders import repository as orders
from app.pagination import decode_cursor, next_cursor
from app.schemas import Page
from notifications import repository
from notifications.models import Device, NotificationStatus
from notifications.schemas import DeviceRead, DeviceRegister, NotificationRead, PushPreview
from notifications.templates import render


async def register_device(session: AsyncSession, principal: Principal, data: DeviceRegister) -> tuple[DeviceRead, bool]:
    """Registers a push token for the caller; returns it and whether it is new.

    A token seen before moves to the caller (phones change hands, apps re-install) and is active again.
    """
    created = await repository.insert_if_absent(
        session,
        Device(
            id=uuid4(),
            user_id=principal.user_id,
            token=data.token,
            platform=data.platform,
            locale=data.locale,
        ),
    )
    device = await repository.get_by_token_for_update(session, data.token)
    assert device is not None
    if not created:
        device.user_id = principal.user_id
        device.platform = data.platform
        device.locale = data.locale
        device.active = True
        device.deactivated_at = None
        device.deactivation_reason = None
    await session.flush()
    return DeviceRead(
        token=device.token,
        platform=device.platform,
        locale=device.locale,
        active=device.active,
    ), created


async def unregister_device(session: AsyncSession, principal: Principal, token: str) -> None:
    device = await repository.get_by_token_for_update(session, token)
    if device is None or device.user_id != principal.user_id:
        raise NotFound("No such device.")
    await session.delete(device)


async def list_notifications(
    session: AsyncSession,
    status: NotificationStatus | None,
    limit: int,
    cursor: str | None,
    timezone_of: Callable[[str | None], str],
    order_id: UUID | None = None,
) -> Page[NotificationRead]:
    """Newest first, with what each phone would show in each language (the demo runs without FCM), its times
    on the clock of the order's region, and which languages its recipient's phones read."""
    rows = await repository.newest(session, status, limit + 1, decode_cursor(cursor) if cursor else None, order_id)
    shown = rows[:limit]
    regions = await orders.regions_of(session, {n.order_id for n in shown if n.order_id})
    read_in = await repository.recipient_locales(session, shown)
    items = [
        NotificationRead(
            id=n.id,
            user_id=n.user_id,
            kind=n.kind,
            order_id=n.order_id,
            status=n.status.value,
            attempts=n.attempts,
            last_error=n.last_error,
            created_at=n.created_at,
            preview={
                locale.value: PushPreview(
                    **asdict(render(n.kind, locale, n.params, timezone_of(regions.get(n.order_id))))
                )
                for locale in Locale
            },
            read_in=[locale for locale in Locale if locale in read_in.get(n.id, ())],
        )
        for n in shown
    ]
    return Page(items=items, next_cursor=next_cursor(rows, limit, lambda n: (n.created_at, n.id)))
