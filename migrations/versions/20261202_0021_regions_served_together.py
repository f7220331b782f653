"""regions served together: the region whose orders a technician takes (none: any region's)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("technicians", sa.Column("region", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("technicians", "region")
