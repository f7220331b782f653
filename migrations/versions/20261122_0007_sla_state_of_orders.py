# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""sla state of orders

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 12:51:03.653137
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("sla_state", sa.String(length=16), server_default="ok", nullable=False))
    op.add_column("orders", sa.Column("sla_reason", sa.String(length=200), nullable=True))
    op.add_column("orders", sa.Column("sla_changed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "sla_changed_at")
    op.drop_column("orders", "sla_reason")
    op.drop_column("orders", "sla_state")
