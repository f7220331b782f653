"""The service's idea of "now". Production reads the wall clock; the simulation study runs the same
services on a virtual clock so that 30 days pass in minutes."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _source()


@contextmanager
def using(source: Callable[[], datetime]) -> Iterator[None]:
    """Reads time from `source` inside the block (one process, one event loop: the simulation study)."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous
