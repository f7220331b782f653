"""Logs: structured JSON for machines (one object a line), or short human lines for the demo; one access
record per request with its request id, user, route, status and duration; never a token.

Tokens reach us in headers (never logged) and, for WebSockets and SSE, in the query string: the access log
writes the path without its query, and `redact` masks any credential-like parameter wherever a URL must
be shown."""

import json
import logging
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode
from uuid import uuid4

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LogFormat = Literal["json", "human"]
SECRET_PARAMETERS = frozenset({"access_token", "token", "api_key", "key", "secret"})
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Fields an access record carries besides the message (LogRecord attributes set through `extra`).
FIELDS = ("request_id", "user_id", "method", "route", "path", "status", "duration_ms", "client")

access_log = logging.getLogger("trustloop.access")


SECRET_IN_TEXT = re.compile(r"(?i)\b(" + "|".join(sorted(SECRET_PARAMETERS)) + r")=[^&\s\"']+")


# Paths that carry a credential themselves: the tracking link's token (`/t/<token>`, `/v1/track/<token>/…`) and a
# phone's push token (`DELETE /v1/devices/<token>`).
SECRET_IN_PATH = re.compile(r"(/t/|/v1/track/|/v1/devices/)[^/?#\s\"']+")


# PostgreSQL names the values of a broken constraint in its DETAIL line ("Key (token)=(…) already exists",
# "Failing row contains (…)") and a value it cannot read in its message; asyncpg does the same with a value it
# cannot send. A phone number or a push token would reach the log with a traceback. The columns and the
# constraint stay: they are what a reader needs.
VALUES_IN_DATABASE_ERRORS = (
    # To the end of the line: a key's values, a bad JSON token, a value that could not be read or sent.
    re.compile(
        r"(DETAIL:\s+Key \(.*?\)=|DETAIL:\s+Token |invalid input (?:syntax|value) for [^:\n]*: "
        r"|invalid input for query argument \$\d+: |invalid UUID ).*$",
        re.MULTILINE,
    ),
    # A failing row's values may hold line breaks (a comment, a note): up to the traceback's next line of its own.
    re.compile(
        r"(DETAIL:\s+Failing row contains )[\s\S]*?"
        r"(?=\n(?:HINT:|\[SQL:|\(Background|The above|During handling|Traceback|[\w.]+(?:Error|Exception)\b)|\Z)"
    ),
    re.compile(r'(value )"[^"\n]*"(?= is out of range)'),  # value "…" is out of range for type integer
)


def loggable_path(path: str) -> str:
    return SECRET_IN_PATH.sub(r"\1REDACTED", path)


def mask_secrets(text: str) -> str:
    """The text with credential-like parameters, tokens in paths and values in database errors masked."""
    text = SECRET_IN_PATH.sub(r"\1REDACTED", SECRET_IN_TEXT.sub(r"\1=REDACTED", text))
    for values in VALUES_IN_DATABASE_ERRORS:
        text = values.sub(r"\1REDACTED", text)
    return text


def redact(query: str) -> str:
    """The query string with the values of credential-like parameters replaced."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, "REDACTED" if k.lower() in SECRET_PARAMETERS else v) for k, v in pairs])


class RedactSecrets(logging.Filter):
    """Masks credential-like query parameters, tracking tokens and database values in any record's message
    (uvicorn writes a WebSocket's whole URL); the formatters mask its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class MaskedTracebacks(logging.Formatter):
    def formatException(self, ei: Any) -> str:
        return mask_secrets(super().formatException(ei))


class JsonFormatter(MaskedTracebacks):
    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                document[field] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, default=str)


class HumanFormatter(MaskedTracebacks):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")


def configure_logging(format_: LogFormat, level: str = "INFO", access: bool = True) -> None:
    """One handler on stderr for everything, uvicorn's own loggers included."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if format_ == "json" else HumanFormatter())
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # ours writes the path without its query (tokens)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    access_log.disabled = not access
    if not access:
        logging.getLogger("uvicorn.error").addFilter(without_connection_chatter)


def without_connection_chatter(record: logging.LogRecord) -> bool:
    """Uvicorn's per-WebSocket "connection open/closed" lines are access records by another name."""
    return record.getMessage() not in ("connection open", "connection closed")


class AccessLog:
    """A plain ASGI middleware: a request id for every request (taken from X-Request-ID when sane, else new,
    echoed in the response), and one access record when the request ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        offered = dict(scope.get("headers", ())).get(b"x-request-id", b"").decode("latin-1")
        request_id = offered if REQUEST_ID.match(offered) else uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 101 if scope["type"] == "websocket" else 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "websocket.close":
                status = int(message.get("code", 1000))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = getattr(scope.get("route"), "path", None)
            client = scope.get("client")
            path = loggable_path(scope.get("path", ""))
            access_log.info(
                "%s %s %s", scope.get("method", "WS"), path, status,
                extra={
                    "request_id": request_id,
                    "user_id": scope["state"].get("user_id"),
                    "method": scope.get("method", "WEBSOCKET"),
                    "route": route,
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                },
            )  # fmt: skip
