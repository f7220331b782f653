"""Shapes shared by several domains, and the rules every request body follows.

Every request body is a `RequestModel`: unknown fields are refused and numbers must be finite (no NaN or
Infinity). Free text may hold newlines and tabs but no other control character, nor one that reorders the text
around it (the request guard refuses
those in any string of any body before it is parsed, see app/guard.py); single-line fields (names, phones,
plates, tokens) refuse line breaks too."""

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

# Newline, carriage return and tab are the only control characters free text may hold.
FREE_TEXT_CONTROLS = frozenset("\n\r\t")


# The bidirectional embeddings, overrides and isolates: text shown to an operator or a technician could read
# otherwise than it is stored ("\u202egnirts" shows as "string"). The marks LRM and RLM stay: they reorder nothing.
REORDERING = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
CONTROLS = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))  # C0, DEL and C1


@functools.cache
def _forbidden(allowed: frozenset[str]) -> re.Pattern[str]:
    # One character class searched in C: every body's strings go through it, the busiest route's included.
    return re.compile("[" + "".join(sorted(re.escape(c) for c in (CONTROLS - allowed) | REORDERING)) + "]")


def has_forbidden_control(value: str, allowed: frozenset[str] = FREE_TEXT_CONTROLS) -> bool:
    """True if the text holds a control character (C0, DEL or C1) other than those allowed, or one that reorders
    the text around it when shown."""
    return _forbidden(allowed).search(value) is not None


def _single_line(value: str) -> str:
    if has_forbidden_control(value, frozenset()):
        raise ValueError("must be a single line without control characters")
    return value


def _said(value: str) -> str:
    if not value.strip():
        raise ValueError("must say something: it is blank")
    return value


# Words someone must give (an override's reason, an operator's note): spaces alone say nothing.
Said = AfterValidator(_said)


def _free_text(value: str) -> str:
    if has_forbidden_control(value):
        raise ValueError("must not contain control characters other than newlines and tabs")
    return value


# A plus, the country code, then groups of digits apart by one space, dot, dash or slash; an area code may stand in
# brackets: "+358 40 123 4567", "+1 (212) 555-0100", "+49 (0)30 1234567". (The parser alone reads digits out of
# any punctuation.) Every group starts with a character that is not a digit, so a string is read one way only, in
# one pass: with the separator optional before plain digits, "+1111…1x" was tried every way its digits split.
PHONE_SHAPE = re.compile(r"\+[0-9]+(?:[ ./-][0-9]+|[ ./-]?\([0-9]+\)[0-9]*)*")


def _dialable(value: str) -> str:
    """A number someone can call: its country code, and as many digits as that country's numbers have (the
    console and a technician call it; "---" or thirty digits reach nobody)."""
    international = "must be a phone number with its country code, such as +358 40 123 4567"
    if not PHONE_SHAPE.fullmatch(value):
        raise ValueError(international)
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValueError(international) from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("is not a phone number of the country its code names: too short or too long") from None
    return value


def phone_key(value: str) -> str:
    """One number however it is written ("+358 40 555 0202", "+358-40-555-0202", "+358405550202"): its E.164
    form, by which a number is looked up. Only for a number `Phone` accepted."""
    return phonenumbers.format_number(phonenumbers.parse(value, None), phonenumbers.PhoneNumberFormat.E164)


def _within_our_era(value: datetime) -> datetime:
    """A moment the service can reason about: with a time zone, in UTC between the years 2000 and 2100."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("must lie between the years 2000 and 2100") from exc
    if not EARLIEST <= utc <= LATEST:
        raise ValueError("must lie between the years 2000 and 2100")
    return utc


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
SingleLine = AfterValidator(_single_line)
FreeText = AfterValidator(_free_text)

ShortText = Annotated[str, Field(strict=True, min_length=1, max_length=64), SingleLine]
Name = Annotated[str, Field(strict=True, min_length=1, max_length=200), SingleLine]
Phone = Annotated[
    str,
    Field(
        strict=True,
        min_length=3,
        max_length=40,
        examples=["+358 40 123 4567"],
        description="In international form, with its country code: +358 40 123 4567, +1 (212) 555-0100.",
    ),
    SingleLine,
    AfterValidator(_dialable),
]
Reason = Annotated[str, Field(strict=True, max_length=500), FreeText]
Note = Annotated[str, Field(strict=True, min_length=1, max_length=2000), FreeText]
Moment = Annotated[AwareDatetime, AfterValidator(_within_our_era)]

# A figure as a reader takes it: 0.842, not 0.8420000000000001 (the arithmetic's float noise, not a measurement).
Figure = Annotated[float, PlainSerializer(lambda value: round(value, 6), return_type=float)]

_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_start(days_later: int) -> BeforeValidator:
    """A plain date ("2026-12-01") as the UTC midnight that starts it, or `days_later` days later."""

    def convert(value: object) -> object:
        if isinstance(value, str) and _PLAIN_DATE.fullmatch(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value  # refused as it is, in the datetime's own words ("month must be in 1..12")
            if not EARLIEST.date() <= day < LATEST.date():
                raise ValueError("must lie between the years 2000 and 2100")
            return datetime.combine(day + timedelta(days=days_later), time(), UTC)
        return value

    return BeforeValidator(convert)


# A period's bounds, as a moment or a plain (UTC) date: `from` is its day's start, and `to` takes its whole day in,
# so ?from=2026-12-01&to=2026-12-06 is six days.
PeriodStart = Annotated[Moment, _day_start(0)]
PeriodEnd = Annotated[Moment, _day_start(1)]


class RequestModel(BaseModel):
    """The base of every request body."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Vehicle(RequestModel):
    make: ShortText | None = None
    model: ShortText | None = None
    plate: ShortText | None = None
    color: ShortText | None = None


class VehicleRead(BaseModel):
    """A vehicle as given when it was registered: any part of it may be unknown."""

    make: str | None = None
    model: str | None = None
    color: str | None = None
    plate: str | None = None


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None
