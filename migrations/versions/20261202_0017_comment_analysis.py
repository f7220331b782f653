"""comment analysis: each feedback comment's language, sentiment, topics and cues; follow-ups say why they
were opened (detractor, negative_comment, churn_risk) and carry the comment's topics

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment_analyses",
        sa.Column("feedback_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("sentiment", sa.String(length=8), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("topics", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("cues", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_comment_analyses_feedback_id_feedback"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("feedback_id", name=op.f("pk_comment_analyses")),
    )
    op.create_index(
        "ix_comment_analyses_pending", "comment_analyses", ["created_at"],
        postgresql_where=sa.text("analysed_at IS NULL"),
    )  # fmt: skip
    # Every comment given so far waits for its analysis too.
    op.execute(
        "INSERT INTO comment_analyses (feedback_id, created_at) "
        "SELECT id, created_at FROM feedback WHERE comment IS NOT NULL AND btrim(comment) <> ''"
    )
    op.add_column("followups", sa.Column("topics", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"),
                                         nullable=False))  # fmt: skip
    op.alter_column("followups", "feedback_id", existing_type=sa.Uuid(), nullable=True)
    op.execute("UPDATE followups SET reason = 'detractor'")  # every case so far was opened by a low score


def downgrade() -> None:
    op.execute("DELETE FROM followups WHERE feedback_id IS NULL")
    op.alter_column("followups", "feedback_id", existing_type=sa.Uuid(), nullable=False)
    op.drop_column("followups", "topics")
    op.drop_index("ix_comment_analyses_pending", table_name="comment_analyses")
    op.drop_table("comment_analyses")
