"""Starting the servers we run ourselves (osrm-routed, uvicorn, stand-ins) and waiting until they answer."""

import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

import httpx


def wait_until_up(url: str, timeout_s: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Returns once `url` answers over HTTP (any status); raises TimeoutError, or if `process` died first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")


def spawn_until_up(
    command: list[str],
    probe_url: str,
    env: Mapping[str, str] | None = None,
    quiet: bool = True,
    timeout_s: float = 30.0,
) -> subprocess.Popen[bytes]:
    """Starts a server and returns once it answers at `probe_url`; kills it if it never does."""
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
    try:
        wait_until_up(probe_url, timeout_s, process)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children_of(parent: int) -> dict[int, str]:
    """The direct children of a process and their command lines (Linux /proc)."""
    found: dict[int, str] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            if int(fields.get("PPid", "0")) == parent:
                command = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                found[int(status.parent.name)] = command
        except (OSError, ValueError):
            continue  # it ended while we looked
    return found
