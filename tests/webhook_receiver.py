"""A partner's webhook receiver for the tests: a real HTTP server on a thread that checks every signature
as a partner would, remembers what came, and answers as the test tells it (500 for a while, then 200)."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from webhooks.signing import SIGNATURE_HEADER, verify


@dataclass
class Received:
    event_id: str
    event_type: str
    order_id: str
    signed: bool
    answered: int
    body: dict[str, Any]


@dataclass
class Receiver:
    secret: str = ""
    answer: Callable[[dict[str, Any]], int] = lambda _: 200
    calls: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> list[Received]:
        """What the partner took in (2xx), in arrival order."""
        with self.lock:
            return [c for c in self.calls if 200 <= c.answered < 300]


@contextmanager
def webhook_receiver(secret: str = "") -> Iterator[Receiver]:
    receiver = Receiver(secret=secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw)
            signed = verify(receiver.secret, self.headers.get(SIGNATURE_HEADER, ""), raw, int(time.time()))
            code = receiver.answer(body) if signed else 400
            with receiver.lock:
                receiver.calls.append(
                    Received(body["id"], body["type"], body["data"]["order"]["id"], signed, code, body)
                )
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
