import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from tests.conftest import free_port


def start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRUSTLOOP_DATABASE_URL": settings.database_url,
        "TRUSTLOOP_OSRM_URL": settings.effective_osrm_url,
        "TRUSTLOOP_DEV_AUTH": "1",
        "TRUSTLOOP_ETA_REFRESH_S": "0",
        "TRUSTLOOP_ARRIVAL_DWELL_S": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the API server did not start")


@pytest.fixture(scope="session")
def two_servers(settings: Settings) -> Iterator[tuple[str, str]]:
    """Two API processes on the same database: what one publishes, the other's clients must see."""
    ports = [free_port(), free_port()]
    processes = [start_server(settings, port) for port in ports]
    yield (f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}")
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


@pytest.fixture
def servers(app: FastAPI, two_servers: tuple[str, str]) -> tuple[str, str]:
    """The two servers, with the test's tables cleaned after it (through the in-process app)."""
    return two_servers
