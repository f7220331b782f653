"""Tracking links: whoever holds one may follow one order and nothing else. The token is the order's id
and an HMAC of it under a server secret, so nothing is stored, a link cannot be guessed (128 bits of MAC)
and no link can be turned into another order's."""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from uuid import UUID

from app.config import Settings, get_settings

MAC_BYTES = 16
ID_CHARS = 22  # 16 bytes of UUID in unpadded urlsafe base64


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True)
class TrackingLinks:
    secret: bytes
    public_url: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "TrackingLinks":
        return cls(secret=settings.effective_tracking_secret, public_url=settings.public_url.rstrip("/"))

    def token(self, order_id: UUID) -> str:
        return f"{_encode(order_id.bytes)}.{self._mac(order_id)}"

    def url(self, order_id: UUID, locale: str | None = None) -> str:
        """The link, opening in `locale` when one is known (else in the language the phone prefers)."""
        return f"{self.public_url}/t/{self.token(order_id)}" + (f"?lang={locale}" if locale else "")

    def order_id(self, token: str) -> UUID | None:
        """The order a token was made for, or None for anything we did not sign."""
        encoded_id, _, mac = token.partition(".")
        if len(encoded_id) != ID_CHARS:
            return None
        try:
            raw = base64.urlsafe_b64decode(encoded_id + "==")
        except (binascii.Error, ValueError):
            return None
        # The decoder skips foreign characters and ignores the last character's spare bits: only the one
        # spelling we issue is accepted.
        if len(raw) != 16 or _encode(raw) != encoded_id:
            return None
        order_id = UUID(bytes=raw)
        return order_id if mac.isascii() and hmac.compare_digest(self._mac(order_id), mac) else None

    def _mac(self, order_id: UUID) -> str:
        return _encode(hmac.new(self.secret, order_id.bytes, hashlib.sha256).digest()[:MAC_BYTES])


_configured: TrackingLinks | None = None


def configure(settings: Settings) -> None:
    """Called by the composition root: the links of this process follow its settings."""
    global _configured
    _configured = TrackingLinks.from_settings(settings)


def links() -> TrackingLinks:
    return _configured or TrackingLinks.from_settings(get_settings())
