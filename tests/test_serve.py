"""`trustloop serve --seed --simulate` (what `make demo` runs): OSRM, the API and the workers up, ready, with a
fleet and simulated people whose phones take the pushes, and kept up: a child killed with SIGKILL comes back."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from app.config import Settings
from app.db import make_engine
from notifications.models import Notification, NotificationStatus
from trustloop.processes import children_of, free_port


def eventually(check: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def sent_pushes(settings: Settings) -> int:
    async def count() -> int:
        engine = make_engine(settings.database_url, 1)
        try:
            async with engine.connect() as connection:
                sent = select(func.count()).where(Notification.status == NotificationStatus.SENT)
                return int(await connection.scalar(sent) or 0)
        finally:
            await engine.dispose()

    return asyncio.run(count())


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def child(serve: subprocess.Popen[bytes], marker: str) -> int | None:
    return next((pid for pid, command in children_of(serve.pid).items() if marker in command), None)


def test_serve_starts_everything_seeds_a_fleet_and_restarts_what_dies(
    app: FastAPI, settings: Settings, tmp_path: Path
) -> None:
    api_port, osrm_port = free_port(), free_port()
    env = {
        **os.environ,
        "TRUSTLOOP_DATABASE_URL": settings.database_url,
        "TRUSTLOOP_DEV_AUTH": "1",
        "TRUSTLOOP_REGION": "helsinki",
        "TRUSTLOOP_DATA_DIR": str(tmp_path),
        "TRUSTLOOP_PORT": str(api_port),
        "TRUSTLOOP_OSRM_PORT": str(osrm_port),
        "TRUSTLOOP_LOG_FORMAT": "human",
    }
    for unset in ("TRUSTLOOP_OSRM_URL", "TRUSTLOOP_FCM_CREDENTIALS", "TRUSTLOOP_FCM_ENDPOINT"):
        env.pop(unset, None)
    serve = subprocess.Popen(
        [sys.executable, "-m", "trustloop.cli", "serve", "--seed", "--simulate"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    output: list[str] = []
    reader = threading.Thread(
        target=lambda: output.extend(line.decode(errors="replace") for line in iter(serve.stdout.readline, b"")),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    base = f"http://127.0.0.1:{api_port}"
    try:
        assert eventually(lambda: any("Trustloop is up" in line for line in output), 120), "".join(output)
        ready = httpx.get(f"{base}/readyz", timeout=5)
        assert ready.json()["checks"] == {"database": "ok", "osrm": "ok"}
        assert (tmp_path / "regions" / "helsinki" / "helsinki.osrm.hsgr").is_file()
        # The seeded fleet: online technicians with positions snapped onto Helsinki's roads.
        assert sum("technician " in line for line in output) == 12
        # A partner's developer can try the partner API at once with the key the demo prints.
        key = next(line.split("API key ")[1].strip() for line in output if "partner Demo Insurance: API key" in line)
        listed = httpx.get(f"{base}/v1/partner/orders", headers={"Authorization": f"Bearer {key}"}, timeout=5)
        assert listed.status_code == 200, listed.text
        # The simulated people's phones (a stand-in for Google's FCM) take the pushes of their first order.
        assert child(serve, "tools.fcm_standin") is not None
        assert eventually(lambda: sent_pushes(settings) > 0, 60), "".join(output)

        api, dispatcher, osrm = child(serve, "uvicorn"), child(serve, "worker dispatch"), child(serve, "osrm-routed")
        victims = [pid for pid in (api, dispatcher, osrm) if pid is not None]
        assert len(victims) == 3
        for victim in victims:
            os.kill(victim, signal.SIGKILL)
        assert eventually(lambda: answers(f"{base}/healthz"), 30)
        assert eventually(lambda: child(serve, "worker dispatch") not in (None, dispatcher), 30)
        assert eventually(lambda: answers(f"{base}/readyz"), 30)  # OSRM is back too
        assert child(serve, "uvicorn") != api
        log = "".join(output)
        for name in ("api", "dispatch worker", "osrm"):
            assert f"{name} exited with -9; restarting" in log
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    assert children_of(serve.pid) == {}
