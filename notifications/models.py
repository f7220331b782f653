from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, func, text, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import Locale, text_enum


class Platform(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"


class Device(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "devices"
    __table_args__ = (Index("ix_devices_user_id", "user_id"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(4096), unique=True)
    platform: Mapped[Platform] = mapped_column(text_enum(Platform, "platform"))
    locale: Mapped[Locale] = mapped_column(text_enum(Locale, "locale"), default=Locale.EN)
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deactivation_reason: Mapped[str | None] = mapped_column(String(64))


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    NO_DEVICES = "no_devices"


class Notification(UUIDPrimaryKey, CreatedAt, Base):
    """A push owed to one person: the outbox row written with the change that caused it.

    Its id travels with every copy sent, so an app drops a duplicate delivered again after a crash.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "available_at", postgresql_where=text("status = 'pending'")),
        Index("ix_notifications_order_id_kind", "order_id", "kind"),
    )

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[UUID | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB)
    collapse_key: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[NotificationStatus] = mapped_column(
        text_enum(NotificationStatus, "status"), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


class DeliveryStatus(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    UNREGISTERED = "unregistered"


class Delivery(Base):
    """The outcome of one notification on one device."""

    __tablename__ = "deliveries"

    notification_id: Mapped[UUID] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True)
    device_id: Mapped[UUID] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[DeliveryStatus] = mapped_column(text_enum(DeliveryStatus, "status"))
    error_code: Mapped[str | None] = mapped_column(String(64))
    fcm_message_id: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
