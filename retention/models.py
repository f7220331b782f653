"""Drivers' roadside cover, the renewals and lapses that answer its renewal dates, and the churn-risk calls
opened before them. Retention owns these tables; only retention/repository.py queries them."""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.db import Base, CreatedAt
from app.enums import text_enum
from app.errors import conflict_message


class CoverStatus(StrEnum):
    ACTIVE = "active"
    LAPSED = "lapsed"


class CoverEventType(StrEnum):
    RENEWED = "renewed"
    LAPSED = "lapsed"


class Cover(CreatedAt, Base):
    """A driver's roadside cover: one per driver, its current term from `starts_on` to `renews_on`."""

    __tablename__ = "covers"
    __table_args__ = (
        CheckConstraint("renews_on > starts_on", name="term"),
        Index("ix_covers_renews_on", "renews_on"),
        Index("ix_covers_partner_id", "partner_id"),
    )

    driver_id: Mapped[UUID] = mapped_column(ForeignKey("drivers.id", ondelete="CASCADE"), primary_key=True)
    plan: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    renews_on: Mapped[date] = mapped_column(Date)
    partner_id: Mapped[UUID | None] = mapped_column(ForeignKey("partners.id"))  # the partner who covers him
    status: Mapped[CoverStatus] = mapped_column(text_enum(CoverStatus, "status"), default=CoverStatus.ACTIVE)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, onupdate=clock.now)


class CoverEvent(CreatedAt, Base):
    """A renewal or a lapse, and the renewal date it answers: at most one of each type per date (a unique
    index, so a retried or doubled report changes nothing)."""

    __tablename__ = "cover_events"
    __table_args__ = (
        UniqueConstraint("driver_id", "type", "renews_on"),
        Index("ix_cover_events_renews_on", "renews_on"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    driver_id: Mapped[UUID] = mapped_column(ForeignKey("covers.driver_id", ondelete="CASCADE"))
    type: Mapped[CoverEventType] = mapped_column(text_enum(CoverEventType, "type"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    renews_on: Mapped[date] = mapped_column(Date)  # the renewal date this event answers


conflict_message("uq_cover_events_driver_id_type_renews_on", "This renewal date already has this event.")


class ChurnCall(CreatedAt, Base):
    """The proactive call opened for a driver at risk of not renewing: one per renewal date (the key)."""

    __tablename__ = "churn_calls"

    driver_id: Mapped[UUID] = mapped_column(ForeignKey("covers.driver_id", ondelete="CASCADE"), primary_key=True)
    renews_on: Mapped[date] = mapped_column(Date, primary_key=True)
    # The case opened; set in the same transaction as the claim (the claim comes first, so that two rounds
    # never open two cases).
    followup_id: Mapped[UUID | None] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"))
    risks: Mapped[list[str]] = mapped_column(JSONB)  # why he was called (a cohorts.Risk each)
