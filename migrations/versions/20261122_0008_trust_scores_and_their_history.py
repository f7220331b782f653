# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""trust scores and their history

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 13:12:40.301848
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trust_scores",
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("prior", sa.Float(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.Column("parts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_trust_scores_technician_id_technicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technician_id", "service", name=op.f("pk_trust_scores")),
    )
    op.create_table(
        "trust_score_history",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("previous", sa.Float(), nullable=True),
        sa.Column("cause", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_trust_score_history_order_id_orders"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_trust_score_history_technician_id_technicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_score_history")),
    )
    op.create_index(
        "ix_trust_score_history_technician_id_at", "trust_score_history", ["technician_id", "at"], unique=False
    )
    op.create_index("ix_offers_technician_id_created_at", "offers", ["technician_id", "created_at"], unique=False)
    op.create_index("ix_orders_technician_id_created_at", "orders", ["technician_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_orders_technician_id_created_at", table_name="orders")
    op.drop_index("ix_offers_technician_id_created_at", table_name="offers")
    op.drop_index("ix_trust_score_history_technician_id_at", table_name="trust_score_history")
    op.drop_table("trust_score_history")
    op.drop_table("trust_scores")
