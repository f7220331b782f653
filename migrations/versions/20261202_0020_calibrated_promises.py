"""calibrated promises: what each promise was made of (OSRM's estimate and distance, the correction, the
quantile and its basis) and the finished drives the calibration learns from

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLOATS = ("eta_raw_s", "eta_distance_m", "eta_correction", "promise_quantile")


def upgrade() -> None:
    for name in FLOATS:
        op.add_column("orders", sa.Column(name, sa.Float(), nullable=True))
    op.add_column("orders", sa.Column("promise_basis", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.create_table(
        "eta_observations",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("estimate_s", sa.Float(), nullable=False),
        sa.Column("actual_s", sa.Float(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_eta_observations_order_id_orders"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["technician_id"], ["technicians.id"],
                                name=op.f("fk_eta_observations_technician_id_technicians")),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_eta_observations")),
    )  # fmt: skip
    op.create_index("ix_eta_observations_region_observed_at", "eta_observations", ["region", "observed_at"])


def downgrade() -> None:
    op.drop_index("ix_eta_observations_region_observed_at", table_name="eta_observations")
    op.drop_table("eta_observations")
    op.drop_column("orders", "promise_basis")
    for name in FLOATS:
        op.drop_column("orders", name)
