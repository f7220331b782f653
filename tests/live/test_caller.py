"""Who reads a live stream, asked again when the proof can be withdrawn: the rules alone, on a controlled clock."""

from datetime import timedelta
from uuid import uuid4

import pytest

from app import clock
from app.auth.tokens import Principal
from app.enums import Role
from app.errors import Unauthorized
from app.live.hub import Event, Subscription
from app.live.streams import RECHECK_RETRY, AccessEnded, Caller, order_events
from tests.feedback.test_trust_signals import FakeClock

RECHECK = timedelta(seconds=30)


class Keys:
    """A verifier whose answer the test sets: a principal, a revoked key, or a database that does not answer."""

    def __init__(self, principal: Principal) -> None:
        self.answer: Principal | Exception = principal
        self.asked = 0

    async def principal(self, token: str) -> Principal:
        self.asked += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_a_key_is_asked_again_when_due_and_a_revoked_one_ends_the_stream() -> None:
    now = FakeClock()
    with clock.using(now):
        partner = uuid4()
        first = Principal(user_id=partner, role=Role.PARTNER, recheck_at=clock.now() + RECHECK)
        keys = Keys(Principal(user_id=partner, role=Role.PARTNER, recheck_at=clock.now() + 2 * RECHECK))
        caller = Caller(first, keys, "tlp_key")
        assert await caller.deadline() == (RECHECK.total_seconds(), False)
        assert keys.asked == 0
        now.advance(seconds=RECHECK.total_seconds())
        assert await caller.deadline() == (RECHECK.total_seconds(), False)  # asked again, and it still stands
        assert keys.asked == 1

        keys.answer = RuntimeError("the database is away")
        now.advance(seconds=RECHECK.total_seconds())
        assert await caller.deadline() == (RECHECK_RETRY.total_seconds(), False)  # the stream goes on for now
        keys.answer = Unauthorized("The API key is unknown or revoked.")
        now.advance(seconds=RECHECK_RETRY.total_seconds())
        with pytest.raises(AccessEnded) as ended:
            await caller.deadline()
        assert ended.value.code == 4401
        assert keys.asked == 3


async def test_a_signed_token_is_never_asked_again_and_ends_when_it_expires() -> None:
    now = FakeClock()
    with clock.using(now):
        driver = Principal(user_id=uuid4(), role=Role.DRIVER, expires_at=clock.now() + timedelta(minutes=5))
        caller = Caller(driver)
        assert await caller.deadline() == (300.0, True)
        now.advance(seconds=300)
        with pytest.raises(AccessEnded):
            await caller.deadline()


async def test_a_status_the_snapshot_already_shows_is_not_sent_again() -> None:
    """The subscription opens before the snapshot is read, so the status change that led to the snapshot can
    arrive after it; the screen gets it once, and the changes after it in order."""
    order_id = str(uuid4())
    subscription = Subscription(order_id, capacity=10)
    snapshot = {"type": "snapshot", "order": {"status": "assigned", "technician": {"id": "t"}}, "position": None}
    for event in (
        {"order_id": order_id, "type": "status", "status": "assigned", "at": "2026-01-05T10:00:00Z"},
        {"order_id": order_id, "type": "position", "technician_id": "t", "lat": 47.1, "lon": 9.5},
        {"order_id": order_id, "type": "status", "status": "en_route", "at": "2026-01-05T10:00:05Z"},
        {"order_id": order_id, "type": "status", "status": "en_route", "at": "2026-01-05T10:00:05Z"},
        {"order_id": order_id, "type": "status", "status": "arrived", "at": "2026-01-05T10:09:00Z"},
        {
            "order_id": order_id,
            "type": "status",
            "status": "arrived",
            "technician": {"id": "another"},
            "at": "2026-01-05T10:10:00Z",
        },
    ):
        subscription.offer(event)

    async def allowed() -> bool:
        return True

    async def reload() -> Event | None:
        return None

    stream = order_events(subscription, snapshot, Caller(Principal(user_id=uuid4(), role=Role.DRIVER)), allowed, reload)
    sent = [await anext(stream) for _ in range(5)]
    assert [(e["type"], e.get("status")) for e in sent] == [
        ("snapshot", None),
        ("position", None),
        ("status", "en_route"),
        ("status", "arrived"),
        ("status", "arrived"),  # the same status with another technician coming is news
    ]
