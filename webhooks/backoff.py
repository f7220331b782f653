import random
from datetime import datetime, timedelta


def next_attempt(now: datetime, attempts: int, base_s: float, cap_s: float, rng: random.Random) -> datetime:
    """Exponential backoff with jitter: the n-th retry waits between half and all of min(cap, base·2ⁿ⁻¹), so
    that receivers coming back up are not hit by every sender at the same second."""
    ceiling = min(cap_s, base_s * 2 ** max(0, attempts - 1))
    return now + timedelta(seconds=ceiling * rng.uniform(0.5, 1.0))
