"""`trustloop serve --seed` (what `make demo` runs) brings up OSRM and the API, ready, with a fleet."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi import FastAPI

from app.config import Settings
from trustloop.processes import free_port


def test_serve_starts_osrm_and_the_api_and_seeds_a_fleet(app: FastAPI, settings: Settings, tmp_path: Path) -> None:
    api_port, osrm_port = free_port(), free_port()
    env = {
        **os.environ,
        "TRUSTLOOP_DATABASE_URL": settings.database_url,
        "TRUSTLOOP_DEV_AUTH": "1",
        "TRUSTLOOP_REGION": "helsinki",
        "TRUSTLOOP_DATA_DIR": str(tmp_path),
        "TRUSTLOOP_PORT": str(api_port),
        "TRUSTLOOP_OSRM_PORT": str(osrm_port),
    }
    env.pop("TRUSTLOOP_OSRM_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "trustloop.cli", "serve", "--seed"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{api_port}"
    try:
        deadline = time.monotonic() + 90
        ready = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                ready = httpx.get(f"{base}/readyz", timeout=2)
                operator = httpx.post(f"{base}/v1/dev/tokens", json={"role": "operator"}, timeout=2)
                if ready.status_code == 200 and operator.status_code == 201:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert ready is not None, "the API never answered"
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "osrm": "ok"}
        assert (tmp_path / "regions" / "helsinki" / "helsinki.osrm.hsgr").is_file()
        # The seeded fleet: online technicians with positions snapped onto Helsinki's roads.
        deadline = time.monotonic() + 30
        seeded = b""
        while time.monotonic() < deadline and b"Trustloop is up" not in seeded:
            seeded += process.stdout.readline() if process.stdout else b""
        assert seeded.count(b"technician ") == 12
    finally:
        process.terminate()
        process.wait(timeout=20)
