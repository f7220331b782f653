# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""dispatch decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:23:48.544933
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispatch_decisions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("chosen_technician_id", sa.Uuid(), nullable=True),
        sa.Column("unassigned_cost", sa.Float(), nullable=False),
        sa.Column("waited_s", sa.Float(), nullable=False),
        sa.Column("candidates", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("weights", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["chosen_technician_id"],
            ["technicians.id"],
            name=op.f("fk_dispatch_decisions_chosen_technician_id_technicians"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_dispatch_decisions_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_decisions")),
    )
    op.create_index("ix_dispatch_decisions_order_id_id", "dispatch_decisions", ["order_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dispatch_decisions_order_id_id", table_name="dispatch_decisions")
    op.drop_table("dispatch_decisions")
