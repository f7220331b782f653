"""The live tests' controlled clock."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app import clock


class Clock:
    def __init__(self) -> None:
        # Ahead of the wall clock by more than setting a scene takes: the first positions, stamped with the
        # wall clock, come before the first ping on this clock.
        self.t0 = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=30)
        self.now = self.t0

    def at(self, minutes: float) -> None:
        self.now = self.t0 + timedelta(minutes=minutes)


@pytest.fixture
def virtual() -> Iterator[Clock]:
    time = Clock()
    with clock.using(lambda: time.now):
        yield time
