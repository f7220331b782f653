"""The migrations build the schema from an empty database, agree with the models, and unwind cleanly."""

import asyncio
import json

import asyncpg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from app.config import PROJECT_ROOT
from app.db import recreate_database
from tests.conftest import TEST_DATABASE_URL

MIGRATIONS_DATABASE_URL = TEST_DATABASE_URL + "_migrations"


async def user_tables(url: str) -> set[str]:
    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database
    )
    try:
        rows = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'"
        )
        return {row["tablename"] for row in rows}
    finally:
        await connection.close()


def fresh_database() -> Config:
    """An empty migrations database and the Alembic configuration that points at it."""
    asyncio.run(recreate_database(MIGRATIONS_DATABASE_URL))
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", MIGRATIONS_DATABASE_URL)
    return config


@pytest.mark.integration
def test_upgrade_check_downgrade_upgrade() -> None:
    config = fresh_database()

    command.upgrade(config, "head")
    command.check(config)  # raises if the models and the migrations disagree
    assert asyncio.run(user_tables(MIGRATIONS_DATABASE_URL)) >= {
        "users", "drivers", "technicians", "orders", "job_events", "offers", "devices", "feedback", "notifications", "deliveries",
        "idempotency_keys", "regions", "alembic_version",
    }  # fmt: skip

    command.downgrade(config, "base")
    assert asyncio.run(user_tables(MIGRATIONS_DATABASE_URL)) == {"alembic_version"}

    command.upgrade(config, "head")
    command.check(config)
    # A round writes a thousand decisions at once: their candidates compress with lz4, not pglz (migration 0030).
    compression = asyncio.run(_run(MIGRATIONS_DATABASE_URL, (
        "SELECT attcompression FROM pg_attribute WHERE attrelid = 'dispatch_decisions'::regclass"
        " AND attname = 'candidates'"
    )))  # fmt: skip
    assert compression[0]["attcompression"] == b"l"


SEED_0009 = """
INSERT INTO users (id, role, created_at) VALUES
    ('00000000-0000-4000-8000-000000000001', 'driver', now()),
    ('00000000-0000-4000-8000-000000000002', 'technician', now());
INSERT INTO drivers (id, created_at) VALUES ('00000000-0000-4000-8000-000000000001', now());
INSERT INTO technicians (id, name, skills, created_at) VALUES
    ('00000000-0000-4000-8000-000000000002', 'Anna', '{tow}', now());
-- A job on its way, at risk, with its live ETA and route.
INSERT INTO orders (id, driver_id, service, status, location, technician_id, assigned_at, promised_arrival_at,
                    eta_arrival_at, eta_confidence, eta_updated_at, route_geometry, route_distance_m, route_duration_s,
                    sla_state, sla_reason, sla_changed_at, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'tow', 'en_route',
        'SRID=4326;POINT(24.94 60.17)', '00000000-0000-4000-8000-000000000002', now(), now() + interval '10 min',
        now() + interval '12 min', 'high', now(), '{"type": "LineString", "coordinates": [[24.9, 60.1], [24.94, 60.17]]}',
        1200.0, 600.0, 'at_risk', 'the live ETA is beyond the promise', now(), now(), now());
-- A finished job: accepted, on time, fixed, rated 5.
INSERT INTO orders (id, driver_id, service, status, resolution, location, technician_id, assigned_at,
                    promised_arrival_at, eta_confidence, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-000000000001', 'tow', 'completed', 'towed',
        'SRID=4326;POINT(24.94 60.17)', '00000000-0000-4000-8000-000000000002', now() - interval '2 hours',
        now() - interval '100 min', 'high', now() - interval '2 hours', now() - interval '1 hour');
INSERT INTO job_events (order_id, status, created_at) VALUES
    ('00000000-0000-4000-8000-0000000000b2', 'arrived', now() - interval '101 min');
INSERT INTO offers (id, order_id, technician_id, status, source, expires_at, responded_at, created_at) VALUES
    ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000b2',
     '00000000-0000-4000-8000-000000000002', 'accepted', 'dispatch', now(), now() - interval '2 hours', now()),
    ('00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-0000000000a1',
     '00000000-0000-4000-8000-000000000002', 'accepted', 'dispatch', now(), now() - interval '5 min', now());
INSERT INTO feedback (id, order_id, driver_id, technician_id, csat, tags, created_at) VALUES
    ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000b2',
     '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 5, '{}', now());
"""


async def _run(url: str, sql: str) -> list[asyncpg.Record]:
    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database
    )
    try:
        if ";" in sql.strip().rstrip(";"):
            await connection.execute(sql)
            return []
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


