import logging
import time
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import violated_constraint

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class DomainError(Exception):
    """A failure the caller can act on; rendered as RFC 9457 problem+json. A failure a client may want to
    recognise has a `problem` of its own (the end of its `type`), else its status names it."""

    status: int = 400
    problem: str | None = None

    def __init__(
        self,
        message: str,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.headers = headers or {}
        self.extra = dict(extra or {})  # members of the problem a client may act on, beside its detail


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Unauthorized(DomainError):
    status = 401


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 422


class TooManyRequests(DomainError):
    status = 429


def problem(
    status: int,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    kind: str | None = None,
) -> JSONResponse:
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"https://trustloop.dev/problems/{kind or title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(err.get("loc", ())), "msg": _message(err)} for err in exc.errors()]


def _message(err: Mapping[str, Any]) -> str:
    """The error's words; our own validators' as they wrote them, without pydantic's "Value error, " before them."""
    raised = (err.get("ctx") or {}).get("error")
    if err.get("type") == "value_error" and isinstance(raised, ValueError):
        return str(raised)
    return str(err.get("msg", ""))


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    extra = {"errors": [{"loc": [], "msg": exc.message}]} if exc.status == 422 else {}
    return problem(exc.status, exc.message, extra | exc.extra, headers=exc.headers, kind=exc.problem)


async def _request_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem(422, "The request is not valid.", {"errors": _validation_errors(exc)})


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(exc.status_code, str(exc.detail), headers=exc.headers)


# The database enforces the rules that races could break (unique indexes); each rule's 409 says which, with the
# problem type the check before the write gives when there is no race.
CONFLICT_MESSAGES: dict[str, tuple[str, str | None]] = {}


def conflict_message(constraint: str, message: str, kind: str | None = None) -> None:
    CONFLICT_MESSAGES[constraint] = (message, kind)


async def _integrity_error(_: Request, exc: Exception) -> JSONResponse:
    detail, kind = CONFLICT_MESSAGES.get(violated_constraint(exc) or "", (None, None))
    return problem(
        409, detail or "The request conflicts with the current state of the resource; reload and retry.", kind=kind
    )


# How long a caller waits before trying again when the database cannot be reached.
RETRY_AFTER_S = 2
# PostgreSQL's answers that mean no connection, not a failed statement: connection exceptions (class 08), too
# many connections, and a server shutting down or starting up.
CONNECTION_STATES = ("08", "53300", "57P01", "57P02", "57P03")
_last_warned = 0.0


def _out_of_reach(exc: Exception) -> bool:
    if isinstance(exc, PoolTimeout | ConnectionError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    not_accepting = state == "55000" and "accepting connections" in str(exc.orig)  # a database closed to all
    return exc.connection_invalidated or state.startswith(CONNECTION_STATES) or not_accepting


async def _database_out_of_reach(_: Request, exc: Exception) -> JSONResponse:
    """No connection to the database: refused, full, not accepting any, or lost in the middle of the request.
    A 503 to retry (with the same Idempotency-Key where the call takes one), never an opaque 500; any other
    database error stays what it is. Said in the log at most every ten seconds, so an outage is seen, not a flood."""
    global _last_warned
    if not _out_of_reach(exc):
        raise exc
    if time.monotonic() - _last_warned >= 10:
        _last_warned = time.monotonic()
        log.warning("answering 503: a service we depend on is out of reach (%s: %s)", type(exc).__name__, exc)
    return problem(
        503,
        "The service cannot reach a part it depends on just now. Please try again in a moment.",
        headers={"Retry-After": str(RETRY_AFTER_S)},
        kind="unavailable",
    )


async def _internal_error(request: Request, _: Exception) -> JSONResponse:
    """A fault of ours: a problem+json like every other error, with the request id the log files it under (the
    traceback is logged by the server, not shown)."""
    request_id = request.scope.get("state", {}).get("request_id")
    return problem(
        500,
        "Something went wrong on our side. Please try again, and quote the reference if it happens again.",
        extra={"reference": request_id} if request_id else None,
        headers={"X-Request-ID": request_id} if request_id else None,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _internal_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    for out_of_reach in (DBAPIError, PoolTimeout, ConnectionError):
        app.add_exception_handler(out_of_reach, _database_out_of_reach)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
