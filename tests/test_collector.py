"""The garbage collector paused over a dispatch round, however the rounds' coroutines overlap."""

import gc
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from app import collector
from app.collector import collector_paused, settle_collector
from app.config import Settings
from dispatch import tasks
from dispatch.dispatcher import RoundReport, dispatch_round
from tests.dispatch.helpers import TEST_CONFIG


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    assert collector._paused == 0, "a pause was left open"
    collector._paused = 0
    gc.enable()


def test_the_collector_is_off_during_a_pause_and_back_on_after_it() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_resume_only_when_the_last_one_ends() -> None:
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first round ends while the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_failed_round_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("OSRM went away")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


class Cycle:
    def __init__(self, partner: object) -> None:
        self.me = self
        self.partner = partner


def test_a_settled_process_freezes_what_startup_built_and_collects_the_young_less_often() -> None:
    before = gc.get_threshold()
    gc.unfreeze()
    try:
        built_at_startup = [{"kept": n} for n in range(1000)]
        garbage: list[object] = []
        garbage.append(garbage)  # a cycle left by startup: collected, not frozen for good
        cycle = weakref.ref(Cycle(garbage))
        del garbage
        settle_collector(12_345)
        assert gc.get_threshold() == (12_345, *before[1:])
        assert gc.get_freeze_count() >= len(built_at_startup)
        assert cycle() is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


async def test_the_api_settles_the_collector_when_it_starts(app: FastAPI, settings: Settings) -> None:
    assert gc.get_threshold()[0] == settings.collector_threshold  # the app fixture has started the app


async def test_a_dispatch_round_runs_with_the_collector_paused(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    async def observed_round(*args: Any) -> RoundReport:
        seen.append(gc.isenabled())
        return await dispatch_round(*args)

    monkeypatch.setattr(tasks, "dispatch_round", observed_round)
    report = await tasks.run_round(app.state.sessionmaker, app.state.osrm, TEST_CONFIG, datetime.now(UTC))
    assert report.ran
    assert seen == [False]
    assert gc.isenabled()
