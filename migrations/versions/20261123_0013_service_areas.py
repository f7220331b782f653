# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""service areas: a region's area is where its roads are (a multipolygon); an order belongs to a region

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE regions ALTER COLUMN area TYPE geography(MultiPolygon, 4326) USING ST_Multi(area::geometry)::geography"
    )
    op.create_index("ix_regions_area", "regions", ["area"], unique=False, postgresql_using="gist")
    op.add_column("orders", sa.Column("region", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE orders o SET region = (SELECT r.name FROM regions r WHERE ST_Intersects(r.area, o.location) "
        "ORDER BY r.name LIMIT 1)"
    )


def downgrade() -> None:
    op.drop_column("orders", "region")
    op.drop_index("ix_regions_area", table_name="regions", postgresql_using="gist")
    op.execute(
        "ALTER TABLE regions ALTER COLUMN area TYPE geography(Polygon, 4326) "
        "USING ST_GeometryN(area::geometry, 1)::geography"
    )
