from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from geoalchemy2 import Geography
from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.db import Base, CreatedAt, UUIDPrimaryKey
from app.enums import Service, text_enum
from app.errors import conflict_message


class OrderStatus(StrEnum):
    SEARCHING = "searching"
    ASSIGNED = "assigned"
    EN_ROUTE = "en_route"
    ARRIVED = "arrived"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNFULFILLED = "unfulfilled"

    # The status sets, defined once; SQL receives them as parameters or through `sql_in`.
    @classmethod
    def open(cls) -> frozenset["OrderStatus"]:
        """Not yet ended: a driver has at most one."""
        return frozenset({cls.SEARCHING, *cls.active_job()})

    @classmethod
    def active_job(cls) -> frozenset["OrderStatus"]:
        """A technician is on it: he has at most one."""
        return frozenset({cls.ASSIGNED, cls.EN_ROUTE, cls.ARRIVED, cls.IN_PROGRESS})

    @classmethod
    def on_the_way(cls) -> frozenset["OrderStatus"]:
        """The technician is driving to the car: the only time the driver may see where he is."""
        return frozenset({cls.ASSIGNED, cls.EN_ROUTE})

    @classmethod
    def finished(cls) -> frozenset["OrderStatus"]:
        """A technician's job that ended at the car: the driver may rate it."""
        return frozenset({cls.COMPLETED, cls.FAILED})

    @classmethod
    def ended(cls) -> frozenset["OrderStatus"]:
        return frozenset(cls) - cls.open()

    @staticmethod
    def values(statuses: frozenset["OrderStatus"]) -> list[str]:
        """The statuses as SQL parameters (`status = ANY(:statuses)`), in a stable order."""
        return sorted(s.value for s in statuses)

    @staticmethod
    def sql_in(statuses: frozenset["OrderStatus"], column: str = "status") -> str:
        """A literal predicate for DDL that cannot take parameters (partial indexes)."""
        return f"{column} IN ({', '.join(repr(v) for v in OrderStatus.values(statuses))})"


class Resolution(StrEnum):
    FIXED_ON_SITE = "fixed_on_site"
    TOWED = "towed"
    NOT_FIXED = "not_fixed"


class CancelCause(StrEnum):
    """Why an order was called off, in words the driver's and the technician's pushes can say in their own
    language (a free-text reason is kept for the record, in whatever language it was typed)."""

    DRIVER_ASKED = "driver_asked"
    DUPLICATE = "duplicate"
    HELP_NOT_NEEDED = "help_not_needed"
    LOCATION_UNREACHABLE = "location_unreachable"
    UNSAFE = "unsafe"
    OTHER = "other"


class Order(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_location", "location", postgresql_using="gist"),
        Index("ix_orders_driver_id_created_at", "driver_id", "created_at"),
        Index("ix_orders_status", "status"),
        Index("ix_orders_technician_id_created_at", "technician_id", "created_at"),
        Index(
            "ix_orders_partner_id_created_at",
            "partner_id",
            "created_at",
            postgresql_where=text("partner_id IS NOT NULL"),
        ),
        # A technician holds at most one active job; a driver has at most one open order.
        Index(
            "uq_orders_active_technician",
            "technician_id",
            unique=True,
            postgresql_where=text(OrderStatus.sql_in(OrderStatus.active_job())),
        ),
        Index(
            "uq_orders_open_driver",
            "driver_id",
            unique=True,
            postgresql_where=text(OrderStatus.sql_in(OrderStatus.open())),
        ),
    )

    driver_id: Mapped[UUID] = mapped_column(ForeignKey("drivers.id"))
    service: Mapped[Service] = mapped_column(text_enum(Service, "service"))
    status: Mapped[OrderStatus] = mapped_column(text_enum(OrderStatus, "status"), default=OrderStatus.SEARCHING)
    location: Mapped[Any] = mapped_column(Geography(geometry_type="POINT", srid=4326, spatial_index=False))
    region: Mapped[str | None] = mapped_column(String(64))  # the service region whose area holds it
    address: Mapped[str | None] = mapped_column(String(500))
    vehicle: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    notes: Mapped[str | None] = mapped_column(Text)
    # The language a partner said its member speaks: the tracking link opens in it.
    locale: Mapped[str | None] = mapped_column(String(8))
    technician_id: Mapped[UUID | None] = mapped_column(ForeignKey("technicians.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The promise made to the driver when a technician took the job, and how sure the estimate behind it was.
    promised_arrival_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    promise_confidence: Mapped[str | None] = mapped_column(String(8))
    # What the promise was made of: OSRM's estimate and road distance at the time, the calibrated correction
    # of the median drive (live ETAs scale by it), the quantile promised (None: not calibrated) and why.
    eta_raw_s: Mapped[float | None] = mapped_column(Float)
    eta_distance_m: Mapped[float | None] = mapped_column(Float)
    eta_correction: Mapped[float | None] = mapped_column(Float)
    promise_quantile: Mapped[float | None] = mapped_column(Float)
    promise_basis: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    resolution: Mapped[Resolution | None] = mapped_column(text_enum(Resolution, "resolution"))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancel_cause: Mapped[CancelCause | None] = mapped_column(text_enum(CancelCause, "cancel_cause"))
    # An order a partner placed for its member, and the partner's own reference for it.
    partner_id: Mapped[UUID | None] = mapped_column(ForeignKey("partners.id"))
    partner_reference: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, onupdate=clock.now, server_default=func.now()
    )


class JobEvent(CreatedAt, Base):
    """The order's timeline: one row per status change, in order."""

    __tablename__ = "job_events"
    __table_args__ = (Index("ix_job_events_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    status: Mapped[OrderStatus] = mapped_column(text_enum(OrderStatus, "status"))
    actor_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class OrderNote(CreatedAt, Base):
    """An operator's note on the order's timeline (a call made, what was agreed): said once, never edited."""

    __tablename__ = "order_notes"
    __table_args__ = (Index("ix_order_notes_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    author_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)


conflict_message("uq_orders_active_technician", "The technician already has an active job.")
conflict_message(
    "uq_orders_open_driver", "An order for this driver was opened at the same moment: follow that one.", "open-order"
)
