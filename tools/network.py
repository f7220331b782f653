"""A private network on this machine for the tests and benchmarks that run the system's nodes as separate hosts:
a Linux network namespace per host, each on a veth pair whose other end sits on a bridge in the root namespace,
and HAProxy on the bridge's address as the load balancer in front of the API nodes and the way to what runs in
the root namespace (PostgreSQL, OSRM). Needs root, iproute2 and HAProxy."""

import contextlib
import functools
import ipaddress
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

SUBNETS = ipaddress.IPv4Network("10.213.0.0/16")  # each run takes a /24 of it that no interface uses yet


def unavailable() -> str | None:
    """Why this machine cannot make network namespaces, or None when it can."""
    if os.geteuid() != 0:
        return "needs root: it makes network namespaces, veth pairs and a bridge"
    if shutil.which("ip") is None:
        return "needs iproute2's `ip` for network namespaces"
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        return f"`ip netns` is unavailable here: {listed.stderr.strip()}"
    return None


def ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")


def free_subnet() -> ipaddress.IPv4Network:
    """A /24 of SUBNETS that no interface of the root namespace has an address in."""
    listed = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, check=True)
    used = [ipaddress.ip_interface(line.split()[3]).ip for line in listed.stdout.splitlines()]
    subnets = list(SUBNETS.subnets(new_prefix=24))
    start = random.randrange(len(subnets))
    for subnet in subnets[start:] + subnets[:start]:
        if not any(address in subnet for address in used):
            return subnet
    raise RuntimeError(f"no free /24 left in {SUBNETS}")


@dataclass(frozen=True)
class Host:
    namespace: str
    address: str

    def command(self, argv: list[str]) -> list[str]:
        """`argv` run in the host's namespace (`ip netns exec` replaces itself with it: same process id)."""
        return ["ip", "netns", "exec", self.namespace, *argv]


class Network:
    """The bridge (its address is where the hosts reach the root namespace) and one namespace per host. The
    names carry a random tag, so leftovers of a crashed run never block the next one."""

    def __init__(self, hosts: list[str]) -> None:
        tag = secrets.token_hex(3)
        self.subnet = free_subnet()
        addresses = (str(address) for address in self.subnet.hosts())
        self.gateway = next(addresses)
        self.bridge = f"tlbr{tag}"
        self.hosts = {name: Host(f"tl{tag}-{name}", next(addresses)) for name in hosts}
        self._veths = {name: f"tl{tag}v{n}" for n, name in enumerate(hosts)}
        self._undo: list[Callable[[], None]] = []

    def up(self) -> None:
        prefix = self.subnet.prefixlen
        ip("link", "add", self.bridge, "type", "bridge")
        self._undo.append(lambda: ip("link", "del", self.bridge))
        ip("addr", "add", f"{self.gateway}/{prefix}", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")
        for name, host in self.hosts.items():
            ip("netns", "add", host.namespace)
            self._undo.append(functools.partial(self._remove, host))
            # The inside end is the host's eth0; deleting the namespace deletes the pair.
            ip("link", "add", self._veths[name], "type", "veth", "peer", "name", "eth0", "netns", host.namespace)
            ip("link", "set", self._veths[name], "master", self.bridge, "up")
            ip("-n", host.namespace, "addr", "add", f"{host.address}/{prefix}", "dev", "eth0")
            ip("-n", host.namespace, "link", "set", "eth0", "up")
            ip("-n", host.namespace, "link", "set", "lo", "up")

    @staticmethod
    def _remove(host: Host) -> None:
        """Whatever still runs in the namespace is ours: it goes with it."""
        listed = subprocess.run(["ip", "netns", "pids", host.namespace], capture_output=True, text=True, check=False)
        for pid in listed.stdout.split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        ip("netns", "del", host.namespace)

    def down(self) -> list[str]:
        """Removes everything `up` made, in reverse, going on past failures; returns them."""
        failures = []
        while self._undo:
            try:
                self._undo.pop()()
            except (RuntimeError, OSError) as exc:
                failures.append(str(exc))
        return failures


@dataclass(frozen=True)
class Forward:
    """A TCP port on the bridge's address, passed to a server in the root namespace."""

    name: str
    port: int
    target: str  # host:port


def haproxy_config(
    gateway: str,
    http_port: int,
    api_nodes: Mapping[str, str],
    forwards: list[Forward],
    more_fronts: Mapping[int, Mapping[str, str]] | None = None,
) -> str:
    """HTTP balancing over the API nodes, health-checked on /healthz (a WebSocket passes once upgraded, held by
    `timeout tunnel`), and plain TCP forwards. A request whose connection failed is sent to another node;
    one that reached a node which then died is answered 502 and never replayed: the client retries, with
    an Idempotency-Key where it matters. Long TCP timeouts: a worker's LISTEN connection is quiet for long.
    `more_fronts` are further HTTP fronts, each on its port balancing its own share of the nodes."""
    fronts = {http_port: api_nodes, **(more_fronts or {})}
    balanced = "\n".join(
        _balanced("api" if port == http_port else f"api_{port}", gateway, port, nodes) for port, nodes in fronts.items()
    )
    tcp = "\n".join(
        f"listen {f.name}\n    mode tcp\n    bind {gateway}:{f.port}\n    timeout client 1h\n    timeout server 1h\n"
        f"    server {f.name} {f.target}\n"
        for f in forwards
    )
    return f"""global
    maxconn 4096

defaults
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
    retries 3
    option redispatch 1

{balanced}
{tcp}"""


def _balanced(name: str, gateway: str, port: int, api_nodes: Mapping[str, str]) -> str:
    servers = "\n".join(f"    server {node} {address} check" for node, address in api_nodes.items())
    return f"""frontend {name}
    mode http
    bind {gateway}:{port}
    default_backend {name}_nodes

backend {name}_nodes
    mode http
    balance leastconn
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 500ms fastinter 250ms downinter 1s fall 2 rise 2
    http-response set-header X-Served-By %[srv_name]
{servers}
"""


def start_haproxy(config: str, directory: Path) -> subprocess.Popen[bytes]:
    """HAProxy in the foreground (`-db`) on a checked configuration, its log beside it."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise RuntimeError("HAProxy is not installed: `apt-get install haproxy` (make pytest installs it)")
    path = directory / "haproxy.cfg"
    path.write_text(config)
    checked = subprocess.run([haproxy, "-c", "-q", "-f", str(path)], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise RuntimeError(f"haproxy.cfg refused: {checked.stdout}{checked.stderr}")
    with (directory / "haproxy.log").open("wb") as log:
        return subprocess.Popen([haproxy, "-f", str(path), "-db"], stdout=log, stderr=log)


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    """Returns once `process` accepts TCP connections on host:port."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout_s:.0f} s")


def start_on(host: Host, argv: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`argv` started in the host's namespace, its output to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(host.command(argv), env=env, stdout=out, stderr=out)


def wait_until_balanced(base_url: str, nodes: set[str], timeout_s: float = 20.0) -> None:
    """Returns once the load balancer has sent a request to each node (its health checks found them up)."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout_s
    while seen != nodes:
        if time.monotonic() >= deadline:
            raise TimeoutError(f"the load balancer sent nothing to {nodes - seen}")
        try:
            response = httpx.get(f"{base_url}/healthz", timeout=1.0)
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code == 200:
            seen.add(response.headers["X-Served-By"])
        time.sleep(0.05)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Terminates the processes still running, then kills those that do not end within 10 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
