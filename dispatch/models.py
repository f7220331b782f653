from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import text_enum


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Offer(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "offers"
    __table_args__ = (
        # Each technician is offered a given order at most once: a decline or expiry excludes him for good.
        UniqueConstraint("order_id", "technician_id"),
        Index("ix_offers_technician_id_status", "technician_id", "status"),
        Index(
            "ix_offers_pending_expires_at",
            "expires_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    technician_id: Mapped[UUID] = mapped_column(ForeignKey("technicians.id"))
    status: Mapped[OfferStatus] = mapped_column(text_enum(OfferStatus, "status"), default=OfferStatus.PENDING)
    source: Mapped[str] = mapped_column(String(16))
    eta_seconds: Mapped[int | None] = mapped_column(Integer)
    distance_m: Mapped[float | None] = mapped_column(Float)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str | None] = mapped_column(String(500))
