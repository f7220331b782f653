"""The signature a receiver checks: `Trustloop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw
body>" keyed with the webhook secret>` (as Stripe's, so receivers' libraries and habits carry over)."""

import hashlib
import hmac

SIGNATURE_HEADER = "Trustloop-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = 300) -> bool:
    """What a receiver does: the timestamp is recent (no replays of old captures) and one v1 matches."""
    try:
        parts = [item.split("=", 1) for item in header.split(",")]
        timestamp = int(next(value for key, value in parts if key == "t"))
    except (ValueError, StopIteration):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return any(key == "v1" and hmac.compare_digest(value, expected) for key, value in parts)