def migrated_with(seed: str, before: str, after: str) -> Config:
    """A fresh database at revision `before`, holding the rows of `seed`, then migrated to `after`."""
    config = fresh_database()
    command.upgrade(config, before)
    asyncio.run(_run(MIGRATIONS_DATABASE_URL, seed))
    command.upgrade(config, after)
    return config


@pytest.mark.integration
def test_the_domains_take_their_columns_with_the_data() -> None:
    config = migrated_with(SEED_0009, "0009", "0010")
    tracking = asyncio.run(_run(MIGRATIONS_DATABASE_URL, "SELECT * FROM order_tracking ORDER BY order_id"))
    assert [(str(r["order_id"])[-2:], r["eta_confidence"], r["route_distance_m"]) for r in tracking] == [
        ("a1", "high", 1200.0), ("b2", "high", None)
    ]  # fmt: skip
    assert json.loads(tracking[0]["route_geometry"])["coordinates"][-1] == [24.94, 60.17]
    sla = asyncio.run(_run(MIGRATIONS_DATABASE_URL, "SELECT order_id, state, reason FROM order_sla"))
    assert [(str(r["order_id"])[-2:], r["state"]) for r in sla] == [("a1", "at_risk")]
    evidence = asyncio.run(
        _run(MIGRATIONS_DATABASE_URL, "SELECT signal, value, cause FROM trust_evidence ORDER BY signal, value")
    )
    assert [(r["signal"], r["value"], r["cause"]) for r in evidence] == [
        ("first_fix", 1.0, "completed"),
        ("kept_jobs", 1.0, "completed"),
        ("kept_jobs", None, "offer_accepted"),  # the job on its way: settled when it ends
        ("on_time", 1.0, "arrived"),
        ("rating", 1.0, "rating"),
        ("responsive", 1.0, "offer_accepted"),
        ("responsive", 1.0, "offer_accepted"),
    ]

    command.downgrade(config, "0009")
    restored = asyncio.run(
        _run(MIGRATIONS_DATABASE_URL, "SELECT eta_confidence, route_distance_m, sla_state FROM orders ORDER BY id")
    )
    assert [(r["eta_confidence"], r["route_distance_m"], r["sla_state"]) for r in restored] == [
        ("high", 1200.0, "at_risk"), ("high", None, "ok")
    ]  # fmt: skip


SEED_0030 = """
INSERT INTO users (id, role, created_at) VALUES
    ('00000000-0000-4000-8000-0000000000f1', 'partner', now()),
    ('00000000-0000-4000-8000-0000000000d1', 'driver', now()),
    ('00000000-0000-4000-8000-0000000000d2', 'driver', now()),
    ('00000000-0000-4000-8000-0000000000d3', 'driver', now());
INSERT INTO drivers (id, created_at) VALUES
    ('00000000-0000-4000-8000-0000000000d1', now()), ('00000000-0000-4000-8000-0000000000d2', now()),
    ('00000000-0000-4000-8000-0000000000d3', now());
INSERT INTO partners (id, name, kind, webhook_secret) VALUES
    ('00000000-0000-4000-8000-0000000000f1', 'Fennia', 'insurer', 'secret');
-- One member written two ways (the first written is the older), and another number.
INSERT INTO partner_members (partner_id, phone, driver_id, created_at) VALUES
    ('00000000-0000-4000-8000-0000000000f1', '+358 40 555 0202', '00000000-0000-4000-8000-0000000000d1',
     now() - interval '2 days'),
    ('00000000-0000-4000-8000-0000000000f1', '+358-40-555-0202', '00000000-0000-4000-8000-0000000000d2',
     now() - interval '1 day'),
    ('00000000-0000-4000-8000-0000000000f1', '+41 81 750 00 00', '00000000-0000-4000-8000-0000000000d3', now());
"""


@pytest.mark.integration
def test_members_are_kept_by_their_number_however_written() -> None:
    migrated_with(SEED_0030, "0030", "0031")
    members = asyncio.run(
        _run(MIGRATIONS_DATABASE_URL, "SELECT phone, driver_id FROM partner_members ORDER BY created_at")
    )
    assert [(m["phone"], str(m["driver_id"])[-2:]) for m in members] == [
        ("+358405550202", "d1"),  # the earliest keeps the number, and the partner's next orders come to him
        ("+358-40-555-0202", "d2"),  # the later one keeps his spelling, his account and his orders
        ("+41817500000", "d3"),
    ]
