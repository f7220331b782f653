"""The migrations build the schema from an empty database, agree with the models, and unwind cleanly."""

import asyncio

import asyncpg
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


def test_upgrade_check_downgrade_upgrade() -> None:
    asyncio.run(recreate_database(MIGRATIONS_DATABASE_URL))
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", MIGRATIONS_DATABASE_URL)

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
