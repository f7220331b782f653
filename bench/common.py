import argparse
import json
import platform
import statistics
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
    import os

    return os.cpu_count() or 0
