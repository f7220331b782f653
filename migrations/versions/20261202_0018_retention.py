"""retention: drivers' roadside cover (plan, term, partner), the renewals and lapses that answer each renewal
date (one of each type per date), and the churn-risk calls opened before a renewal (one per date)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "covers",
        sa.Column("driver_id", sa.Uuid(), nullable=False),
        sa.Column("plan", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("renews_on", sa.Date(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("active", "lapsed", name="status", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("renews_on > starts_on", name=op.f("ck_covers_term")),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["drivers.id"], name=op.f("fk_covers_driver_id_drivers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_covers_partner_id_partners")),
        sa.PrimaryKeyConstraint("driver_id", name=op.f("pk_covers")),
    )
    op.create_index("ix_covers_partner_id", "covers", ["partner_id"], unique=False)
    op.create_index("ix_covers_renews_on", "covers", ["renews_on"], unique=False)
    op.create_table(
        "cover_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("driver_id", sa.Uuid(), nullable=False),
        sa.Column(
            "type",
            sa.Enum("renewed", "lapsed", name="type", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renews_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["covers.driver_id"], name=op.f("fk_cover_events_driver_id_covers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cover_events")),
        sa.UniqueConstraint("driver_id", "type", "renews_on", name=op.f("uq_cover_events_driver_id_type_renews_on")),
    )
    op.create_index("ix_cover_events_renews_on", "cover_events", ["renews_on"], unique=False)
    op.create_table(
        "churn_calls",
        sa.Column("driver_id", sa.Uuid(), nullable=False),
        sa.Column("renews_on", sa.Date(), nullable=False),
        sa.Column("followup_id", sa.Uuid(), nullable=True),
        sa.Column("risks", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["covers.driver_id"], name=op.f("fk_churn_calls_driver_id_covers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["followup_id"], ["followups.id"], name=op.f("fk_churn_calls_followup_id_followups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("driver_id", "renews_on", name=op.f("pk_churn_calls")),
    )


def downgrade() -> None:
    op.drop_table("churn_calls")
    op.drop_index("ix_cover_events_renews_on", table_name="cover_events")
    op.drop_table("cover_events")
    op.drop_index("ix_covers_renews_on", table_name="covers")
    op.drop_index("ix_covers_partner_id", table_name="covers")
    op.drop_table("covers")
