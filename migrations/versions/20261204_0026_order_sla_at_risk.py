"""the orders at risk, indexed: the SLA watcher clears the risks of closed orders every round, and the table keeps
a row for every order ever flagged

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_order_sla_at_risk", "order_sla", ["order_id"], unique=False, postgresql_where=sa.text("state = 'at_risk'")
    )


def downgrade() -> None:
    op.drop_index("ix_order_sla_at_risk", table_name="order_sla", postgresql_where=sa.text("state = 'at_risk'"))
