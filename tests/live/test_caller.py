"""Who reads a live stream, asked again when the proof can be withdrawn: the rules alone, on a controlled clock."""

from datetime import timedelta
from uuid import uuid4

import pytest

from app import clock
from app.auth.tokens import Principal
from app.enums import Role
from app.errors import Unauthorized
from app.live.streams import RECHECK_RETRY, AccessEnded, Caller
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
