"""stall watch: each job's progress towards the driver (best remaining road distance, when it last improved,
the last measurement and position) and its open episode of a stall or a dark phone

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMES = ("improved_at", "measured_at", "last_fix_at", "trouble_since")


def upgrade() -> None:
    op.add_column("order_tracking", sa.Column("best_remaining_m", sa.Float(), nullable=True))
    for name in TIMES[:3]:
        op.add_column("order_tracking", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.add_column("order_tracking", sa.Column("trouble", sa.String(length=16), nullable=True))
    op.add_column("order_tracking", sa.Column("trouble_since", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "order_tracking", sa.Column("trouble_step", sa.SmallInteger(), server_default=sa.text("0"), nullable=False)
    )
    op.add_column(
        "order_tracking", sa.Column("trouble_counted", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    for name in ("trouble_counted", "trouble_step", "trouble", *TIMES, "best_remaining_m"):
        op.drop_column("order_tracking", name)
