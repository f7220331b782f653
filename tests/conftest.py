"""Test harness: a fresh PostGIS database migrated with Alembic, a real osrm-routed on central Helsinki."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.config import PROJECT_ROOT, Settings
from app.db import make_engine, make_sessionmaker, recreate_database, transaction, upgrade_schema
from app.geo import Point
from app.regions.extract import service_area
from app.regions.models import Region
from app.regions.service import record_region
from app.routing.osrm import OsrmClient
from app.routing.regions import is_prepared, prepare_region, region_graph, routed_command
from app.technicians.repository import set_last_position
from dispatch import promises
from tools.fcm_standin import write_service_account
from trustloop.api import create_app
from trustloop.models import Base
from trustloop.processes import free_port, spawn_until_up

TEST_DATABASE_URL = os.environ.get(
    "TRUSTLOOP_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_test"
)
TEST_REGION_DIR = PROJECT_ROOT / "var" / "test-regions" / "helsinki"
HELSINKI_PBF = PROJECT_ROOT / "data" / "osm" / "helsinki.osm.pbf"

# Points on the road network of central Helsinki.
KAIVOKATU = Point(lat=60.169902, lon=24.938396)
MIKONKATU = Point(lat=60.170013, lon=24.945371)
UNIONINKATU = Point(lat=60.175005, lon=24.950212)
KAISANIEMENKATU = Point(lat=60.172026, lon=24.947896)


@pytest.fixture(scope="session")
def database_url() -> str:
    """A fresh test database, migrated, serving central Helsinki (the region's area from its extract)."""
    asyncio.run(recreate_database(TEST_DATABASE_URL))
    upgrade_schema(TEST_DATABASE_URL)
    asyncio.run(record_test_region(TEST_DATABASE_URL))
    return TEST_DATABASE_URL


async def record_test_region(url: str) -> None:
    engine = make_engine(url, 1)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            await record_region(
                session, "helsinki", service_area(HELSINKI_PBF), region_graph(TEST_REGION_DIR, "helsinki")
            )
    finally:
        await engine.dispose()


def start_routed(graph: Path, port: int) -> subprocess.Popen[bytes]:
    return spawn_until_up(routed_command(graph, port), f"http://127.0.0.1:{port}/nearest/v1/driving/24.94,60.17")


def prepared_graph(pbf: Path, region: str, directory: Path) -> Path:
    """The region's OSRM graph for the tests, prepared once (kept between runs)."""
    if not is_prepared(directory, region):
        prepare_region(pbf, region, directory)
    return region_graph(directory, region)


def routed(graph: Path) -> Iterator[str]:
    """An osrm-routed on the graph for as long as the generator lives: its base URL."""
    port = free_port()
    process = start_routed(graph, port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def helsinki_graph() -> Path:
    return prepared_graph(HELSINKI_PBF, "helsinki", TEST_REGION_DIR)


@pytest.fixture(scope="session")
def osrm_url(helsinki_graph: Path) -> Iterator[str]:
    yield from routed(helsinki_graph)


LIECHTENSTEIN_PBF = PROJECT_ROOT / "data" / "osm" / "liechtenstein.osm.pbf"
LIECHTENSTEIN_DIR = PROJECT_ROOT / "var" / "test-regions" / "liechtenstein"


@pytest.fixture(scope="session")
def liechtenstein_graph() -> Path:
    return prepared_graph(LIECHTENSTEIN_PBF, "liechtenstein", LIECHTENSTEIN_DIR)


@pytest.fixture
async def liechtenstein(app: FastAPI, liechtenstein_graph: Path) -> AsyncIterator[None]:
    """Liechtenstein recorded beside Helsinki for this test only (the other tests know Helsinki alone)."""
    sessions: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    async with transaction(sessions) as session:
        await record_region(session, "liechtenstein", service_area(LIECHTENSTEIN_PBF), liechtenstein_graph)
    yield
    async with transaction(sessions) as session:
        await session.execute(delete(Region).where(Region.name == "liechtenstein"))


# Where no road engine answers: tests that do not route must not need one (the client falls back to
# straight-line estimates at once, as production does when OSRM is down).
NO_OSRM = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, osrm_url=NO_OSRM, dev_auth=True, metrics_cache_s=0)


@pytest.fixture(scope="session")
def routed_settings(settings: Settings, osrm_url: str) -> Settings:
    """The settings with a real osrm-routed on central Helsinki, for servers started by tests that route."""
    return settings.model_copy(update={"osrm_url": osrm_url})


@pytest.fixture
async def osrm(app: FastAPI, osrm_url: str) -> AsyncIterator[OsrmClient]:
    """A real osrm-routed (central Helsinki) behind the in-process app, for this test."""
    previous = app.state.osrm
    client = OsrmClient(osrm_url)
    app.state.osrm = client
    try:
        yield client
    finally:
        app.state.osrm = previous
        await client.aclose()


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(autouse=True)
async def _clean_tables(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    application: FastAPI = request.getfixturevalue("app")
    # The served regions are reference data, recorded once for the session.
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables if table.name != "regions")
    async with application.state.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    promises.forget()  # the calibration fitted on the drives just removed


@pytest.fixture
def sessions(app: FastAPI) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://trustloop.test") as http:
        yield http


@dataclass
class Actor:
    id: UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """Creates the people of a scenario through the API, as the apps and the console would."""

    def __init__(self, client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.client = client
        self.sessions = sessions
        self._operator: Actor | None = None

    async def _token(self, body: dict[str, Any]) -> Actor:
        response = await self.client.post("/v1/dev/tokens", json=body)
        assert response.status_code == 201, response.text
        data = response.json()
        return Actor(id=UUID(data["user_id"]), token=data["token"])

    async def driver(self) -> Actor:
        return await self._token({"role": "driver"})

    async def operator(self) -> Actor:
        if self._operator is None:
            self._operator = await self._token({"role": "operator"})
        return self._operator

    async def technician(
        self, skills: list[str] | None = None, at: Point | None = KAIVOKATU, online: bool = True, name: str = "Tech",
        **profile: str,
    ) -> Actor:  # fmt: skip
        operator = await self.operator()
        body = {"name": name, "skills": skills or ["tow", "jump_start", "tyre_change"], "vehicle": {"plate": "ABC-1"},
                **profile}  # fmt: skip
        response = await self.client.post("/v1/ops/technicians", json=body, headers=operator.headers)
        assert response.status_code == 201, response.text
        actor = await self._token({"role": "technician", "technician_id": response.json()["id"]})
        if online:
            availability = {"online": True}
            assert (
                await self.client.put("/v1/technicians/me/availability", json=availability, headers=actor.headers)
            ).status_code == 200
        if at is not None:
            async with transaction(self.sessions) as session:
                await set_last_position(session, actor.id, at, datetime.now(UTC))
        return actor

    async def order(self, driver: Actor, service: str = "tow", at: Point = MIKONKATU) -> dict[str, Any]:
        body = {"service": service, "location": at.model_dump(), "address": "Mikonkatu 1"}
        response = await self.client.post("/v1/orders", json=body, headers=driver.headers)
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()
        return order

    async def offer(self, order_id: str, technician: Actor, ttl_s: int = 30) -> dict[str, Any]:
        operator = await self.operator()
        response = await self.client.post(
            f"/v1/ops/orders/{order_id}/offers",
            json={"technician_id": str(technician.id), "ttl_s": ttl_s},
            headers=operator.headers,
        )
        assert response.status_code == 201, response.text
        offer: dict[str, Any] = response.json()
        return offer

    async def assign(self, order_id: str, technician: Actor) -> httpx.Response:
        operator = await self.operator()
        return await self.client.post(
            f"/v1/ops/orders/{order_id}/assign", json={"technician_id": str(technician.id)}, headers=operator.headers
        )

    async def status(
        self, order_id: str, technician: Actor, status: str, *, near: bool = True, resolution: str | None = None
    ) -> httpx.Response:
        """The technician reports a step; for `arrived`, his phone first reports him at the driver (unless
        `near` is false), as it would have on the way."""
        if status == "arrived" and near:
            operator = await self.operator()
            order = (await self.client.get(f"/v1/orders/{order_id}", headers=operator.headers)).json()
            async with transaction(self.sessions) as session:
                await set_last_position(session, technician.id, Point(**order["location"]), clock.now())
        body = {"status": status, **({"resolution": resolution} if resolution else {})}
        return await self.client.post(f"/v1/orders/{order_id}/status", json=body, headers=technician.headers)

    async def finish(
        self, order_id: str, technician: Actor, outcome: str = "completed", resolution: str | None = None
    ) -> None:
        """Drives an assigned job to its end as the technician's app would."""
        for status in ("en_route", "arrived", "in_progress"):
            assert (await self.status(order_id, technician, status)).status_code == 200
        assert (await self.status(order_id, technician, outcome, resolution=resolution)).status_code == 200

    async def rate(self, order_id: str, driver: Actor, **rating: Any) -> httpx.Response:
        return await self.client.post(f"/v1/orders/{order_id}/feedback", json=rating, headers=driver.headers)


@pytest.fixture
def api(client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]) -> Api:
    return Api(client, sessions)


def start_fcm_standin(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tools.fcm_standin", "--port", str(port)]
    return spawn_until_up(command, f"http://127.0.0.1:{port}/received", quiet=False)


@pytest.fixture(scope="session")
def fcm_standin() -> Iterator[str]:
    process = start_fcm_standin(port := free_port())
    base = f"http://127.0.0.1:{port}"
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def fcm_credentials(fcm_standin: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A service account with a key made here, whose token_uri is the stand-in: the production credential path."""
    return write_service_account(tmp_path_factory.mktemp("fcm") / "service-account.json", f"{fcm_standin}/token")


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 10.0, every_s: float = 0.05) -> bool:
    """Polls `check` until it holds or time runs out: for effects of other processes."""
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every_s)
    return True


def start_server(settings: Settings, port: int, **extra_env: str) -> subprocess.Popen[bytes]:
    env = {
        **extra_env,
        **os.environ,
        "TRUSTLOOP_DATABASE_URL": settings.database_url,
        "TRUSTLOOP_OSRM_URL": settings.effective_osrm_url,
        "TRUSTLOOP_DEV_AUTH": "1",
        "TRUSTLOOP_ETA_REFRESH_S": "0",
        "TRUSTLOOP_ARRIVAL_DWELL_S": "1",
        "TRUSTLOOP_API_KEY_RECHECK_S": "1",
    }
    command = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    return spawn_until_up(command, f"http://127.0.0.1:{port}/healthz", env=env)


@pytest.fixture(scope="session")
def two_servers(routed_settings: Settings) -> Iterator[tuple[str, str]]:
    """Two API processes on the same database: what one publishes, the other's clients must see."""
    ports = [free_port(), free_port()]
    processes = [start_server(routed_settings, port) for port in ports]
    yield (f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}")
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


@pytest.fixture
def servers(app: FastAPI, two_servers: tuple[str, str]) -> tuple[str, str]:
    """The two servers, with the test's tables cleaned after it (through the in-process app)."""
    return two_servers


# A test that needs any of these is an integration test: it runs on PostgreSQL, OSRM or a server process.
INTEGRATION_FIXTURES = frozenset({"database_url", "osrm_url", "helsinki_graph", "fcm_standin", "cluster"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks the integration tests, so that `pytest -m "not integration"` (make test-fast) runs the pure
    cores alone in seconds."""
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
