"""german pushes: a device may ask for its pushes in German

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 04:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_devices_locale"), "devices", type_="check")
    op.create_check_constraint(op.f("ck_devices_locale"), "devices", "locale IN ('en', 'ru', 'de')")


def downgrade() -> None:
    op.execute("UPDATE devices SET locale = 'en' WHERE locale = 'de'")
    op.drop_constraint(op.f("ck_devices_locale"), "devices", type_="check")
    op.create_check_constraint(op.f("ck_devices_locale"), "devices", "locale IN ('en', 'ru')")
