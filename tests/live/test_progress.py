"""Progress towards the driver and the escalation ladder, on a clock given as input: no I/O."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from app.live.progress import Episode, Progress, ProgressRules, Step, Trouble, Verdict, check, measured, trouble

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
RULES = ProgressRules(
    stall_after=timedelta(minutes=8), dark_after=timedelta(minutes=3), allowance_m=100.0,
    step_gap=timedelta(minutes=2), offer_lead=timedelta(minutes=5),
)  # fmt: skip
FAR = T0 + timedelta(hours=2)  # a promise that is not near


def minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def drive(distances: Sequence[tuple[float, float]]) -> Progress:
    """Fixes at (minute, remaining metres), each also an accepted position."""
    progress = Progress(assigned_at=T0)
    for minute, remaining in distances:
        progress = measured(progress, remaining, minutes(minute), RULES.allowance_m)
        progress = replace(progress, fix_at=minutes(minute))
    return progress


def test_beating_the_best_by_more_than_the_allowance_is_progress_and_noise_is_not() -> None:
    progress = drive([(0, 5000), (1, 4950), (2, 4890)])
    assert progress.best_m == 4890
    assert progress.improved_at == minutes(2)
    progress = drive([(0, 5000), (1, 4950), (2, 4960), (3, 4940)])
    assert progress.best_m == 5000
    assert progress.improved_at == minutes(0)
    assert progress.measured_at == minutes(3)


def test_a_technician_who_stops_is_stalled_once_a_measurement_shows_it() -> None:
    stopped = drive([(0, 5000), (1, 4000)] + [(m, 4010) for m in range(2, 10)])
    assert trouble(stopped, minutes(9), RULES) == (Trouble.STALLED, minutes(9))
    assert trouble(drive([(0, 5000), (1, 4000)] + [(m, 4010) for m in range(2, 9)]), minutes(8.5), RULES) is None


def test_a_detour_that_keeps_improving_is_not_a_stall() -> None:
    detour = [(0, 5000), (1, 4200), (2, 4600), (3, 5100), (4, 4700), (5, 4150), (6, 3500), (7, 2800), (8, 2200),
              (9, 1500), (10, 900)]  # fmt: skip
    progress = Progress(assigned_at=T0)
    for minute, remaining in detour:
        progress = measured(progress, remaining, minutes(minute), RULES.allowance_m)
        progress = replace(progress, fix_at=minutes(minute))
        assert trouble(progress, minutes(minute), RULES) is None


def test_no_position_for_dark_after_is_no_signal_never_a_stall() -> None:
    progress = drive([(0, 5000)])
    assert trouble(progress, minutes(2.9), RULES) is None
    assert trouble(progress, minutes(3), RULES) == (Trouble.NO_SIGNAL, minutes(3))
    assert trouble(progress, minutes(20), RULES) == (Trouble.NO_SIGNAL, minutes(3))
    assert trouble(Progress(assigned_at=T0), minutes(3), RULES) == (Trouble.NO_SIGNAL, minutes(3))


def test_the_ladder_takes_each_step_once_at_its_time() -> None:
    progress = drive([(0, 5000)] + [(m, 5000) for m in range(1, 15)])
    episode: Episode | None = None
    taken: list[tuple[float, Step]] = []
    for minute in [x / 2 for x in range(0, 29)]:
        verdict = check(episode, progress, minutes(minute), FAR, RULES)
        taken += [(minute, s) for s in verdict.steps]
        episode = verdict.episode
    assert taken == [(8, Step.ASK_TECHNICIAN), (10, Step.AT_RISK), (12, Step.OFFER_REDISPATCH)]
    assert episode == Episode(Trouble.STALLED, minutes(8), 3, counted=True)


def test_a_late_check_takes_the_missed_steps_together_and_a_stall_counts_once() -> None:
    progress = drive([(0, 5000)] + [(m, 5000) for m in range(1, 15)])
    first = check(None, progress, minutes(14), FAR, RULES)
    assert first.steps == (Step.ASK_TECHNICIAN, Step.AT_RISK, Step.OFFER_REDISPATCH)
    assert first.count_against
    again = check(first.episode, progress, minutes(14.5), FAR, RULES)
    assert again.steps == ()
    assert not again.count_against
    assert again.episode == first.episode


def test_a_near_promise_brings_the_offer_forward_so_the_driver_hears_before_it_breaks() -> None:
    progress = drive([(0, 5000)] + [(m, 5000) for m in range(1, 15)])
    promised_at = minutes(14)  # offer due at 14 - 5 = minute 9
    verdict = check(None, progress, minutes(8), promised_at, RULES)
    assert verdict.steps == (Step.ASK_TECHNICIAN,)
    verdict = check(verdict.episode, progress, minutes(9), promised_at, RULES)
    assert verdict.steps == (Step.AT_RISK, Step.OFFER_REDISPATCH)


def test_progress_resumed_clears_the_episode() -> None:
    stalled = drive([(0, 5000)] + [(m, 5000) for m in range(1, 10)])
    verdict = check(None, stalled, minutes(9), FAR, RULES)
    assert verdict.episode is not None
    moving = drive([(0, 5000)] + [(m, 5000) for m in range(1, 10)] + [(9.5, 4500)])
    cleared = check(verdict.episode, moving, minutes(9.5), FAR, RULES)
    assert cleared == Verdict(None, cleared=verdict.episode)


def test_a_dark_phone_that_comes_back_moving_is_not_counted() -> None:
    progress = drive([(0, 5000), (1, 4000)])
    dark = check(None, progress, minutes(5), FAR, RULES)
    assert dark.episode == Episode(Trouble.NO_SIGNAL, minutes(4), 1)
    assert not dark.count_against
    back = drive([(0, 5000), (1, 4000), (7, 1500)])
    assert check(dark.episode, back, minutes(7), FAR, RULES) == Verdict(None, cleared=dark.episode)


def test_a_dark_phone_that_comes_back_where_it_stopped_is_a_stall_and_the_ladder_goes_on() -> None:
    progress = drive([(0, 5000), (1, 4000)])
    dark = check(None, progress, minutes(6), FAR, RULES)
    assert dark.episode is not None
    assert dark.episode.step == 2
    back = drive([(0, 5000), (1, 4000), (10, 4020)])
    verdict = check(dark.episode, back, minutes(10), FAR, RULES)
    assert verdict.episode == Episode(Trouble.STALLED, minutes(4), 3, counted=True)
    assert verdict.steps == (Step.OFFER_REDISPATCH,)
    assert verdict.count_against
