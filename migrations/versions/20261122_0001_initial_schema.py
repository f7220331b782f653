# mypy: disable-error-code="attr-defined"
# geoalchemy2.alembic_helpers adds op.create_geospatial_table and its kin at run time.
"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 11:13:23.999351
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "users",
        sa.Column(
            "role",
            sa.Enum(
                "driver", "technician", "operator", name="role", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "devices",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=4096), nullable=False),
        sa.Column(
            "platform",
            sa.Enum("android", "ios", "web", name="platform", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column(
            "locale",
            sa.Enum("en", "ru", name="locale", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deactivation_reason", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_devices_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("token", name=op.f("uq_devices_token")),
    )
    op.create_index("ix_devices_user_id", "devices", ["user_id"], unique=False)
    op.create_table(
        "drivers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["users.id"], name=op.f("fk_drivers_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drivers")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"], unique=False)
    op.create_geospatial_table(
        "technicians",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("skills", sa.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("vehicle", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("online", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "position",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
            ),
            nullable=True,
        ),
        sa.Column("position_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("speed_mps", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["users.id"], name=op.f("fk_technicians_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technicians")),
    )
    op.create_geospatial_index(
        "ix_technicians_position", "technicians", ["position"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_geospatial_table(
        "orders",
        sa.Column("driver_id", sa.Uuid(), nullable=False),
        sa.Column(
            "service",
            sa.Enum(
                "tow",
                "jump_start",
                "tyre_change",
                "fuel_delivery",
                "lockout",
                "winch",
                name="service",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "searching",
                "assigned",
                "en_route",
                "arrived",
                "in_progress",
                "completed",
                "failed",
                "cancelled",
                "unfulfilled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "location",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("vehicle", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("promised_arrival_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("eta_arrival_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("eta_confidence", sa.String(length=8), nullable=True),
        sa.Column("route_geometry", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("route_distance_m", sa.Float(), nullable=True),
        sa.Column("route_duration_s", sa.Float(), nullable=True),
        sa.Column(
            "resolution",
            sa.Enum(
                "fixed_on_site",
                "towed",
                "not_fixed",
                name="resolution",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["driver_id"], ["drivers.id"], name=op.f("fk_orders_driver_id_drivers")),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_orders_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index("ix_orders_driver_id_created_at", "orders", ["driver_id", "created_at"], unique=False)
    op.create_geospatial_index(
        "ix_orders_location", "orders", ["location"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index("ix_orders_status", "orders", ["status"], unique=False)
    op.create_index(
        "uq_orders_active_technician",
        "orders",
        ["technician_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('assigned', 'en_route', 'arrived', 'in_progress')"),
    )
    op.create_index(
        "uq_orders_open_driver",
        "orders",
        ["driver_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('searching', 'assigned', 'en_route', 'arrived', 'in_progress')"),
    )
    op.create_table(
        "feedback",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("driver_id", sa.Uuid(), nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("csat", sa.SmallInteger(), nullable=False),
        sa.Column("nps", sa.SmallInteger(), nullable=True),
        sa.Column("ces", sa.SmallInteger(), nullable=True),
        sa.Column("tags", sa.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("ces IS NULL OR ces BETWEEN 1 AND 7", name=op.f("ck_feedback_ces_range")),
        sa.CheckConstraint("csat BETWEEN 1 AND 5", name=op.f("ck_feedback_csat_range")),
        sa.CheckConstraint("nps IS NULL OR nps BETWEEN 0 AND 10", name=op.f("ck_feedback_nps_range")),
        sa.ForeignKeyConstraint(["driver_id"], ["drivers.id"], name=op.f("fk_feedback_driver_id_drivers")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_feedback_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_feedback_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("order_id", name=op.f("uq_feedback_order_id")),
    )
    op.create_index(op.f("ix_feedback_technician_id"), "feedback", ["technician_id"], unique=False)
    op.create_table(
        "job_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "searching",
                "assigned",
                "en_route",
                "arrived",
                "in_progress",
                "completed",
                "failed",
                "cancelled",
                "unfulfilled",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_job_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_job_events_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_events")),
    )
    op.create_index("ix_job_events_order_id_id", "job_events", ["order_id", "id"], unique=False)
    op.create_table(
        "offers",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "declined",
                "expired",
                "withdrawn",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("eta_seconds", sa.Integer(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_offers_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], name=op.f("fk_offers_technician_id_technicians")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("order_id", "technician_id", name=op.f("uq_offers_order_id_technician_id")),
    )
    op.create_index(
        "ix_offers_pending_expires_at",
        "offers",
        ["expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_offers_pending_technician_id",
        "offers",
        ["technician_id", "expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_offers_pending_technician_id", table_name="offers", postgresql_where=sa.text("status = 'pending'")
    )
    op.drop_index("ix_offers_pending_expires_at", table_name="offers", postgresql_where=sa.text("status = 'pending'"))
    op.drop_table("offers")
    op.drop_index("ix_job_events_order_id_id", table_name="job_events")
    op.drop_table("job_events")
    op.drop_index(op.f("ix_feedback_technician_id"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(
        "uq_orders_open_driver",
        table_name="orders",
        postgresql_where=sa.text("status IN ('searching', 'assigned', 'en_route', 'arrived', 'in_progress')"),
    )
    op.drop_index(
        "uq_orders_active_technician",
        table_name="orders",
        postgresql_where=sa.text("status IN ('assigned', 'en_route', 'arrived', 'in_progress')"),
    )
    op.drop_index("ix_orders_status", table_name="orders")
    op.drop_geospatial_index("ix_orders_location", table_name="orders", postgresql_using="gist", column_name="location")
    op.drop_index("ix_orders_driver_id_created_at", table_name="orders")
    op.drop_geospatial_table("orders")
    op.drop_geospatial_index(
        "ix_technicians_position", table_name="technicians", postgresql_using="gist", column_name="position"
    )
    op.drop_geospatial_table("technicians")
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("drivers")
    op.drop_index("ix_devices_user_id", table_name="devices")
    op.drop_table("devices")
    op.drop_table("users")
