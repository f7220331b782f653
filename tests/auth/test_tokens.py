import time
from uuid import uuid4

import pytest

from app.auth.tokens import JwtTokens, Principal
from app.enums import Role
from app.errors import Unauthorized

SECRET = "a-secret-of-thirty-two-characters-or-more"


def test_a_token_verified_once_is_known_and_a_changed_one_is_not() -> None:
    tokens = JwtTokens(SECRET, 3600)
    who = Principal(uuid4(), Role.TECHNICIAN)
    token = tokens.issue(who)
    assert tokens.verified_before(token) is None
    first = tokens.verify(token)
    assert (first.user_id, first.role) == (who.user_id, who.role)
    assert tokens.verified_before(token) == first
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert tokens.verified_before(forged) is None
    with pytest.raises(Unauthorized):
        tokens.verify(forged)


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    tokens = JwtTokens(SECRET, 1)
    token = tokens.issue(Principal(uuid4(), Role.DRIVER))
    tokens.verify(token)
    time.sleep(1.05)
    assert tokens.verified_before(token) is None
    with pytest.raises(Unauthorized):
        tokens.verify(token)


def test_the_least_recently_used_token_is_forgotten_beyond_the_bound() -> None:
    tokens = JwtTokens(SECRET, 3600, kept=2)
    first, second, third = (tokens.issue(Principal(uuid4(), Role.TECHNICIAN)) for _ in range(3))
    tokens.verify(first)
    tokens.verify(second)
    tokens.verify(first)  # used again: the second is now the oldest
    tokens.verify(third)
    assert tokens.verified_before(second) is None
    assert tokens.verified_before(first) is not None
    assert tokens.verified_before(third) is not None


def test_with_nothing_kept_every_token_is_checked_again() -> None:
    tokens = JwtTokens(SECRET, 3600, kept=0)
    token = tokens.issue(Principal(uuid4(), Role.TECHNICIAN))
    tokens.verify(token)
    assert tokens.verified_before(token) is None
