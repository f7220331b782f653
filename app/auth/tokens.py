import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

import jwt

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

    def __init__(self, secret: str, ttl_s: int) -> None:
        self._secret = secret
        self._ttl_s = ttl_s

    def issue(self, principal: Principal) -> str:
        now = int(time.time())
        claims = {
            "sub": str(principal.user_id),
            "role": principal.role.value,
            "iat": now,
            "exp": now + self._ttl_s,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
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
