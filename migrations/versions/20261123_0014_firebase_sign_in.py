# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""firebase sign-in: the Firebase account a user signs in with

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("firebase_uid", sa.String(length=128), nullable=True))
    op.create_unique_constraint(op.f("uq_users_firebase_uid"), "users", ["firebase_uid"])


def downgrade() -> None:
    op.drop_constraint(op.f("uq_users_firebase_uid"), "users", type_="unique")
    op.drop_column("users", "firebase_uid")
