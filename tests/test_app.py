import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import recreate_database, upgrade_schema
from app.routing.osrm import OsrmClient
from trustloop.api import create_app
from trustloop.wiring import wire


async def test_dev_tokens_are_absent_without_dev_auth(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"dev_auth": False}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.post("/v1/dev/tokens", json={"role": "driver"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_production_refuses_insecure_settings() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="DEV_AUTH"):
        Settings(environment="production", jwt_secret="s" * 40, dev_auth=True)
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        Settings(environment="production", jwt_secret="s" * 40)
    with pytest.raises(ValidationError, match="TRACKING_SECRET"):
        Settings(environment="production", jwt_secret="s" * 40, metrics_token="m" * 40, tracking_secret="short")
    secure = Settings(environment="production", jwt_secret="s" * 40, metrics_token="m" * 40, tracking_secret="t" * 40)
    assert secure.environment == "production"


def test_each_region_has_its_clock_and_an_unknown_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTLOOP_REGION_TIMEZONES", '{"tampere": "Europe/Helsinki"}')
    settings = Settings(timezone="Europe/Vaduz", regions=["tampere", "liechtenstein"])
    assert settings.timezone_of("tampere") == settings.timezone_of("helsinki") == "Europe/Helsinki"
    assert settings.timezone_of("liechtenstein") == settings.timezone_of(None) == "Europe/Vaduz"
    with pytest.raises(ValidationError, match="unknown time zone 'Europe/Tampere'"):
        Settings(region_timezones={"tampere": "Europe/Tampere"}, regions=["tampere"])
    with pytest.raises(ValidationError, match="does not serve: tampere"):
        Settings(regions=["liechtenstein", "helsinki"])  # named in the time zones, not in the regions: a typo
    assert Settings(regions=["tampere"]).timezone_of("tampere") == "Europe/Helsinki"
    assert Settings().timezone_of("tampere") == "Europe/Helsinki"  # no REGIONS: every region recorded is served
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(timezone="Helsinki time")


async def test_health_and_readiness(client: httpx.AsyncClient, osrm: OsrmClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "osrm": "ok"}


async def test_readiness_reports_osrm_down(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"osrm_url": "http://127.0.0.1:9"}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "ok", "osrm": "down"}


async def test_every_response_carries_security_headers(client: httpx.AsyncClient) -> None:
    api = await client.get("/v1/orders")  # a 401 as much as a 200
    console = await client.get("/console")
    docs = await client.get("/docs")
    for response in (api, console, docs):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src 'self';" in console.headers["content-security-policy"]  # its own files, nothing inline
    nonce = docs.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in docs.text


async def test_avatars_draw_initials_and_refuse_to_echo_markup(client: httpx.AsyncClient) -> None:
    portrait = await client.get("/avatars/greta-lind.svg")
    assert portrait.status_code == 200
    assert portrait.headers["content-type"].startswith("image/svg+xml")
    assert ">GL</text>" in portrait.text

    hostile = await client.get("/avatars/%3Cscript%3E.svg")
    assert hostile.status_code == 200
    assert "script" not in hostile.text
    assert ">U</text>" in hostile.text


@contextlib.asynccontextmanager
async def app_of_its_own_database(
    settings: Settings, database: str
) -> AsyncIterator[tuple[httpx.AsyncClient, asyncpg.Connection, str]]:
    """An app on a database of its own, so that breaking that database touches no other test's: its client, an
    administrator's connection and the database's name."""
    url = make_url(settings.database_url).set(database=database)
    await recreate_database(url.render_as_string(hide_password=False))
    await asyncio.to_thread(upgrade_schema, url.render_as_string(hide_password=False))
    app = create_app(settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)}))
    admin = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database="postgres")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://t") as client,
        ):
            yield client, admin, database
    finally:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()
        wire(settings)


async def test_a_database_out_of_reach_is_a_503_to_retry_not_a_500(settings: Settings) -> None:
    async with app_of_its_own_database(settings, "trustloop_test_out_of_reach") as (client, admin, name):
        assert (await client.get("/v1/regions")).status_code == 200
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        for path in ("/v1/regions", "/v1/regions"):  # a pooled connection found dead, then a new one refused
            refused = await client.get(path)
            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["retry-after"] == "2"
            assert refused.json()["type"].endswith("/unavailable")
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert (await client.get("/v1/regions")).status_code == 200  # back by itself


async def test_a_fault_of_ours_is_a_problem_with_a_reference_not_a_bare_500(settings: Settings) -> None:
    """A real one: a table missing from the database (a deploy gone wrong), which no handler expects."""
    async with app_of_its_own_database(settings, "trustloop_test_fault") as (client, _, name):
        url = make_url(settings.database_url)
        owner = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=name)
        try:
            await owner.execute("ALTER TABLE regions RENAME TO regions_moved")
        finally:
            await owner.close()
        failed = await client.get("/v1/regions", headers={"X-Request-ID": "support-42"})
        assert failed.status_code == 500
        assert failed.headers["content-type"] == "application/problem+json"
        assert failed.headers["x-request-id"] == "support-42"
        body = failed.json()
        assert body["reference"] == "support-42"
        assert body["type"].endswith("/internal-server-error")
        assert "regions" not in failed.text  # what broke goes to the server's log (raised on), not to the caller
