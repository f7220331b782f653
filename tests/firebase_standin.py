"""A local stand-in for Google's Firebase ID-token certificates, and ID tokens signed by local keys.

`CertificateServer` answers GET like Google's securetoken endpoint: `{kid: PEM X.509 certificate}` with a
Cache-Control max-age, so the real firebase-admin SDK fetches and caches it as it would Google's.
"""

import base64
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

CERTIFICATES_PATH = "/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"
ISSUER_PREFIX = "https://securetoken.google.com/"
MAX_AGE_S = 3600  # long enough that no test outlives the SDK's cached copy


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    certificate_pem: str

    @classmethod
    def generate(cls, kid: str) -> "SigningKey":
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(private_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(private_key, hashes.SHA256())
        )
        return cls(kid, private_key, certificate.public_bytes(serialization.Encoding.PEM).decode())


class _CertificateHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    certificates: dict[str, str]
    available: bool
    requests: int


class _CertificateHandler(BaseHTTPRequestHandler):
    server: _CertificateHTTPServer

    def do_GET(self) -> None:
        if self.path != CERTIFICATES_PATH:
            self.send_error(404)
            return
        self.server.requests += 1
        if not self.server.available:
            self.send_error(503)
            return
        body = json.dumps(self.server.certificates).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Cache-Control", f"public, max-age={MAX_AGE_S}, must-revalidate, no-transform")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class CertificateServer:
    """Serves the certificates of `keys` on 127.0.0.1 from a background thread, as a context manager."""

    def __init__(self, keys: Iterable[SigningKey]) -> None:
        self._server = _CertificateHTTPServer(("127.0.0.1", 0), _CertificateHandler)
        self._server.certificates = {key.kid: key.certificate_pem for key in keys}
        self._server.available = True
        self._server.requests = 0
        self._thread = threading.Thread(target=self._server.serve_forever, name="firebase-certificates", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{CERTIFICATES_PATH}"

    @property
    def requests(self) -> int:
        """How many times the certificates were asked for."""
        return self._server.requests

    def set_available(self, available: bool) -> None:
        """When unavailable, answers 503."""
        self._server.available = available

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def id_token_claims(
    project_id: str,
    uid: str,
    *,
    phone_number: str | None = None,
    name: str | None = None,
    email: str | None = None,
    custom_claims: Mapping[str, Any] | None = None,
    issued_at: int | None = None,
    lifetime_s: int = 3600,
) -> dict[str, Any]:
    """The claims of an ID token as Firebase Authentication issues it after a phone sign-in.

    Issued a minute ago by default (signed in a minute before that), so that no clock comparison is close.
    """
    iat = int(time.time()) - 60 if issued_at is None else issued_at
    claims: dict[str, Any] = {
        "iss": ISSUER_PREFIX + project_id,
        "aud": project_id,
        "auth_time": iat - 60,
        "user_id": uid,
        "sub": uid,
        "iat": iat,
        "exp": iat + lifetime_s,
        "firebase": {"identities": {}, "sign_in_provider": "phone"},
    }
    if phone_number is not None:
        claims["phone_number"] = phone_number
        claims["firebase"]["identities"]["phone"] = [phone_number]
    if name is not None:
        claims["name"] = name
    if email is not None:
        claims["email"] = email
        claims["email_verified"] = True
    claims.update(custom_claims or {})
    return claims


def sign(claims: Mapping[str, Any], key: SigningKey, kid: str | None = None) -> str:
    """An RS256 JWT of `claims` signed by `key`, naming `kid` (the key's own by default) in its header."""
    return jwt.encode(dict(claims), key.private_key, algorithm="RS256", headers={"kid": kid or key.kid})


def unsigned(claims: Mapping[str, Any], kid: str) -> str:
    """A JWT with "alg": "none" and no signature, as the Firebase Auth emulator issues them."""
    return f"{_segment({'alg': 'none', 'kid': kid, 'typ': 'JWT'})}.{_segment(claims)}."


def mint_id_token(key: SigningKey, project_id: str, uid: str, **claims: Any) -> str:
    """A valid ID token for `project_id`, signed by `key`; keyword arguments as for `id_token_claims`."""
    return sign(id_token_claims(project_id, uid, **claims), key)


def _segment(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
