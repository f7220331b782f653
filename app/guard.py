"""The request guard: what every request passes before routing, authentication or parsing.

- A body larger than `TRUSTLOOP_MAX_BODY_BYTES` is refused with 413 as soon as that is known (from its
  Content-Length, or while it streams in): an unauthenticated client cannot make the server read 300 MB.
- A body that says it is not JSON (a form, plain text) is refused with 415: every body this API takes is JSON.
- Control characters (NUL and the rest, but newline, carriage return and tab) are refused with 422 in the
  path, the query and in every string of a JSON body, keys included: no storage layer ever sees them.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem
from app.schemas import has_forbidden_control

Location = list[str | int]


MAX_JSON_DEPTH = 32  # no body of this API nests deeper; a deeper one is refused before anything reads it


class TooDeep(Exception):
    pass


def control_characters_in(value: Any, at: Location) -> Iterator[Location]:
    """Where a parsed JSON document holds a string with a forbidden control character, keys included, in the
    document's order. Walked with a stack of its own, not by recursion (a document of a thousand nested lists is
    2 KB); TooDeep for a list or object nested MAX_JSON_DEPTH levels deep."""
    stack: list[tuple[Any, Location, bool]] = [(value, at, False)]  # (item, where, is it a key)
    while stack:
        item, where, is_key = stack.pop()
        if is_key or isinstance(item, str):
            if has_forbidden_control(str(item)):
                yield where
        elif isinstance(item, dict | list):
            if len(where) - len(at) >= MAX_JSON_DEPTH:
                raise TooDeep
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, inner in reversed(list(children)):
                stack.append((inner, [*where, str(key) if isinstance(item, dict) else key], False))
                if isinstance(item, dict):
                    stack.append((key, [*where, str(key)], True))


def _plainly_clean(body: bytes) -> bool:
    """True when a valid JSON body can hold no forbidden character and cannot nest too deeply, seen from its bytes
    without walking it: in JSON a control character is either an escape (a backslash) or, from DEL up, a byte
    outside ASCII; a raw one below a space makes the document invalid. A body that fails this is walked."""
    return (
        body.isascii()
        and b"\\" not in body
        and b"\x7f" not in body
        and body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH
    )


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _content_type(scope: Scope) -> bytes | None:
    return next((value.lower() for name, value in scope.get("headers", ()) if name == b"content-type"), None)


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        query = unquote(scope.get("query_string", b"").decode("latin-1"))
        if has_forbidden_control(scope.get("path", ""), frozenset()) or has_forbidden_control(query, frozenset()):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _refuse(scope, receive, send, 422, "The address holds a control character.", [["path"]])
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _too_large(scope, receive, send, self.max_body_bytes)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _too_large(scope, receive, send, self.max_body_bytes)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        content_type = _content_type(scope)
        if body and content_type is not None and b"json" not in content_type:
            # Every body this API takes is JSON; without a Content-Type it is read as JSON too, as FastAPI does.
            detail = f"The body must be JSON (Content-Type: application/json), not {content_type.decode('latin-1')}."
            await problem(415, detail)(scope, receive, send)
            return
        if body:
            try:
                document = orjson.loads(body)
            except orjson.JSONDecodeError:
                await _refuse(scope, receive, send, 422, "The body is not valid JSON.", [["body"]], "is not valid JSON")
                return
            try:
                found = None if _plainly_clean(body) else next(control_characters_in(document, ["body"]), None)
            except TooDeep:
                detail = f"The body nests deeper than {MAX_JSON_DEPTH} levels."
                await _refuse(scope, receive, send, 422, detail, [["body"]], "nests too deeply")
                return
            if found is not None:
                await _refuse(scope, receive, send, 422, "The request holds a control character.", [found])
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = problem(413, f"The request body is larger than {limit} bytes.", headers={"Connection": "close"})
    await response(scope, receive, send)


CONTROL_CHARACTERS = "must not contain control characters other than newlines and tabs"


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, detail: str, where: list[Location],
    why: str = CONTROL_CHARACTERS,
) -> None:  # fmt: skip
    errors = [{"loc": loc, "msg": why} for loc in where]
    await problem(status, detail, {"errors": errors})(scope, receive, send)
