"""Firebase ID tokens from the mobile apps, verified by the real firebase-admin SDK.

`identity()` is synchronous and, when the SDK's in-memory copy of Google's certificates has expired (every few
hours, as Google's Cache-Control says), fetches them over HTTP before answering: call it off the event loop.
"""

import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import firebase_admin
from firebase_admin import auth
from firebase_admin.exceptions import FirebaseError
from google.auth.credentials import AnonymousCredentials

from app.errors import Unauthorized
from app.schemas import has_forbidden_control

GOOGLE_CERTIFICATES_URL = "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"
EMULATOR_HOST_VARIABLE = "FIREBASE_AUTH_EMULATOR_HOST"  # the SDK then accepts unsigned tokens
ROLES = frozenset({"technician", "operator"})
CLOCK_SKEW_S = 10  # between Google's clock (iat, auth_time) and ours; the SDK accepts 0..60
CERTIFICATE_FETCH_TIMEOUT_S = 10  # the SDK's default is 120 s
INVALID_TOKEN = "The access token is missing, expired or invalid."

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FirebaseIdentity:
    uid: str
    role: str | None  # "technician" or "operator" (custom claim); None for an ordinary driver
    technician_id: str | None
    name: str | None
    phone: str | None
    email: str | None
    expires_at: datetime


class FirebaseIdTokens:
    """Verifies the ID tokens that Firebase Authentication gives the mobile apps; one firebase app per instance.

    `certificates_url` replaces Google's certificate URL and, like the Auth emulator, is for tests and local
    stand-ins only: both are refused unless `allow_test_endpoint` (never in production).
    """

    def __init__(
        self, project_id: str, certificates_url: str | None = None, *, allow_test_endpoint: bool = False
    ) -> None:
        if not project_id:
            raise ValueError("A Firebase project id is required to verify ID tokens")
        if certificates_url is not None and not allow_test_endpoint:
            raise ValueError("A Firebase certificates URL other than Google's is for tests and local stand-ins only")
        if not allow_test_endpoint and os.environ.get(EMULATOR_HOST_VARIABLE):
            raise RuntimeError(f"{EMULATOR_HOST_VARIABLE} is set: firebase-admin would accept unsigned ID tokens")
        self._allow_test_endpoint = allow_test_endpoint
        # Verifying needs only the public certificates, but the SDK's auth client insists on a credential at
        # creation; anonymous credentials keep it from looking for a service account (none is needed here).
        self._app = firebase_admin.initialize_app(
            AnonymousCredentials(),  # type: ignore[no-untyped-call]
            options={"projectId": project_id, "httpTimeout": CERTIFICATE_FETCH_TIMEOUT_S},
            name=f"trustloop-auth-{uuid4()}",
        )
        try:
            self._token_verifier = getattr(auth._get_client(self._app), "_token_verifier", None)
            if certificates_url is not None:
                _point_at(self._app, certificates_url)
        except BaseException:
            firebase_admin.delete_app(self._app)
            raise
        self._closed = False

    def identity(self, token: str) -> FirebaseIdentity:
        if not self._allow_test_endpoint and os.environ.get(EMULATOR_HOST_VARIABLE):
            log.error("%s appeared after start: refusing every Firebase ID token", EMULATOR_HOST_VARIABLE)
            raise Unauthorized(INVALID_TOKEN)
        try:
            claims = auth.verify_id_token(token, app=self._app, clock_skew_seconds=CLOCK_SKEW_S)
        except auth.CertificateFetchError as exc:
            log.warning("Firebase ID token certificates could not be fetched: %s", exc)
            raise Unauthorized(INVALID_TOKEN) from None
        except (FirebaseError, ValueError, TypeError) as exc:
            # Besides its own errors the SDK lets ValueError and TypeError out (a signed token whose iat is a
            # string, say). Its messages may quote the token: log the kind only, and chain nothing.
            log.debug("Firebase ID token refused (%s)", type(exc).__name__)
            raise Unauthorized(INVALID_TOKEN) from None
        try:
            return _identity_from(claims)
        except ValueError as exc:
            log.warning("Firebase ID token of %s refused: %s", claims.get("uid"), exc)
            raise Unauthorized(INVALID_TOKEN) from None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # delete_app() leaves the certificate fetcher's HTTP session open (the auth client has no close()).
        session = getattr(getattr(self._token_verifier, "request", None), "session", None)
        if session is not None:
            session.close()
        firebase_admin.delete_app(self._app)


def _identity_from(claims: dict[str, Any]) -> FirebaseIdentity:
    # The SDK checks signature, kid, alg, aud, iss, sub, iat and exp, but not auth_time.
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
        raise ValueError("no auth_time")
    if auth_time > time.time() + CLOCK_SKEW_S:
        raise ValueError("auth_time in the future")
    role = _text(claims, "role")
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role claim {role!r}")
    technician_id = _text(claims, "technician_id")
    if role == "technician" and technician_id is None:
        raise ValueError("a technician without a technician_id claim")
    return FirebaseIdentity(
        uid=claims["uid"],
        role=role,
        technician_id=technician_id,
        name=_display_name(_text(claims, "name")),
        phone=_text(claims, "phone_number"),
        email=_text(claims, "email"),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )


def _text(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"the {name} claim is not a non-empty string")
    return value


NAME_MAX = 200  # as users.name holds it


def _display_name(value: str | None) -> str | None:
    """The name the user gave his Firebase profile, as we can keep it: one line, within NAME_MAX (a name is not
    a reason to refuse a sign-in)."""
    if value is None:
        return None
    spaced = "".join(" " if has_forbidden_control(c, frozenset()) else c for c in value)
    kept = " ".join(spaced.split())[:NAME_MAX].rstrip()
    return kept or None


def _point_at(app: firebase_admin.App, certificates_url: str) -> None:
    """Fetches this app's ID-token certificates from `certificates_url` instead of Google's.

    The SDK keeps the URL on the ID-token verifier of the auth client that `auth.verify_id_token(app=...)` uses
    and reads it on every call; refuse loudly if a new SDK version moved it.
    """
    if not certificates_url.startswith(("http://", "https://")):
        raise ValueError(f"Not an HTTP URL: {certificates_url!r}")
    client = auth._get_client(app)
    verifier = getattr(getattr(client, "_token_verifier", None), "id_token_verifier", None)
    if verifier is None or getattr(verifier, "cert_url", None) != GOOGLE_CERTIFICATES_URL:
        raise RuntimeError(
            "firebase-admin changed how it stores the ID-token certificate URL; "
            "TRUSTLOOP_FIREBASE_CERTIFICATES_URL cannot apply"
        )
    verifier.cert_url = certificates_url
