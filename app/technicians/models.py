from datetime import datetime
from typing import Any
from uuid import UUID

from geoalchemy2 import Geography
from sqlalchemy import ARRAY, Boolean, DateTime, Float, ForeignKey, Index, String, false, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, CreatedAt


class Technician(CreatedAt, Base):
    __tablename__ = "technicians"
    # Only the online are ever searched by place (a round's nearest candidates, an operator's choice): offline
    # technicians in the index would be stepped over by every nearest-first scan.
    __table_args__ = (
        Index("ix_technicians_position_online", "position", postgresql_using="gist", postgresql_where=text("online")),
    )

    id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # What drivers see of him: a display name ("Anna K."), a photo, and the grammatical gender the pushes
    # agree with (female, male, or none for gender-neutral wording).
    display_name: Mapped[str | None] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(16))
    photo_url: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    region: Mapped[str | None] = mapped_column(String(64))  # whose orders he serves; None: any region's
    vehicle: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    online: Mapped[bool] = mapped_column(Boolean, server_default=false())
    position: Mapped[Any | None] = mapped_column(Geography(geometry_type="POINT", srid=4326, spatial_index=False))
    position_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heading: Mapped[float | None] = mapped_column(Float)
    speed_mps: Mapped[float | None] = mapped_column(Float)

    @property
    def shown_name(self) -> str:
        """The name drivers see: his display name, else his first name."""
        return self.display_name or self.name.split()[0]
