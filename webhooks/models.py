"""The partners' webhook outbox: one row per event, written in the transaction of the change it reports,
and every attempt to deliver it."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import text_enum


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # not yet tried, or replayed
    DELIVERED = "delivered"
    FAILING = "failing"  # tried and refused; retried with backoff
    DEAD = "dead"  # refused for the whole retry window; replay sends it again

    @classmethod
    def waiting(cls) -> list[str]:
        return [cls.PENDING.value, cls.FAILING.value]

    @classmethod
    def settled(cls) -> list[str]:
        """The others: "not settled" is "waiting", said so that no index on the waiting ones can serve it."""
        return [cls.DELIVERED.value, cls.DEAD.value]


class WebhookDelivery(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_partner_id_seq", "partner_id", "seq"),
        Index("ix_webhook_deliveries_order_id_seq", "order_id", "seq"),
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'failing')"),
        ),
    )

    # The order in which events were written: those of one order are delivered in this order.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    event_id: Mapped[UUID] = mapped_column(unique=True)  # the same on every retry and replay
    event_type: Mapped[str] = mapped_column(String(40))
    partner_id: Mapped[UUID] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    body: Mapped[str] = mapped_column(Text)  # the exact bytes signed and sent, every time
    status: Mapped[DeliveryStatus] = mapped_column(
        text_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A sender holds the delivery while its request is in flight; a crashed sender's lease simply runs out.
    leased_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retry_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery_id", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    delivery_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(Integer)
