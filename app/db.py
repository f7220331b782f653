import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast
from uuid import UUID, uuid4

import asyncpg
import orjson
from fastapi import Depends, Request
from sqlalchemy import ARRAY, JSON, Column, DateTime, Dialect, MetaData, String, Table, event, func, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, SessionTransaction, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault
from sqlalchemy.types import TypeDecorator, UserDefinedType

from app import clock, events
from app.config import PROJECT_ROOT

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The model's table, for writing many plain rows without the ORM's per-row bookkeeping (its columns'
    defaults still apply)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Many rows in one statement that sends each column as one array (INSERT ... SELECT FROM unnest): asyncpg
    encodes an array in C, where an executemany binds and converts row by row in Python (a dispatch round's
    thousand offers and decisions took over 150 ms that way). Every row gives the same columns; a column left
    out takes its default, as with the ORM. For plain columns only: scalars, enums, JSON."""
    if not rows:
        return
    given = list(rows[0])
    if any(list(row) != given for row in rows):
        raise ValueError("insert_rows: every row must give the same columns, in the same order")
    dialect = session.get_bind().dialect
    defaulted = [c for c in table.columns if c.name not in given and c.default is not None]
    columns = [table.columns[name] for name in given] + defaulted
    arrays: list[list[Any]] = [[_column_value(c, row[c.name]) for row in rows] for c in columns[: len(given)]]
    arrays += [[_column_value(c, _default_value(c)) for _ in rows] for c in defaulted]
    quote = dialect.identifier_preparer
    names = ", ".join(quote.format_column(c) for c in columns)
    casts = ", ".join(f"CAST(:c{k} AS {_array_element_type(c, dialect)}[])" for k, c in enumerate(columns))
    statement = text(f"INSERT INTO {quote.format_table(table)} ({names}) SELECT * FROM unnest({casts})")
    await session.execute(statement, {f"c{k}": values for k, values in enumerate(arrays)})


def _array_element_type(column: Column[Any], dialect: Dialect) -> str:
    if isinstance(column.type, ARRAY | TypeDecorator | UserDefinedType):
        # unnest would flatten an array column, and a decorated or user type's own conversion would be skipped
        raise TypeError(f"insert_rows cannot write {column.name} ({column.type!r})")
    if isinstance(column.type, String):
        # Unbounded: a cast to varchar(n) would cut a long value silently, where the insert itself refuses it.
        return "TEXT"
    return column.type.compile(dialect=dialect)


def _default_value(column: Column[Any]) -> Any:
    default = column.default
    if isinstance(default, ScalarElementColumnDefault):
        return default.arg
    if isinstance(default, CallableColumnDefault):
        # SQLAlchemy wraps the models' callables (uuid4, clock.now) to take an execution context they never read.
        return cast(Callable[[object], Any], default.arg)(None)
    raise TypeError(f"insert_rows cannot apply the default of {column.name} ({default!r})")


def _column_value(column: Column[Any], value: Any) -> Any:
    if isinstance(column.type, JSON):
        # As SQLAlchemy stores it: None is JSON's null unless the column keeps it as SQL NULL.
        return None if value is None and column.type.none_as_null else _dumps(value)
    if value is None:
        return None
    return value.value if isinstance(value, Enum) else value


class UUIDPrimaryKey:
    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())


# A pooled connection idle this long is pinged before use: a database restart, or a balancer's idle timeout
# on the way to it, may have closed it meanwhile. A connection reused within seconds is not: pinging every
# checkout costs a round trip per request, some 10 % of a location request's CPU.
IDLE_PING_S = 5.0


def make_engine(database_url: str, pool_size: int = 10, idle_ping_s: float = IDLE_PING_S) -> AsyncEngine:
    """An `application_name` in the URL names the connections in `pg_stat_activity` (one name per node tells
    them apart); asyncpg takes it as a server setting, not as the keyword SQLAlchemy would pass."""
    url = make_url(database_url)
    application_name = url.query.get("application_name")
    server_settings = {"application_name": str(application_name)} if application_name else {}
    engine = create_async_engine(
        url.difference_update_query(["application_name"]),
        connect_args={"server_settings": server_settings} if server_settings else {},
        pool_size=pool_size,
        max_overflow=pool_size,
        json_serializer=_dumps,
        json_deserializer=orjson.loads,
        hide_parameters=True,  # a database error's message (logged) must not carry secrets, tokens or phones
    )
    _ping_when_idle(engine, idle_ping_s)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_ping_s: float) -> None:
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_ping_s:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:
            raise DisconnectionError("a pooled connection did not answer its ping") from exc  # the pool reconnects


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: the events published in it are delivered to their listeners before it commits;
    any error rolls everything back, the listeners' writes included."""
    async with sessions() as session, session.begin():
        yield session
        await events.deliver(session)


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the endpoint returns, rolled back on any error."""
    async with transaction(request.app.state.sessionmaker) as session:
        yield session


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if events.undelivered(session):
        raise RuntimeError("a transaction with undelivered events must not commit: use app.db.transaction")
    # Off: nothing in it that a crash must not lose (bare position updates), so it need not wait for the disk.
    setting = events.synchronous_commit_before_commit(session)
    if setting is not None:
        session.connection().exec_driver_sql(f"SET LOCAL synchronous_commit = {setting}")


@event.listens_for(Session, "after_transaction_end")
def _forget_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction, not a savepoint
        for key in ("events", "durable", "relaxed", "relaxed_in_sql"):
            session.info.pop(key, None)


# scope="function" commits before the response is sent, so a failed commit becomes an error response.
DbSession = Annotated[AsyncSession, Depends(_request_session, scope="function")]


def violated_constraint(exc: BaseException) -> str | None:
    """The name of the constraint or unique index that a database error reports, if any."""
    cause: BaseException | None = exc
    while cause is not None:
        name = getattr(cause, "constraint_name", None)
        if isinstance(name, str):
            return name
        cause = cause.__cause__ or getattr(cause, "orig", None)
    return None


async def recreate_database(url: str) -> None:
    """Drops and creates the database of `url` (tests and the simulation study start from empty ones)."""
    await _create_database(url, drop_first=True)


async def create_database_if_missing(url: str) -> None:
    await _create_database(url, drop_first=False)


async def _create_database(url: str, drop_first: bool) -> None:
    parsed = make_url(url)
    admin = await asyncpg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password, database="postgres"
    )
    try:
        if drop_first:
            await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await admin.close()


def upgrade_schema(database_url: str) -> None:
    """Applies the Alembic migrations up to the newest (blocking: run it off the event loop)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", database_url)
    command.upgrade(config, "head")
