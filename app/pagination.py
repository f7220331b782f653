"""Keyset pages for every list: `?limit=` (1-200; 1-1,000 for the operators' fleet and order lists, which
the console reads whole) and `?cursor=`, answered as `{"items", "next_cursor"}`.

A cursor encodes the sort key and the id of the last item of a page (opaque to clients); the next page
starts strictly after it, so a list that grows while someone pages through it neither repeats nor skips."""

import base64
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import Query

from app.errors import InvalidInput
from app.schemas import EARLIEST, LATEST, has_forbidden_control

Limit = Annotated[int, Query(ge=1, le=200)]
# What the console reads whole, in a few requests: 5,000 technicians were 25 pages of 200, each a round trip.
BulkLimit = Annotated[int, Query(ge=1, le=1000)]
Cursor = Annotated[str | None, Query(max_length=300)]

SortKey = datetime | str


def encode_cursor(key: SortKey, row_id: UUID) -> str:
    kind, value = ("t", key.isoformat()) if isinstance(key, datetime) else ("s", key)
    raw = json.dumps([kind, value, str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The position of a list sorted by a time; anything else (crafted, truncated, another list's) is 422."""
    key, row_id = _decode(cursor, "t")
    assert isinstance(key, datetime)
    return key, row_id


def decode_text_cursor(cursor: str) -> tuple[str, UUID]:
    """The position of a list sorted by a text (a name)."""
    key, row_id = _decode(cursor, "s")
    assert isinstance(key, str)
    return key, row_id


MAX_SEQUENCE = 2**63 - 1  # a bigint


def encode_sequence_cursor(sequence: int) -> str:
    """The position of a list sorted by a database sequence (an outbox's order of writing)."""
    return base64.urlsafe_b64encode(json.dumps(["n", sequence]).encode()).decode().rstrip("=")


def decode_sequence_cursor(cursor: str) -> int:
    try:
        kind, value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if kind != "n" or type(value) is not int or not 0 <= value <= MAX_SEQUENCE:
            raise TypeError("not a cursor of this list")
        return value
    except (ValueError, TypeError) as exc:
        raise InvalidInput("The cursor is not valid.") from exc


def _decode(cursor: str, expected_kind: str) -> tuple[SortKey, UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, value, row_id = json.loads(base64.urlsafe_b64decode(padded))
        if kind != expected_kind or not isinstance(value, str) or not isinstance(row_id, str):
            raise TypeError("not a cursor of this list")
        if has_forbidden_control(value, frozenset()):
            raise ValueError("a cursor's key holds no control character")
        value.encode()  # a lone surrogate raises: the database could not take it either
        key: SortKey = value
        if kind == "t":
            key = datetime.fromisoformat(value)
            if key.tzinfo is None or not EARLIEST <= key <= LATEST:
                raise ValueError("a cursor's time has a time zone and lies in our era")
        return key, UUID(row_id)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidInput("The cursor is not valid.") from exc


def next_cursor[T](rows: Sequence[T], limit: int, position: Callable[[T], tuple[SortKey, UUID]]) -> str | None:
    """The cursor after the page, given `limit + 1` rows fetched (the extra one says there is more)."""
    if len(rows) <= limit:
        return None
    return encode_cursor(*position(rows[limit - 1]))
