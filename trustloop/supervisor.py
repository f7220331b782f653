"""Keeps the processes of `trustloop serve` running: a child that dies (the API, a worker, OSRM) is logged
and started again after a backoff that doubles while it keeps dying (1 s up to 30 s) and resets once it
has stayed up for a minute. SIGTERM or Ctrl-C stops them all."""

import logging
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

log = logging.getLogger("trustloop.supervisor")

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
STABLE_AFTER_S = 60.0


@dataclass
class Child:
    name: str
    command: Sequence[str]
    env: Mapping[str, str] | None
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    backoff_s: float = FIRST_BACKOFF_S
    restart_at: float | None = None
    restarts: int = 0
    exits: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(self) -> None:
        self.children: dict[str, Child] = {}
        self._stopping = False

    def add(self, name: str, command: Sequence[str], env: Mapping[str, str] | None = None) -> Child:
        child = Child(name, command, env)
        self.children[name] = child
        self._start(child)
        return child

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(list(child.command), env=dict(child.env) if child.env else None)
        child.started_at = time.monotonic()
        child.restart_at = None
        log.info("%s started (pid %d)", child.name, child.process.pid)

    def check(self) -> None:
        """One look at every child: restart those due, schedule those that died."""
        now = time.monotonic()
        for child in self.children.values():
            if child.process is None:
                continue
            code = child.process.poll()
            if code is None:
                if now - child.started_at > STABLE_AFTER_S:
                    child.backoff_s = FIRST_BACKOFF_S
                continue
            if child.restart_at is None:
                child.exits.append(code)
                child.restart_at = now + child.backoff_s
                log.warning("%s exited with %d; restarting in %.0f s", child.name, code, child.backoff_s)
                child.backoff_s = min(child.backoff_s * 2, MAX_BACKOFF_S)
            elif now >= child.restart_at and not self._stopping:
                child.restarts += 1
                self._start(child)

    def run(self, poll_s: float = 0.5) -> None:
        """Watches until SIGTERM or SIGINT, then stops every child."""

        def stop(_signum: int, _frame: object) -> None:
            self._stopping = True

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self._stopping:
                self.check()
                time.sleep(poll_s)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.stop()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stopping = True
        running = [c.process for c in self.children.values() if c.process is not None and c.process.poll() is None]
        for process in reversed(running):
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
