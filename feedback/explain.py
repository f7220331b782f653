"""The trust score's evidence in plain words, for the technician it judges, in his language. Pure.

Each entry of his evidence becomes a line he can check against his own memory of the day: what happened,
on which job, and whether it counted for him, against him, or not at all. The words live in Project Fluent
files, `locales/<locale>/evidence.ftl`; this module picks the message and works out its figures."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fluent.runtime import FluentBundle

from app.enums import Locale
from app.fluent import load_bundle, say
from feedback.trust import Signal

Effect = Literal["for", "against", "not_held_against"]
COMPLAINTS = frozenset({"rude", "damage"})  # the topics of a comment that count in his rating signal

BUNDLES: dict[Locale, FluentBundle] = {
    locale: load_bundle(Path(__file__).parent / "locales", locale, "evidence.ftl") for locale in Locale
}


@dataclass(frozen=True, slots=True)
class Explained:
    effect: Effect
    words: str


def when(moment: datetime, timezone: str, locale: Locale = Locale.EN) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return say(BUNDLES[locale], "job-time", {"time": f"{local:%H:%M}", "day": str(local.day), "month": local.month})


def _minutes(bundle: FluentBundle, seconds: float) -> str:
    return say(bundle, "duration-minutes", {"minutes": str(max(1, round(abs(seconds) / 60)))})


def _minutes_and_seconds(bundle: FluentBundle, seconds: float) -> str:
    """To the second, where a minute's rounding would decide: 91 s is "1 min 31 s", not "2 min"."""
    minutes, rest = divmod(round(abs(seconds)), 60)
    if not minutes:
        return say(bundle, "duration-seconds", {"seconds": str(rest)})
    if not rest:
        return say(bundle, "duration-minutes", {"minutes": str(minutes)})
    return say(bundle, "duration-minutes-seconds", {"minutes": str(minutes), "seconds": str(rest)})


def explain(
    signal: str, value: float, cause: str, detail: dict[str, Any], at: datetime, timezone: str,
    asked_at: datetime | None = None, locale: Locale = Locale.EN,
) -> Explained:  # fmt: skip
    """What one entry of a technician's evidence says, in his terms. A job is named by when its driver asked for
    help (`asked_at`), so that its rating, its arrival and its end all name it alike; an offer by its own time."""
    bundle = BUNDLES[locale]
    job = when(asked_at or at, timezone, locale)

    def line(effect: Effect, message_id: str, **variables: str) -> Explained:
        return Explained(effect, say(bundle, message_id, {"job": job, **variables}))

    match Signal(signal):
        case Signal.RATING if cause == "comment":
            return line("against", "evidence-comment", said=_complaints(bundle, detail.get("topics", [])))
        case Signal.RATING:
            stars = int(detail.get("csat", round(value * 4 + 1)))
            effect: Effect = "for" if stars >= 4 else "against" if stars <= 2 else "not_held_against"
            return line(effect, "evidence-rating", stars=str(stars))
        case Signal.ON_TIME if cause == "stalled":
            still = detail.get("still_s")
            if isinstance(still, int | float):
                return line("against", "evidence-stalled-for", duration=_minutes(bundle, float(still)))
            return line("against", "evidence-stalled")
        case Signal.ON_TIME:
            late_s = float(detail.get("late_s", 0))
            if value >= 1 and late_s <= 0:
                return line("for", "evidence-early", duration=_minutes(bundle, late_s))
            if value >= 1:
                tolerance = _minutes(bundle, float(detail.get("tolerance_s", 120)))
                return line(
                    "for", "evidence-within", duration=_minutes_and_seconds(bundle, late_s), tolerance=tolerance
                )
            return line("against", "evidence-late", duration=_minutes(bundle, late_s))
        case Signal.FIRST_FIX:
            if value >= 1 and detail.get("resolution") == "towed":
                return line("for", "evidence-towed")
            return line("for", "evidence-fixed") if value >= 1 else line("against", "evidence-not-fixed")
        case Signal.KEPT_JOBS:
            if cause == "reassigned_away":
                return line("against", "evidence-reassigned")
            if cause == "cancelled" and value >= 1:
                return line("not_held_against", "evidence-cancelled-early")
            if cause == "cancelled":
                return line("against", "evidence-cancelled-late")
            return line("for", "evidence-saw-through")
        case Signal.RESPONSIVE:
            outcome = detail.get("outcome", "accepted" if value >= 1 else "declined")
            offer = when(at, timezone, locale)
            if outcome == "accepted":
                return line("for", "evidence-offer-accepted", offer=offer)
            if outcome == "expired":
                return line("against", "evidence-offer-expired", offer=offer)
            return line("against", "evidence-offer-declined", offer=offer)


def _complaints(bundle: FluentBundle, topics: list[str]) -> str:
    said = [say(bundle, f"comment-{topic}") if topic in COMPLAINTS else topic for topic in topics]
    if not said:
        return ""
    joined = said[0]
    for more in said[1:]:
        joined = say(bundle, "and-joined", {"first": joined, "second": more})
    return joined


def change_cause(cause: str, locale: Locale = Locale.EN) -> str:
    """What moved his score, for his history: the kind of fact (the evidence says each one in full)."""
    bundle = BUNDLES[locale]
    if bundle.has_message(f"change-{cause}"):
        return say(bundle, f"change-{cause}")
    return cause.replace("_", " ").capitalize()
