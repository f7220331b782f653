"""A partner's receiver for the webhooks benchmark, in its own process (uvicorn, so that the receiver is not
what limits the figures): answers 200 at once and remembers when each event came. `GET /received` gives
{event id: unix time received}. Run: `python -m uvicorn bench.webhook_receiver:app --port N`."""

import json
import time
from typing import Any

received: dict[str, float] = {}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    if scope["method"] == "GET":
        payload = json.dumps(received).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": payload})
        return
    while (await receive()).get("more_body"):
        pass
    headers = dict(scope["headers"])
    received.setdefault(headers.get(b"trustloop-event-id", b"").decode(), time.time())
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})
