from datetime import datetime
from typing import Any

from geoalchemy2 import Geography
from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Region(Base):
    """A service region: an OpenStreetMap extract prepared for OSRM, and the area it covers."""

    __tablename__ = "regions"
    __table_args__ = (Index("ix_regions_area", "area", postgresql_using="gist"),)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Where its roads are (the concave hull of the extract's road nodes, widened a little): an order inside it
    # belongs to the region.
    area: Mapped[Any] = mapped_column(Geography(geometry_type="MULTIPOLYGON", srid=4326, spatial_index=False))
    graph_file: Mapped[str] = mapped_column(String(500))
    prepared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
