import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any


def parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per case")
    return parser


def summary_ms(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(p90 * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "runs": len(ordered),
    }


async def time_async(run: Callable[[], Awaitable[object]], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        await run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        samples.append(time.perf_counter() - started)
    return samples


def time_sync(run: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def report(name: str, figures: dict[str, Any], json_path: Path | None) -> None:
    document = {
        "benchmark": name,
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "cpus": _cpus()},
        "figures": figures,
    }
    print(json.dumps(document, indent=2))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(document, indent=2) + "\n")


def _cpus() -> int:
    return os.cpu_count() or 0


# Where the time goes: CPU seconds of each part of the system, from /proc.


def cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine (every core) so far."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    total = sum(ticks)
    return (total - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK"), total / os.sysconf("SC_CLK_TCK")


def postgres_pids(database: str) -> dict[str, list[int]]:
    """Our database's backends, and PostgreSQL's own background processes (WAL writer, checkpointer...)."""
    query = (
        f"SELECT pid, coalesce(datname = '{database}', false) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        f"AND (datname = '{database}' OR backend_type <> 'client backend')"
    )
    listed = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atqc", query, "-F", " "],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found: dict[str, list[int]] = {"postgres_backends": [], "postgres_background": []}
    for line in listed.splitlines():
        pid, ours = line.split()
        found["postgres_backends" if ours == "t" else "postgres_background"].append(int(pid))
    return found
