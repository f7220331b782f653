from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import insert_rows, table_of
from app.enums import Locale, Role
from app.users.models import User
from notifications.models import Delivery, DeliveryStatus, Device, Notification, NotificationStatus


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


async def insert_notifications(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Many pushes in one statement (the columns' defaults fill the rest, as for one added to the session)."""
    await insert_rows(session, table_of(Notification), rows)


async def already_pushed(
    session: AsyncSession, order_id: UUID, kind: str, since: datetime | None = None, user_id: UUID | None = None
) -> bool:
    query = select(Notification.id).where(Notification.order_id == order_id, Notification.kind == kind)
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    if since is not None:
        query = query.where(Notification.created_at >= since)
    return (await session.execute(query.limit(1))).first() is not None


async def pushed_since_handover(session: AsyncSession, order_id: UUID, kind: str, user_id: UUID) -> bool:
    """Whether this kind of push went to the person about the order since the job was last handed to another
    technician (or at all, if it never was): one round trip, as it is asked on every estimate near the end."""
    mine = (Notification.order_id == order_id, Notification.user_id == user_id)
    handed_over = select(func.max(Notification.created_at)).where(*mine, Notification.kind == "reassigned")
    since = handed_over.scalar_subquery()
    query = select(Notification.id).where(
        *mine, Notification.kind == kind, or_(since.is_(None), Notification.created_at >= since)
    )
    return (await session.execute(query.limit(1))).first() is not None


async def withdraw_pending(session: AsyncSession, order_id: UUID, kind: str, user_id: UUID) -> None:
    """Drops a push of this kind that no phone was sent yet (one a sender is sending now is waited for, and one
    that reached some phones and waits to retry others stays, with its deliveries)."""
    await session.execute(
        delete(Notification).where(
            Notification.order_id == order_id, Notification.user_id == user_id, Notification.kind == kind,
            Notification.status == NotificationStatus.PENDING, Notification.attempts == 0,
        )
    )  # fmt: skip


async def operators_with_devices(session: AsyncSession) -> list[UUID]:
    rows = await session.execute(
        select(Device.user_id).join(User, User.id == Device.user_id)
        .where(User.role == Role.OPERATOR, Device.active).distinct()
    )  # fmt: skip
    return list(rows.scalars())


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Notification]:
    """The oldest due pushes, locked for this batch (SKIP LOCKED: another sender takes the next ones)."""
    rows = await session.execute(
        select(Notification)
        .where(Notification.status == NotificationStatus.PENDING, Notification.available_at <= now)
        .order_by(Notification.available_at, Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(rows.scalars())


async def active_devices(session: AsyncSession, user_ids: Collection[UUID]) -> list[Device]:
    rows = await session.execute(
        select(Device).where(Device.user_id.in_(user_ids), Device.active).order_by(Device.created_at)
    )
    return list(rows.scalars())


async def settled_deliveries(
    session: AsyncSession, notification_ids: Collection[UUID], final: Collection[DeliveryStatus]
) -> list[tuple[UUID, UUID, DeliveryStatus]]:
    """(notification, device, status) of the deliveries already settled for good."""
    rows = await session.execute(
        select(Delivery.notification_id, Delivery.device_id, Delivery.status).where(
            Delivery.notification_id.in_(notification_ids), Delivery.status.in_(final)
        )
    )
    return [(n, d, s) for n, d, s in rows.all()]


async def record_deliveries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    statement = insert(Delivery).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Delivery.notification_id, Delivery.device_id],
            set_={
                "status": statement.excluded.status,
                "error_code": statement.excluded.error_code,
                "fcm_message_id": statement.excluded.fcm_message_id,
                "attempts": Delivery.attempts + 1,
                "updated_at": statement.excluded.updated_at,
            },
        )
    )


async def deactivate_devices(session: AsyncSession, device_ids: Collection[UUID], at: datetime, reason: str) -> None:
    await session.execute(
        update(Device)
        .where(Device.id.in_(device_ids))
        .values(active=False, deactivated_at=at, deactivation_reason=reason)
    )


async def newest(
    session: AsyncSession,
    status: NotificationStatus | None,
    limit: int,
    after: tuple[datetime, UUID] | None,
    order_id: UUID | None = None,
) -> list[Notification]:
    query = select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Notification.status == status)
    if order_id is not None:
        query = query.where(Notification.order_id == order_id)
    if after is not None:
        query = query.where(tuple_(Notification.created_at, Notification.id) < tuple_(*after))
    return list((await session.execute(query)).scalars())


async def recipient_locales(session: AsyncSession, notifications: Collection[Notification]) -> dict[UUID, set[Locale]]:
    """The languages each push is read in: those of the devices it reached (or is being retried on); while it
    waits to be sent, those of its recipient's active devices; none for a push that reached no device."""
    ids = [n.id for n in notifications]
    if not ids:
        return {}
    deliveries = await session.execute(
        select(Delivery.notification_id, Delivery.status, Device.locale)
        .join(Device, Device.id == Delivery.device_id)
        .where(Delivery.notification_id.in_(ids))
    )
    found: dict[UUID, set[Locale]] = {}
    tried: set[UUID] = set()
    for notification_id, status, locale in deliveries.all():
        tried.add(notification_id)
        if status in (DeliveryStatus.SENT, DeliveryStatus.RETRY):
            found.setdefault(notification_id, set()).add(locale)
    waiting = [n for n in notifications if n.status is NotificationStatus.PENDING and n.id not in tried]
    if waiting:
        devices = await session.execute(
            select(Device.user_id, Device.locale).where(Device.user_id.in_({n.user_id for n in waiting}), Device.active)
        )
        by_user: dict[UUID, set[Locale]] = {}
        for user_id, locale in devices.all():
            by_user.setdefault(user_id, set()).add(locale)
        for n in waiting:
            if n.user_id in by_user:
                found[n.id] = by_user[n.user_id]
    return found


async def pending_count(session: AsyncSession) -> int:
    query = select(func.count()).where(Notification.status == NotificationStatus.PENDING)
    return int((await session.execute(query)).scalar_one())


async def delivery_outcomes(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    return {status.value: int(n) for status, n in rows.all()}
