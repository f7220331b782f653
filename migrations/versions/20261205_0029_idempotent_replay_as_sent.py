"""an idempotent replay is the first answer as it was sent

JSONB keeps a document's keys in its own order (shortest first), so a replayed answer held the same values in
another order: not the same bytes, where a partner's integration may compare or hash them. `json` keeps the text.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 19:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE json USING response_body::json")


def downgrade() -> None:
    op.execute("ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb")
