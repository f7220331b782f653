"""What each push says, in English, Russian and German. Pure.

The texts live in Project Fluent files, `locales/<locale>/pushes.ftl`: one message per kind of push, with a
`.title` and a `.body`. This module turns a notification's params into the variables those messages expect
(every variable always present, "none" or 0 for what is not known) and formats local times; the wording,
grammatical gender, plurals and cases are the .ftl files' business.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fluent.runtime import FluentBundle

from app.enums import Locale
from app.fluent import load_bundle, say
from app.orders.models import CancelCause
from app.sla.rules import SlaCause

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).parent / "locales"
RESOURCE = "pushes.ftl"

KINDS = (
    # To the driver.
    "assigned", "en_route", "eta_changed", "arriving", "arrived", "completed", "failed", "feedback_request",
    "cancelled", "unfulfilled", "reassigned", "delayed", "held_up", "no_road",
    # To the technician.
    "offer", "job_assigned", "job_cancelled", "job_reassigned", "stall_check", "signal_check",
    "set_offline",
    # To the operators.
    "sla_alert",
)  # fmt: skip
SERVICES = frozenset({"tow", "jump_start", "tyre_change", "fuel_delivery", "lockout", "winch"})
GENDERS = frozenset({"female", "male"})
STATES = frozenset({"at_risk", "breached"})
CAUSES = frozenset(cause.value for cause in SlaCause)
CANCEL_CAUSES = frozenset(cause.value for cause in CancelCause)
NONE = "none"  # what a text variable holds when the param is missing; the messages select on it


@dataclass(frozen=True, slots=True)
class Rendered:
    title: str
    body: str


BUNDLES: dict[Locale, FluentBundle] = {locale: load_bundle(LOCALES_DIR, locale, RESOURCE) for locale in Locale}


def render(kind: str, locale: Locale, params: Mapping[str, Any], timezone: str) -> Rendered:
    """The title and body of a push of `kind` in `locale`; times are shown in `timezone`.

    Unknown kinds raise KeyError; missing or odd params only change the wording. A message that formats with
    errors (a bug in a .ftl file) is still sent as it came out, and the errors are logged.
    """
    if kind not in KINDS:
        raise KeyError(kind)
    bundle = BUNDLES[locale]
    message = bundle.get_message(kind)
    variables = arguments(bundle, params, timezone)
    title, title_errors = bundle.format_pattern(message.attributes["title"], variables)
    body, body_errors = bundle.format_pattern(message.attributes["body"], variables)
    if title_errors or body_errors:
        log.warning("push %s (%s) formatted with errors: %s", kind, locale.value, [*title_errors, *body_errors])
    return Rendered(title=str(title).strip(), body=str(body).strip())


def arguments(bundle: FluentBundle, params: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    """The variables every message may use, from a notification's params (see the head of each .ftl file)."""
    name = _text(params.get("technician"))
    gender = _text(params.get("technician_gender")).lower() if name else ""
    service = _text(params.get("service"))
    state = _text(params.get("state"))
    cause = _text(params.get("cause"))
    cancel_cause = _text(params.get("cancel_cause"))
    make, model = _text(params.get("vehicle_make")), _text(params.get("vehicle_model"))
    car = f"{make} {model}".strip()
    color = _text(params.get("vehicle_color")).lower()
    plate = _text(params.get("vehicle_plate"))
    return {
        "technician": name or say(bundle, "technician-unnamed"),
        "gender": gender if gender in GENDERS else "other",
        "service": service if service in SERVICES else "other",
        "arrival": _clock(params.get("arrival_at"), timezone) or NONE,
        "minutes": _count(params.get("minutes")),
        "ttl": _count(params.get("ttl")),
        "vehicle": _vehicle_shape(car=bool(car), color=bool(color), plate=bool(plate)),
        "car": car or NONE,
        "color": color or NONE,
        "plate": plate or NONE,
        "reason": _text(params.get("reason")).rstrip(" .") or NONE,
        "cancel_cause": cancel_cause if cancel_cause in CANCEL_CAUSES else NONE,
        "by_driver": "yes" if params.get("by_driver") else "no",
        "after_arriving": "yes" if params.get("after_arriving") else "no",
        "state": state if state in STATES else "other",
        "cause": cause if cause in CAUSES else (NONE if not cause else "other"),
        "address": _text(params.get("address")) or NONE,
    }


def _vehicle_shape(*, car: bool, color: bool, plate: bool) -> str:
    """Which of the technician's vehicle details are known: the messages word each case differently."""
    if car:
        return "car-plate" if plate else "car"
    if color:
        return "color-plate" if plate else "color"
    return "plate" if plate else NONE


def _text(value: object) -> str:
    """A param as one line of text; missing, empty and non-text values are ''."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return " ".join(str(value).split())


def _count(value: object) -> int:
    """A whole, non-negative count (minutes, seconds); 0 when missing or not a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return 0
    try:
        return max(0, round(float(value)))
    except (ValueError, OverflowError):
        return 0


def _clock(iso: object, timezone: str) -> str:
    """'14:05' in `timezone` for an ISO 8601 timestamp (one without an offset is UTC); '' if there is none.
    A time within a minute goes to the minute's end: a promise of 14:04:20 said as "by 14:04" would make a
    technician at the car at 14:04:50 late in the driver's eyes, though he kept it."""
    if not isinstance(iso, str):
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")
