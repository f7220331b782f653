from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import text_enum
from app.errors import conflict_message


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
        Index("ix_offers_technician_id_created_at", "technician_id", "created_at"),
        Index(
            "ix_offers_pending_technician_id",
            "technician_id",
            "expires_at",
            postgresql_where=text("status = 'pending'"),
        ),
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


class DispatchRound(Base):
    """The timing of each dispatch round that had orders to place, for /metrics and the console."""

    __tablename__ = "dispatch_rounds"
    __table_args__ = (Index("ix_dispatch_rounds_at", "at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_s: Mapped[float] = mapped_column(Float)
    orders: Mapped[int] = mapped_column(Integer)
    offers: Mapped[int] = mapped_column(Integer)


class DispatchDecision(CreatedAt, Base):
    """Why the dispatcher offered an order to a technician, or left it open: every candidate and its cost."""

    __tablename__ = "dispatch_decisions"
    __table_args__ = (Index("ix_dispatch_decisions_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    round_id: Mapped[UUID] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16))
    chosen_technician_id: Mapped[UUID | None] = mapped_column(ForeignKey("technicians.id"))
    unassigned_cost: Mapped[float] = mapped_column(Float)
    waited_s: Mapped[float] = mapped_column(Float)
    # json, not jsonb: a round writes a thousand of these and they are only ever read back whole, by the
    # explanation; parsing them into jsonb cost a round of 1,000 orders some 50 ms of the database's time.
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)


class EtaObservation(Base):
    """One finished drive: OSRM's estimate at acceptance against the time it really took (calibration.py)."""

    __tablename__ = "eta_observations"
    __table_args__ = (Index("ix_eta_observations_region_observed_at", "region", "observed_at"),)

    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    region: Mapped[str] = mapped_column(String(64))
    technician_id: Mapped[UUID] = mapped_column(ForeignKey("technicians.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    distance_m: Mapped[float] = mapped_column(Float)
    estimate_s: Mapped[float] = mapped_column(Float)
    actual_s: Mapped[float] = mapped_column(Float)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


conflict_message("uq_offers_order_id_technician_id", "This technician was already offered this order.")
