# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""service regions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 11:16:22.903924
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_geospatial_table(
        "regions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "area",
            Geography(
                geometry_type="POLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("graph_file", sa.String(length=500), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_regions")),
    )


def downgrade() -> None:
    op.drop_geospatial_table("regions")
