"""dispatch decisions as json: written a thousand at a time every round and only ever read back whole

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 07:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _retype("json")


def downgrade() -> None:
    _retype("jsonb")


def _retype(to: str) -> None:
    """Both columns in one statement: the table is rewritten once."""
    op.execute(
        f"ALTER TABLE dispatch_decisions ALTER COLUMN candidates TYPE {to} USING candidates::{to},"
        f" ALTER COLUMN weights TYPE {to} USING weights::{to}"
    )
