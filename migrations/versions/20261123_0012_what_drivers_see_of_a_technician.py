# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""what drivers see of a technician: display name, grammatical gender, photo

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("technicians", sa.Column("display_name", sa.String(length=100), nullable=True))
    op.add_column("technicians", sa.Column("gender", sa.String(length=16), nullable=True))
    op.add_column("technicians", sa.Column("photo_url", sa.String(length=500), nullable=True))


def downgrade() -> None:
    op.drop_column("technicians", "photo_url")
    op.drop_column("technicians", "gender")
    op.drop_column("technicians", "display_name")
