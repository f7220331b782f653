"""Cursors: what a list gave out reads back; anything else (crafted, out of range, another list's) is 422."""

import base64
import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from app.errors import InvalidInput
from app.pagination import (
    MAX_SEQUENCE,
    decode_cursor,
    decode_sequence_cursor,
    decode_text_cursor,
    encode_cursor,
    encode_sequence_cursor,
)


def crafted(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_sequence_cursor_reads_back() -> None:
    for sequence in (0, 1, 987_654_321, MAX_SEQUENCE):
        assert decode_sequence_cursor(encode_sequence_cursor(sequence)) == sequence


@pytest.mark.parametrize(
    "cursor",
    [
        crafted(["n", MAX_SEQUENCE + 1]),  # past a bigint: the database would refuse it with an error
        crafted(["n", -1]),
        crafted(["n", True]),
        crafted(["n", "12"]),
        crafted(["n", 1.5]),
        encode_cursor(datetime.now(UTC), uuid4()),  # another list's cursor
        "²",
        "x",
        "",
    ],
)
def test_anything_else_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        decode_sequence_cursor(cursor)


def test_a_time_cursor_is_not_a_sequence_cursor() -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(encode_sequence_cursor(5))


def test_a_name_cursor_reads_back_but_never_carries_what_the_database_cannot_take() -> None:
    row = uuid4()
    assert decode_text_cursor(encode_cursor("Åsa Nyström", row)) == ("Åsa Nyström", row)
    for key in ("a\u0000", "a\x1b[31m", "\ud800"):  # NUL, an escape, a lone surrogate
        with pytest.raises(InvalidInput):
            decode_text_cursor(crafted(["s", key, str(row)]))
