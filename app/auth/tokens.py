import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

import jwt

from app.config import VERIFIED_TOKENS_KEPT
from app.enums import Role
from app.errors import Unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: UUID
    role: Role
    expires_at: datetime | None = None  # when the token that proved it runs out (a live stream closes then)
    recheck_at: datetime | None = None  # when a proof that can be withdrawn (an API key) must be asked for again


class TokenVerifier(Protocol):
    async def principal(self, token: str) -> Principal: ...


class JwtTokens:
    """Signed bearer tokens of our own; a Firebase ID token verifier can stand behind the same interface."""

    def __init__(self, secret: str, ttl_s: int, kept: int = VERIFIED_TOKENS_KEPT) -> None:
        self._secret = secret
        self._ttl_s = ttl_s
        self._verified: OrderedDict[str, Principal] = OrderedDict()
        self._kept = kept

    def issue(self, principal: Principal) -> str:
        now = int(time.time())
        claims = {
            "sub": str(principal.user_id),
            "role": principal.role.value,
            "iat": now,
            "exp": now + self._ttl_s,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verified_before(self, token: str) -> Principal | None:
        """The caller a token already verified here proves, while it has not expired; None otherwise."""
        principal = self._verified.get(token)
        if principal is None:
            return None
        if principal.expires_at is None or principal.expires_at.timestamp() <= time.time():
            del self._verified[token]
            return None
        self._verified.move_to_end(token)
        return principal

    def verify(self, token: str) -> Principal:
        if (principal := self.verified_before(token)) is not None:
            return principal
        principal = self._verify(token)
        self._verified[token] = principal
        if len(self._verified) > self._kept:
            self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": ["sub", "exp"]},
            )
            return Principal(
                user_id=UUID(claims["sub"]),
                role=Role(claims["role"]),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            )
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise Unauthorized("The access token is missing, expired or invalid.") from exc
