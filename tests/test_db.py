"""The engine's connections carry the node's name from the database URL, as `pg_stat_activity` shows them, and
a pooled connection the database closed while it was idle is replaced rather than failing a request."""

import asyncio
from uuid import UUID, uuid4

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import insert_rows, make_engine, table_of, transaction, upgrade_schema
from app.technicians.models import Technician
from app.wakeups import asyncpg_dsn
from notifications.models import Notification, NotificationStatus
from tests.conftest import Api


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


async def _pooled_backend_closed_while_idle(database_url: str, idle_ping_s: float) -> tuple[int, int]:
    """The pid of the pool's one connection, closed by the database while idle, and the pid serving next."""
    engine = make_engine(database_url, 1, idle_ping_s=idle_ping_s)
    try:
        async with engine.connect() as connection:
            first = await connection.scalar(text("SELECT pg_backend_pid()"))
        admin = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        await asyncio.sleep(0.3)
        async with engine.connect() as connection:
            return first, await connection.scalar(text("SELECT pg_backend_pid()"))
    finally:
        await engine.dispose()


async def test_a_pooled_connection_closed_while_idle_is_replaced_before_use(database_url: str) -> None:
    first, second = await _pooled_backend_closed_while_idle(database_url, idle_ping_s=0.1)
    assert second != first


async def test_a_connection_reused_at_once_is_not_pinged(database_url: str) -> None:
    """The other side of the rule (what the ping saves a busy node): a connection back in use within the idle
    time goes unchecked, so one the database closed that soon fails its request once."""
    with pytest.raises(DBAPIError):
        await _pooled_backend_closed_while_idle(database_url, idle_ping_s=60)


async def test_rows_written_as_column_arrays_read_back_as_given_with_the_models_defaults(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    order = await api.order(driver)
    rows = [
        {"user_id": driver.id, "kind": "assigned", "order_id": UUID(order["id"]),
         "params": {"technician": "Anna", "minutes": n, "nested": [1, None, "ё"]}, "collapse_key": key}
        for n, key in enumerate(["first", None, "third"])
    ]  # fmt: skip
    async with transaction(sessions) as session:
        await insert_rows(session, table_of(Notification), [])  # nothing to write: no error
        await insert_rows(session, table_of(Notification), rows)
    async with sessions() as session:
        stored = (await session.scalars(select(Notification).where(Notification.user_id == driver.id))).all()
    by_minutes = sorted(stored, key=lambda n: n.params["minutes"])
    assert [(n.kind, n.order_id, n.params, n.collapse_key) for n in by_minutes] == [
        (r["kind"], r["order_id"], r["params"], r["collapse_key"]) for r in rows
    ]
    assert len({n.id for n in stored}) == 3  # a callable default (uuid4) is called for each row
    assert {(n.status, n.attempts) for n in stored} == {(NotificationStatus.PENDING, 0)}  # scalar defaults
    assert all(n.created_at is not None for n in stored)


async def test_rows_written_as_column_arrays_are_held_to_the_columns_as_a_plain_insert_is(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    push = {"user_id": driver.id, "kind": "assigned", "order_id": None, "params": {}, "collapse_key": None}
    async with transaction(sessions) as session:
        with pytest.raises(DBAPIError, match="too long"):  # refused, not cut to the column's length
            async with session.begin_nested():
                await insert_rows(session, table_of(Notification), [{**push, "collapse_key": "x" * 200}])
        with pytest.raises(ValueError, match="same columns"):
            await insert_rows(session, table_of(Notification), [push, {**push, "extra": 1}])
        with pytest.raises(TypeError, match="position"):  # a geography is not a plain column
            await insert_rows(session, table_of(Technician), [{"id": uuid4(), "name": "T", "position": None}])
        await insert_rows(session, table_of(Notification), [{**push, "params": None}])
    async with sessions() as session:
        stored = await session.scalar(select(Notification).where(Notification.user_id == driver.id))
        raw = await session.scalar(text("SELECT jsonb_typeof(params) FROM notifications WHERE user_id = :u"),
                                   {"u": driver.id})  # fmt: skip
    assert stored is not None
    assert stored.params is None
    assert raw == "null"  # JSON's null, as SQLAlchemy writes None to a JSON column, not SQL NULL
