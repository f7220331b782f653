import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from app.config import Settings
from app.processes import free_port, spawn_until_up


def start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRUSTLOOP_DATABASE_URL": settings.database_url,
        "TRUSTLOOP_OSRM_URL": settings.effective_osrm_url,
        "TRUSTLOOP_DEV_AUTH": "1",
        "TRUSTLOOP_ETA_REFRESH_S": "0",
        "TRUSTLOOP_ARRIVAL_DWELL_S": "1",
    }
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    return spawn_until_up(command, f"http://127.0.0.1:{port}/healthz", env=env)


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
