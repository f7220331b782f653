# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""live connections: open live streams counted per token across API processes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_connections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_connections")),
    )
    op.create_index("ix_live_connections_token_hash", "live_connections", ["token_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_live_connections_token_hash", table_name="live_connections")
    op.drop_table("live_connections")
