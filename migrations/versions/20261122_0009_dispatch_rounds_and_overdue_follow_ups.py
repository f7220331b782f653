# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""dispatch rounds and overdue follow-ups

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 13:22:37.086479
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispatch_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_rounds")),
    )
    op.create_index("ix_dispatch_rounds_at", "dispatch_rounds", ["at"], unique=False)
    op.add_column("followups", sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("followups", "breached_at")
    op.drop_index("ix_dispatch_rounds_at", table_name="dispatch_rounds")
    op.drop_table("dispatch_rounds")
