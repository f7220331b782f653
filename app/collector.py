"""Python's cyclic garbage collector, kept out of the way of the work.

Every process settles the collector once it has started: what startup built (modules, the app, the mappings)
lives as long as the process, so it is frozen out of the collector's walks, and the youngest generation is
collected every `collector_threshold` container allocations instead of Python's 700. With 700, an API process
under location ingest ran about 1,500 young collections and 10 full ones in 15 s of CPU, a tenth of its time,
and a full collection stopped every request in flight for about 120 ms.

Pausing it over a burst of allocation:

A dispatch round builds hundreds of thousands of objects that live until it ends (orders, candidates, OSRM's
tables, decisions). While they live, each collection the allocations trigger traverses them again, and as they
age into the older generations a full collection walks the whole heap: at Python's defaults nearly a third of a
large round's time went to that, and a tenth still does in a settled process. Almost none of them are cyclic
garbage (reference counting frees them when the round ends), so the collector is paused for the round and resumes
after it, when there is little left to walk.
"""

import contextlib
import gc
from collections.abc import Iterator

_paused = 0  # rounds in progress in this process (coroutines may overlap)
_resume = False  # whether the collector was on when the first of them began


def settle_collector(threshold: int) -> None:
    """Called once a process has started: startup's garbage is collected and what lives on is frozen; young
    collections come less often."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(threshold, middle, oldest)
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector stays off until the last overlapping pause ends, then returns to how it was before."""
    global _paused, _resume
    if _paused == 0:
        _resume = gc.isenabled()
        gc.disable()
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0 and _resume:
            gc.enable()
