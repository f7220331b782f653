"""The engine's connections carry the node's name from the database URL, as `pg_stat_activity` shows them."""

import asyncio

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine, upgrade_schema
from app.wakeups import asyncpg_dsn


async def test_a_database_url_names_the_connections_of_the_engine_and_of_the_listeners(database_url: str) -> None:
    named = make_url(database_url).update_query_dict({"application_name": "api-7"})
    url = named.render_as_string(hide_password=False)
    engine = make_engine(url, 1)
    try:
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT current_setting('application_name')")) == "api-7"
    finally:
        await engine.dispose()
    listener = await asyncpg.connect(asyncpg_dsn(url))
    try:
        assert await listener.fetchval("SELECT current_setting('application_name')") == "api-7"
    finally:
        await listener.close()


async def test_the_migrations_run_with_a_named_url(database_url: str) -> None:
    named = make_url(database_url).update_query_dict({"application_name": "migrate-1"})
    await asyncio.to_thread(upgrade_schema, named.render_as_string(hide_password=False))
