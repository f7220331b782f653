"""A location batch that detects an arrival commits synchronously: a crash right after it loses nothing.

Killing only the API process cannot lose a committed transaction, whatever its synchronous_commit; what a
relaxed commit risks is the database dying before its WAL writer flushed. So this test runs its own
PostgreSQL cluster, with the WAL writer slowed to 10 s (a relaxed commit waits that long for the disk), and
kills the cluster and the API with SIGKILL right after the batch."""

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from app.config import Settings
from app.db import upgrade_schema
from app.geo import Point
from tests.conftest import KAIVOKATU, MIKONKATU, record_test_region, start_server
from trustloop.processes import children_of, free_port

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/trustloop"

    def start(self) -> None:
        assert PG_BIN is not None
        command = [
            str(PG_BIN / "postgres"), "-D", str(self.directory), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.directory}",
            "-c", "wal_writer_delay=10000", "-c", "fsync=on",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            _as_postgres(command), start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while subprocess.run(
            [str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"], check=False
        ).returncode:
            assert time.monotonic() < deadline, "the test cluster did not start"
            time.sleep(0.1)

    def crash(self) -> None:
        """Every process of the cluster dies at once, as in a power cut of the database host (each child of
        the postmaster leads its own process group, so they are killed one by one, postmaster first)."""
        assert self.process is not None
        postmaster = int((self.directory / "postmaster.pid").read_text().split()[0])
        for pid in [postmaster, *list(children_of(postmaster))]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while list(children_of(postmaster)) and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if PG_BIN is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("needs PostgreSQL's server binaries")
    home = Path(tempfile.mkdtemp(prefix="trustloop-cluster-"))  # readable by the postgres user, unlike pytest's
    directory = home / "data"
    directory.mkdir()
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        shutil.chown(directory, "postgres")
    subprocess.run(
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(directory), "-A", "trust", "-U", "postgres"]),
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    found = Cluster(directory, free_port())
    found.start()
    yield found
    if found.process is not None and found.process.poll() is None:
        found.crash()
    shutil.rmtree(home, ignore_errors=True)


async def _create_database(cluster: Cluster) -> None:
    admin = await asyncpg.connect(host="127.0.0.1", port=cluster.port, user="postgres", database="postgres")
    try:
        await admin.execute("CREATE DATABASE trustloop")
    finally:
        await admin.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str


@pytest.fixture
async def server(cluster: Cluster, settings: Settings) -> AsyncIterator[Server]:
    """An API process (arrival dwell 1 s) on a fresh database of the test's own cluster."""
    await _create_database(cluster)
    await asyncio.to_thread(upgrade_schema, cluster.url)
    await record_test_region(cluster.url)
    port = free_port()
    process = start_server(settings.model_copy(update={"database_url": cluster.url}), port)
    yield Server(process, f"http://127.0.0.1:{port}")
    process.kill()
    process.wait()


async def _token(api: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, str]:
    issued = (await api.post("/v1/dev/tokens", json=body)).json()
    return {"Authorization": f"Bearer {issued['token']}"}


async def _hire(api: httpx.AsyncClient, operator: dict[str, str], name: str) -> tuple[str, dict[str, str]]:
    hired = await api.post("/v1/ops/technicians", json={"name": name, "skills": ["tow"]}, headers=operator)
    technician_id: str = hired.json()["id"]
    return technician_id, await _token(api, {"role": "technician", "technician_id": technician_id})


async def _fetch(cluster: Cluster, query: str, *args: object) -> list[asyncpg.Record]:
    database = await asyncpg.connect(host="127.0.0.1", port=cluster.port, user="postgres", database="trustloop")
    try:
        return list(await database.fetch(query, *args))
    finally:
        await database.close()


def _point(at: Point, moment: datetime) -> dict[str, Any]:
    return {"lat": at.lat, "lon": at.lon, "recorded_at": moment.isoformat(), "accuracy_m": 5.0}


async def test_an_arrival_detected_from_positions_survives_a_crash_of_the_database(
    cluster: Cluster, server: Server
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as api:
        operator = await _token(api, {"role": "operator"})
        technician_id, technician = await _hire(api, operator, "Anna")
        await api.put("/v1/technicians/me/availability", json={"online": True}, headers=technician)
        earlier = datetime.now(UTC) - timedelta(minutes=3)  # far enough back to have driven from there
        await api.post(
            "/v1/technicians/me/locations", json={"points": [_point(KAIVOKATU, earlier)]}, headers=technician
        )
        driver = await _token(api, {"role": "driver"})
        body = {"service": "tow", "location": MIKONKATU.model_dump()}
        order = (await api.post("/v1/orders", json=body, headers=driver)).json()
        offer = await api.post(
            f"/v1/ops/orders/{order['id']}/offers", json={"technician_id": technician_id}, headers=operator
        )
        accepted = await api.post(f"/v1/offers/{offer.json()['id']}/accept", headers=technician)
        assert accepted.json()["eta"]["promised_at"] is not None
        await api.post(f"/v1/orders/{order['id']}/status", json={"status": "en_route"}, headers=technician)
        for step in range(2):  # near the driver for longer than the dwell time (1 s in these servers)
            moment = datetime.now(UTC) + timedelta(milliseconds=10)
            batch = await api.post(
                "/v1/technicians/me/locations", json={"points": [_point(MIKONKATU, moment)]}, headers=technician
            )
            assert batch.json()["accepted"] == 1, batch.text
            if step == 0:
                await asyncio.sleep(1.2)
        seen = (await api.get(f"/v1/orders/{order['id']}", headers=driver)).json()
        assert seen["status"] == "arrived"  # detected, committed and acknowledged
        cluster.crash()
        server.process.kill()

    cluster.start()
    status = await _fetch(cluster, "SELECT status FROM orders WHERE id = $1", order["id"])
    pushes = await _fetch(cluster, "SELECT 1 FROM notifications WHERE order_id = $1 AND kind = 'arrived'", order["id"])
    on_time = await _fetch(
        cluster, "SELECT 1 FROM trust_evidence WHERE order_id = $1 AND signal = 'on_time'", order["id"]
    )
    history = await _fetch(
        cluster, "SELECT 1 FROM trust_score_history WHERE order_id = $1 AND cause = 'arrived'", order["id"]
    )
    assert [row["status"] for row in status] == ["arrived"]
    assert (len(pushes), len(on_time), len(history)) == (1, 1, 1)


async def test_a_bare_position_update_still_commits_without_waiting_for_the_disk(
    cluster: Cluster, server: Server
) -> None:
    """The other side of the rule: pings that change nothing else stay cheap (and a crash may lose them)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as api:
        technician_id, technician = await _hire(api, await _token(api, {"role": "operator"}), "Boris")
        ping = await api.post(
            "/v1/technicians/me/locations", json={"points": [_point(KAIVOKATU, datetime.now(UTC))]}, headers=technician
        )
        assert ping.json()["accepted"] == 1
        cluster.crash()
        server.process.kill()

    cluster.start()
    rows = await _fetch(cluster, "SELECT position_at FROM technicians WHERE id = $1", technician_id)
    assert [row["position_at"] for row in rows] == [None]  # acknowledged, but not on disk when the database died
