"""The logs of a real API process: one structured record per request, and never a token."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from app.config import Settings
from app.logs import RedactSecrets, loggable_path
from tests.conftest import Api
from trustloop.processes import free_port, wait_until_up


@pytest.fixture
def logging_server(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An API process writing JSON logs to a file: (base URL, log file)."""
    port = free_port()
    log_file = tmp_path / "api.log"
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": settings.database_url, "TRUSTLOOP_OSRM_URL": "http://127.0.0.1:9",
           "TRUSTLOOP_DEV_AUTH": "1", "TRUSTLOOP_LOG_FORMAT": "json"}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--port", str(port), "--no-access-log"]
    with log_file.open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/healthz", process=server)
    yield base, log_file
    server.terminate()
    server.wait(timeout=10)


async def test_access_records_are_structured_and_carry_no_token(logging_server: tuple[str, Path], api: Api) -> None:
    base, log_file = logging_server
    driver = await api.driver()
    order = await api.order(driver)
    async with httpx.AsyncClient(base_url=base) as client:
        read = await client.get(f"/v1/orders/{order['id']}", headers={**driver.headers, "X-Request-ID": "trace-42"})
        assert read.headers["x-request-id"] == "trace-42"
        assert (await client.get(f"/v1/orders/{order['id']}/events?access_token=nope")).status_code == 401
    ws_base = base.replace("http", "ws")
    async with connect(f"{ws_base}/v1/orders/{order['id']}/live?access_token={driver.token}") as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
    async with httpx.AsyncClient(base_url=base) as client:
        await client.get("/healthz")  # the socket's record is written when it closes: let it flush

    text = log_file.read_text()
    assert driver.token not in text
    assert "access_token=nope" not in text
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [r for r in records if r["logger"] == "trustloop.access"]
    read_record = next(r for r in access if r.get("request_id") == "trace-42")
    assert read_record["route"] == "/v1/orders/{order_id}"
    assert read_record["status"] == 200
    assert read_record["user_id"] == str(driver.id)
    assert read_record["duration_ms"] >= 0
    socket_record = next(r for r in access if r["method"] == "WEBSOCKET")
    assert socket_record["path"] == f"/v1/orders/{order['id']}/live"
    assert socket_record["user_id"] == str(driver.id)


def test_secrets_in_any_message_are_masked() -> None:
    import logging

    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, 'GET "/v1/x?a=1&access_token=%s&token=t"', ("abc",), None
    )
    RedactSecrets().filter(record)
    assert record.getMessage() == 'GET "/v1/x?a=1&access_token=REDACTED&token=REDACTED"'


def test_tracking_tokens_in_paths_are_masked() -> None:
    import logging

    token = "AbCdEfGhIjKlMnOpQrStUv.wXyZ0123456789_-aBcD"
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, '127.0.0.1 - "WebSocket /v1/track/%s/live" [accepted]', (token,), None
    )
    RedactSecrets().filter(record)
    assert token not in record.getMessage()
    assert "/v1/track/REDACTED/live" in record.getMessage()
    assert loggable_path(f"/t/{token}") == "/t/REDACTED"
    assert loggable_path("/v1/orders/abc") == "/v1/orders/abc"
    push_token = "dX1a:APA91bH-8yZ_k2"  # a phone's FCM token, in the path of its unregistration
    assert loggable_path(f"/v1/devices/{push_token}") == "/v1/devices/REDACTED"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, 'DELETE "/v1/devices/%s" 204', (push_token,), None)
    RedactSecrets().filter(record)
    assert push_token not in record.getMessage()


async def test_a_database_errors_values_stay_out_of_the_log(database_url: str) -> None:
    """PostgreSQL's and asyncpg's own messages (not only the statement's parameters, hidden by the engine)
    carry the values of a failed write: real errors, logged with their tracebacks as a 500 would be."""
    import logging

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from app.db import make_engine
    from app.logs import HumanFormatter, JsonFormatter

    phone, other_phone, token = "+358401234567", "+358409876543", "fcm-token-secret"
    failures: list[logging.LogRecord] = []
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(
                text("CREATE TEMP TABLE phones (phone text UNIQUE, n int CHECK (n > 0), id uuid, note text)")
            )
            await connection.execute(text("INSERT INTO phones (phone, n) VALUES (:phone, 1)"), {"phone": phone})
            for statement, values in [
                ("INSERT INTO phones (phone, n) VALUES (:v, 2)", {"v": phone}),  # DETAIL: Key (phone)=(…)
                ("INSERT INTO phones (phone, n) VALUES (:v, -1)", {"v": other_phone}),  # Failing row contains (…)
                ("INSERT INTO phones (phone, n, id) VALUES ('a', 3, :v)", {"v": token}),  # asyncpg cannot send it
                ("INSERT INTO phones (phone, n) VALUES ('b', CAST(:v AS text)::int)", {"v": token}),  # nor read it
                # A failing row whose note runs over lines, the second one looking like a heading.
                ("INSERT INTO phones (phone, n, note) VALUES ('c', -1, :v)", {"v": f"call me\nPhone: {other_phone}"}),
                ("INSERT INTO phones (phone, n) VALUES ('d', CAST(:v AS text)::int)", {"v": "358409876543"}),  # range
            ]:
                try:
                    async with connection.begin_nested():
                        await connection.execute(text(statement), values)
                except DBAPIError:
                    failures.append(logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()))
    finally:
        await engine.dispose()

    assert len(failures) == 6
    for formatter in (JsonFormatter(), HumanFormatter()):
        logged = "\n".join(formatter.format(record) for record in failures)
        for secret in (phone, other_phone, token, "358409876543", "call me"):
            assert secret not in logged
        for kept in ("phones_phone_key", "Key (phone)=", "phones_n_check", "query argument $1", "type integer",
                     "is out of range"):  # fmt: skip
            assert kept in logged  # what went wrong, without the values
