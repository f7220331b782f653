# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""domains own their tables: the live view and the SLA state of orders move out of orders; trust evidence

The live view (ETA, route, arrival dwell) moves to order_tracking, owned by app/live; the SLA state to
order_sla, owned by app/sla; the promise keeps its confidence on the order. trust_evidence, owned by the
feedback domain, holds each event a trust signal counts; it is filled here from the record so far, with the
rules the score was computed by (arrival tolerance 120 s, the default of every service).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRACKING_COLUMNS = (
    "eta_arrival_at", "eta_confidence", "eta_updated_at", "route_geometry", "route_distance_m",
    "route_duration_s", "near_since",
)  # fmt: skip

BACKFILL_EVIDENCE = """
INSERT INTO trust_evidence (technician_id, order_id, service, signal, value, at, cause, detail, settled_at)
SELECT f.technician_id, f.order_id, o.service, 'rating', (f.csat - 1) / 4.0, f.created_at, 'rating',
       jsonb_build_object('csat', f.csat), f.created_at
FROM feedback f JOIN orders o ON o.id = f.order_id
WHERE f.technician_id IS NOT NULL
UNION ALL
SELECT o.technician_id, o.id, o.service, 'on_time',
       CASE WHEN a.at <= o.promised_arrival_at + interval '120 seconds' THEN 1.0 ELSE 0.0 END, a.at, 'arrived',
       jsonb_build_object('late_s', round(extract(epoch FROM a.at - o.promised_arrival_at)), 'tolerance_s', 120,
                          'promised_at', o.promised_arrival_at),
       a.at
FROM orders o
CROSS JOIN LATERAL (SELECT min(e.created_at) AS at FROM job_events e
                    WHERE e.order_id = o.id AND e.status = 'arrived') a
WHERE o.technician_id IS NOT NULL AND o.promised_arrival_at IS NOT NULL AND a.at IS NOT NULL
UNION ALL
SELECT o.technician_id, o.id, o.service, 'first_fix',
       CASE WHEN o.status = 'completed' AND (o.resolution = 'fixed_on_site' OR o.service = 'tow') THEN 1.0 ELSE 0.0 END,
       o.updated_at, o.status, jsonb_build_object('resolution', o.resolution), o.updated_at
FROM orders o
WHERE o.technician_id IS NOT NULL AND o.status IN ('completed', 'failed')
UNION ALL
SELECT f.technician_id, f.order_id, o.service, 'kept_jobs', k.value, f.responded_at, k.cause, '{}'::jsonb,
       CASE WHEN k.value IS NOT NULL THEN o.updated_at END
FROM offers f JOIN orders o ON o.id = f.order_id
CROSS JOIN LATERAL (
    SELECT CASE
             WHEN o.technician_id IS DISTINCT FROM f.technician_id THEN 0.0
             WHEN o.status = 'cancelled' AND o.updated_at > o.promised_arrival_at + interval '120 seconds'
                  AND NOT EXISTS (SELECT 1 FROM job_events e WHERE e.order_id = o.id AND e.status = 'arrived')
               THEN 0.0
             WHEN o.status IN ('completed', 'failed', 'cancelled') THEN 1.0
           END AS value,
           CASE WHEN o.technician_id IS DISTINCT FROM f.technician_id THEN 'reassigned_away'
                WHEN o.status IN ('completed', 'failed', 'cancelled') THEN o.status
                ELSE 'offer_accepted' END AS cause
) k
WHERE f.status = 'accepted'
UNION ALL
SELECT f.technician_id, f.order_id, o.service, 'responsive', CASE WHEN f.status = 'accepted' THEN 1.0 ELSE 0.0 END,
       coalesce(f.responded_at, f.expires_at), 'offer_' || f.status, jsonb_build_object('outcome', f.status),
       coalesce(f.responded_at, f.expires_at)
FROM offers f JOIN orders o ON o.id = f.order_id
WHERE f.status IN ('accepted', 'declined', 'expired')
"""


def upgrade() -> None:
    op.create_table(
        "order_tracking",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("eta_arrival_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("eta_confidence", sa.String(length=8), nullable=True),
        sa.Column("eta_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("route_geometry", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("route_distance_m", sa.Float(), nullable=True),
        sa.Column("route_duration_s", sa.Float(), nullable=True),
        sa.Column("near_since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_tracking_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_tracking")),
    )
    op.create_table(
        "order_sla",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_sla_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_sla")),
    )
    op.create_table(
        "trust_evidence",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("signal", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cause", sa.String(length=32), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_trust_evidence_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_trust_evidence_technician_id_technicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_evidence")),
    )
    op.create_index("ix_trust_evidence_technician_id_at", "trust_evidence", ["technician_id", "at"], unique=False)
    op.create_index(
        "ix_trust_evidence_unsettled", "trust_evidence", ["order_id", "technician_id"], unique=False,
        postgresql_where=sa.text("value IS NULL"),
    )  # fmt: skip
    op.add_column("orders", sa.Column("promise_confidence", sa.String(length=8), nullable=True))

    op.execute(
        f"""
        INSERT INTO order_tracking (order_id, {", ".join(TRACKING_COLUMNS)})
        SELECT id, {", ".join(TRACKING_COLUMNS)} FROM orders WHERE technician_id IS NOT NULL
        """
    )
    op.execute(
        "INSERT INTO order_sla (order_id, state, reason, changed_at) "
        "SELECT id, sla_state, sla_reason, coalesce(sla_changed_at, updated_at) FROM orders WHERE sla_state <> 'ok'"
    )
    op.execute("UPDATE orders SET promise_confidence = eta_confidence WHERE promised_arrival_at IS NOT NULL")
    op.execute(BACKFILL_EVIDENCE)

    for column in (*TRACKING_COLUMNS, "sla_state", "sla_reason", "sla_changed_at"):
        op.drop_column("orders", column)


def downgrade() -> None:
    op.add_column("orders", sa.Column("sla_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("orders", sa.Column("sla_reason", sa.String(length=200), nullable=True))
    op.add_column("orders", sa.Column("sla_state", sa.String(length=16), server_default="ok", nullable=False))
    op.add_column("orders", sa.Column("near_since", sa.DateTime(timezone=True), nullable=True))
    op.add_column("orders", sa.Column("eta_updated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("orders", sa.Column("route_duration_s", sa.Float(), nullable=True))
    op.add_column("orders", sa.Column("route_distance_m", sa.Float(), nullable=True))
    op.add_column("orders", sa.Column("route_geometry", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column("orders", sa.Column("eta_confidence", sa.String(length=8), nullable=True))
    op.add_column("orders", sa.Column("eta_arrival_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        f"""
        UPDATE orders o SET {", ".join(f"{c} = t.{c}" for c in TRACKING_COLUMNS)}
        FROM order_tracking t WHERE t.order_id = o.id
        """
    )
    op.execute(
        "UPDATE orders o SET sla_state = s.state, sla_reason = s.reason, sla_changed_at = s.changed_at "
        "FROM order_sla s WHERE s.order_id = o.id"
    )
    op.drop_column("orders", "promise_confidence")
    op.drop_index("ix_trust_evidence_unsettled", table_name="trust_evidence", postgresql_where=sa.text("value IS NULL"))
    op.drop_index("ix_trust_evidence_technician_id_at", table_name="trust_evidence")
    op.drop_table("trust_evidence")
    op.drop_table("order_sla")
    op.drop_table("order_tracking")
