"""Partners (insurers, dealers, fleets) who order help for their members: their contract, their API keys and
the members they ordered for. A partner is a user of the role `partner`, as drivers and technicians are."""

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import text_enum


class PartnerKind(StrEnum):
    INSURER = "insurer"
    DEALER = "dealer"
    FLEET = "fleet"
    OTHER = "other"


class Partner(CreatedAt, Base):
    __tablename__ = "partners"

    id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(text_enum(PartnerKind, "partner_kind"))
    # What the contract covers; empty means every service or region we serve.
    services: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    regions: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    # The partner's own service levels in seconds by target and service, as TRUSTLOOP_SLA_TARGETS: the SLA
    # watcher judges its members' orders by them (app/sla/rules.py).
    sla_targets: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    # Kept readable: every delivery is signed with it (HMAC), so it cannot be stored as a one-way hash.
    webhook_secret: Mapped[str] = mapped_column(String(100))


class PartnerKey(UUIDPrimaryKey, CreatedAt, Base):
    """An API key: shown once, stored as its SHA-256; several may be active so that a partner can rotate."""

    __tablename__ = "partner_keys"
    __table_args__ = (Index("ix_partner_keys_partner_id", "partner_id"),)

    partner_id: Mapped[UUID] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # enough to tell the keys apart in a list
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PartnerMember(CreatedAt, Base):
    """A member a partner ordered help for, known by his phone: the driver account his orders belong to."""

    __tablename__ = "partner_members"

    partner_id: Mapped[UUID] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[str] = mapped_column(String(40), primary_key=True)  # E.164 (app.schemas.phone_key)
    driver_id: Mapped[UUID] = mapped_column(ForeignKey("drivers.id", ondelete="CASCADE"))
