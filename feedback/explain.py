"""The trust score's evidence in plain words, for the technician it judges. Pure.

Each entry of his evidence becomes a line he can check against his own memory of the day: what happened,
on which job, and whether it counted for him, against him, or not at all."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from feedback.trust import Signal

Effect = Literal["for", "against", "not_held_against"]
COMPLAINT_WORDS = {"rude": "you were rude", "damage": "the car was damaged"}


@dataclass(frozen=True, slots=True)
class Explained:
    effect: Effect
    words: str


def when(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%H:%M} on {local.day} {local:%b}"


def _minutes(seconds: float) -> str:
    minutes = max(1, round(abs(seconds) / 60))
    return f"{minutes} min"


def _minutes_and_seconds(seconds: float) -> str:
    """To the second, where a minute's rounding would decide: 91 s is "1 min 31 s", not "2 min"."""
    whole = round(abs(seconds))
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def explain(
    signal: str, value: float, cause: str, detail: dict[str, Any], at: datetime, timezone: str,
    asked_at: datetime | None = None,
) -> Explained:  # fmt: skip
    """What one entry of a technician's evidence says, in his terms. A job is named by when its driver asked for
    help (`asked_at`), so that its rating, its arrival and its end all name it alike; an offer by its own time."""
    job = f"the job of {when(asked_at or at, timezone)}"
    match Signal(signal):
        case Signal.RATING if cause == "comment":
            said = " and ".join(COMPLAINT_WORDS.get(t, t) for t in detail.get("topics", []))
            return Explained("against", f"The driver's comment on {job} said {said}.")
        case Signal.RATING:
            stars = int(detail.get("csat", round(value * 4 + 1)))
            effect: Effect = "for" if stars >= 4 else "against" if stars <= 2 else "not_held_against"
            return Explained(effect, f"Rated {stars} of 5 stars for {job}.")
        case Signal.ON_TIME if cause == "stalled":
            still = detail.get("still_s")
            spell = f" for {_minutes(float(still))}" if isinstance(still, int | float) else ""
            return Explained("against", f"Made no progress towards the driver{spell} on the way to {job}.")
        case Signal.ON_TIME:
            late_s = float(detail.get("late_s", 0))
            tolerance = _minutes(float(detail.get("tolerance_s", 120)))
            if value >= 1:
                if late_s <= 0:
                    return Explained("for", f"Arrived on time for {job} ({_minutes(late_s)} before the promise).")
                return Explained(
                    "for", f"Arrived on time for {job} ({_minutes_and_seconds(late_s)} after the promise, within the "
                    f"{tolerance} allowed).",
                )  # fmt: skip
            return Explained("against", f"Late by {_minutes(late_s)} for {job}.")
        case Signal.FIRST_FIX:
            if value >= 1 and detail.get("resolution") == "towed":
                return Explained("for", f"Towed the car on {job}, as the job needed.")
            if value >= 1:
                return Explained("for", f"Fixed it on the spot on {job}.")
            return Explained("against", f"Could not fix it on the spot on {job}.")
        case Signal.KEPT_JOBS:
            if cause == "reassigned_away":
                return Explained("against", f"{job.capitalize()} was handed to another technician.")
            if cause == "cancelled" and value >= 1:
                return Explained(
                    "not_held_against", f"Not held against you: the driver cancelled {job} before the promised arrival."
                )
            if cause == "cancelled":
                return Explained("against", f"The driver gave up on {job} after the promised arrival had passed.")
            return Explained("for", f"Saw {job} through.")
        case Signal.RESPONSIVE:
            outcome = detail.get("outcome", "accepted" if value >= 1 else "declined")
            offer = f"the offer of {when(at, timezone)}"
            if outcome == "accepted":
                return Explained("for", f"Accepted {offer}.")
            if outcome == "expired":
                return Explained("against", f"Let {offer} lapse without an answer.")
            return Explained("against", f"Declined {offer}.")


# What moved his score, for his history: the kind of fact (the evidence says each one in full).
CHANGE_CAUSES = {
    "offer_accepted": "You accepted an offer", "offer_declined": "You declined an offer",
    "offer_expired": "An offer lapsed without an answer", "rating": "A driver rated a job",
    "comment": "A driver's comment was read", "stalled": "A drive stopped making progress",
    "reassigned_away": "A job was handed to another technician", "arrived": "You arrived at a job",
    "completed": "You finished a job", "failed": "A job ended unfixed", "cancelled": "A job was cancelled",
}  # fmt: skip


def change_cause(cause: str) -> str:
    return CHANGE_CAUSES.get(cause) or cause.replace("_", " ").capitalize()
