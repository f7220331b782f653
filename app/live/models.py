from datetime import datetime
from typing import Any
from uuid import UUID

from geoalchemy2 import Geography
from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, SmallInteger, String, false, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class LocationPoint(Base):
    """A technician's accepted position during a job: kept to measure later how honest the ETAs were."""

    __tablename__ = "location_history"
    __table_args__ = (Index("ix_location_history_order_id_recorded_at", "order_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    technician_id: Mapped[UUID] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"))
    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    position: Mapped[Any] = mapped_column(Geography(geometry_type="POINT", srid=4326, spatial_index=False))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    heading: Mapped[float | None] = mapped_column(Float)
    speed_mps: Mapped[float | None] = mapped_column(Float)


class LiveConnection(Base):
    """An open live stream (WebSocket or SSE), counted per token across every API process. Each process
    touches its own every few seconds; one not touched for a minute belongs to a process that died."""

    __tablename__ = "live_connections"
    __table_args__ = (Index("ix_live_connections_token_hash", "token_hash"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[UUID] = mapped_column()
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrderTracking(Base):
    """The live view of a job on its way: the current ETA, the route from the technician to the driver, and
    since when he has stood near the car (arrival detection). One row per order that had a technician."""

    __tablename__ = "order_tracking"

    order_id: Mapped[UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    eta_arrival_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    eta_confidence: Mapped[str | None] = mapped_column(String(8))
    eta_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    route_geometry: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    route_distance_m: Mapped[float | None] = mapped_column(Float)
    route_duration_s: Mapped[float | None] = mapped_column(Float)
    near_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Progress towards the driver (app/live/progress.py), since the current technician was assigned.
    best_remaining_m: Mapped[float | None] = mapped_column(Float)
    improved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    measured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_fix_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The open episode of a stall or a dark phone, if any: what, since when, the ladder's steps taken, and
    # whether it was written against his on-time record.
    trouble: Mapped[str | None] = mapped_column(String(16))
    trouble_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    trouble_step: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    trouble_counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def computed_since(self, assigned_at: datetime | None) -> bool:
        """Whether its ETA and route were computed for the current assignment (not a previous technician's):
        until they are, the live ETA is the promise."""
        return self.eta_updated_at is not None and assigned_at is not None and self.eta_updated_at >= assigned_at
