"""Is the technician still coming? Progress towards the driver and the escalation ladder when it stops. Pure.

While a job is assigned or en route, each road distance measured from his position to the driver is compared
with his best so far: beating it by more than an allowance (GPS and map-matching noise, a U-turn) is
progress. A detour is fine as long as he is back below his best within `stall_after`. He is

    stalled     when no measurement has beaten his best for `stall_after`, and
    dark        (no signal) when no accepted position has come for `dark_after`.

A stall or a dark phone opens an episode; its ladder takes each step once, `step_gap` apart from the onset:
(1) ask the technician, (2) the order at risk with the reason, (3) offer to re-dispatch and tell the driver.
Steps 2 and 3 come earlier when the promise is near, so that the driver hears before it breaks. Progress
resumed (or a fresh position without a stall) ends the episode. An episode that was ever a stall counts
against his on-time record once; one that was only a dark phone does not.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.config import Settings


class Trouble(StrEnum):
    STALLED = "stalled"
    NO_SIGNAL = "no signal"


class Step(IntEnum):
    ASK_TECHNICIAN = 1
    AT_RISK = 2
    OFFER_REDISPATCH = 3


@dataclass(frozen=True, slots=True)
class ProgressRules:
    stall_after: timedelta = timedelta(minutes=8)
    dark_after: timedelta = timedelta(minutes=3)
    allowance_m: float = 100.0
    step_gap: timedelta = timedelta(minutes=2)
    offer_lead: timedelta = timedelta(minutes=5)  # step 3 at the latest this long before the promise breaks

    @classmethod
    def from_settings(cls, settings: "Settings") -> "ProgressRules":
        return cls(
            stall_after=timedelta(seconds=settings.stall_after_s),
            dark_after=timedelta(seconds=settings.dark_after_s),
            allowance_m=settings.stall_allowance_m,
            step_gap=timedelta(seconds=settings.stall_step_s),
            offer_lead=timedelta(seconds=settings.stall_offer_lead_s),
        )


@dataclass(frozen=True, slots=True)
class Progress:
    """What is known of one job's way to the driver since the technician was assigned."""

    assigned_at: datetime
    best_m: float | None = None  # his best remaining road distance so far
    improved_at: datetime | None = None  # when he last beat it by more than the allowance
    measured_at: datetime | None = None  # the last measurement, improving or not
    fix_at: datetime | None = None  # the last accepted position's own time


def measured(progress: Progress, remaining_m: float, at: datetime, allowance_m: float) -> Progress:
    """The progress after a road distance measured from a position recorded at `at`."""
    if progress.best_m is None or remaining_m < progress.best_m - allowance_m:
        return replace(progress, best_m=remaining_m, improved_at=at, measured_at=at)
    return replace(progress, measured_at=max(at, progress.measured_at or at))


def trouble(progress: Progress, now: datetime, rules: ProgressRules) -> tuple[Trouble, datetime] | None:
    """What is wrong now, and since when; None while he is coming. A stall needs a measurement that shows it:
    a phone that sends nothing is dark, never stalled."""
    heard_at = max(progress.fix_at or progress.assigned_at, progress.assigned_at)
    if now - heard_at >= rules.dark_after:
        return Trouble.NO_SIGNAL, heard_at + rules.dark_after
    improved_at, measured_at = progress.improved_at, progress.measured_at
    if improved_at is not None and measured_at is not None and measured_at - improved_at >= rules.stall_after:
        return Trouble.STALLED, improved_at + rules.stall_after
    return None


@dataclass(frozen=True, slots=True)
class Episode:
    trouble: Trouble
    since: datetime  # its onset
    step: int = 0  # the ladder's steps taken
    counted: bool = False  # written against his on-time record (once it was a stall)


@dataclass(frozen=True, slots=True)
class Verdict:
    episode: Episode | None  # what holds after this check
    steps: tuple[Step, ...] = ()  # the steps due now, in order, each taken once per episode
    count_against: bool = False  # the episode became a stall now: it counts against him, once
    cleared: Episode | None = None  # the episode that ended now


def step_due_at(episode: Episode, step: Step, promised_at: datetime | None, rules: ProgressRules) -> datetime:
    at = episode.since + (step - 1) * rules.step_gap
    if step > Step.ASK_TECHNICIAN and promised_at is not None:
        at = max(episode.since, min(at, promised_at - rules.offer_lead))
    return at


def check(
    episode: Episode | None, progress: Progress, now: datetime, promised_at: datetime | None, rules: ProgressRules
) -> Verdict:
    """The ladder's next move for one job at `now`."""
    found = trouble(progress, now, rules)
    if found is None:
        return Verdict(None, cleared=episode)
    kind, since = found
    current = episode or Episode(kind, since)
    if current.trouble is not kind:
        current = replace(current, trouble=kind)  # dark then standing still, or the reverse: the ladder goes on
    due = tuple(s for s in Step if s > current.step and now >= step_due_at(current, s, promised_at, rules))
    count_against = kind is Trouble.STALLED and not current.counted
    return Verdict(
        replace(current, step=max(due, default=current.step), counted=current.counted or count_against),
        due,
        count_against,
    )
