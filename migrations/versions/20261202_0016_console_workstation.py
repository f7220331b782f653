# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""the console as a workstation: operators' notes on orders; follow-ups taken, contact attempts, outcomes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order_notes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_order_notes_author_id_users")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_notes_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_notes")),
    )
    op.create_index("ix_order_notes_order_id_id", "order_notes", ["order_id", "id"], unique=False)
    op.create_table(
        "followup_contacts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("followup_id", sa.Uuid(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "reached",
                "no_answer",
                "callback_requested",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_followup_contacts_by_id_users")),
        sa.ForeignKeyConstraint(
            ["followup_id"],
            ["followups.id"],
            name=op.f("fk_followup_contacts_followup_id_followups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_contacts")),
    )
    op.create_index("ix_followup_contacts_followup_id_id", "followup_contacts", ["followup_id", "id"], unique=False)
    op.add_column("followups", sa.Column("taken_by", sa.Uuid(), nullable=True))
    op.add_column("followups", sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("followups", sa.Column("first_contact_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("followups", sa.Column("outcome", sa.String(length=32), nullable=True))
    op.create_foreign_key(op.f("fk_followups_taken_by_users"), "followups", "users", ["taken_by"], ["id"])


def downgrade() -> None:
    op.drop_constraint(op.f("fk_followups_taken_by_users"), "followups", type_="foreignkey")
    op.drop_column("followups", "outcome")
    op.drop_column("followups", "first_contact_at")
    op.drop_column("followups", "taken_at")
    op.drop_column("followups", "taken_by")
    op.drop_index("ix_followup_contacts_followup_id_id", table_name="followup_contacts")
    op.drop_table("followup_contacts")
    op.drop_index("ix_order_notes_order_id_id", table_name="order_notes")
    op.drop_table("order_notes")
