"""why an order was called off, as a cause the pushes can word in the driver's and the technician's language

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "orders",
        sa.Column(
            "cancel_cause",
            sa.Enum(
                "driver_asked",
                "duplicate",
                "help_not_needed",
                "location_unreachable",
                "unsafe",
                "other",
                name="cancel_cause",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_column("orders", "cancel_cause")
