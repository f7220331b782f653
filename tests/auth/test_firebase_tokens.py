"""Firebase ID tokens through the real firebase-admin SDK, against certificates served by a local stand-in."""

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from app.auth.firebase import EMULATOR_HOST_VARIABLE, FirebaseIdentity, FirebaseIdTokens
from app.errors import Unauthorized
from tests.firebase_standin import CertificateServer, SigningKey, id_token_claims, mint_id_token, sign, unsigned

PROJECT_ID = "trustloop-test"
UID = "Xq3pL0fYc9TzU2kV8mB1nR4sD7e2"


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey.generate("key-1")


@pytest.fixture(scope="module")
def certificates(signing_key: SigningKey) -> Iterator[CertificateServer]:
    with CertificateServer([signing_key]) as server:
        yield server


@pytest.fixture
def tokens(certificates: CertificateServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[FirebaseIdTokens]:
    monkeypatch.delenv(EMULATOR_HOST_VARIABLE, raising=False)
    certificates.set_available(True)
    verifier = FirebaseIdTokens(PROJECT_ID, certificates.url, allow_test_endpoint=True)
    yield verifier
    verifier.close()


def assert_refused(tokens: FirebaseIdTokens, token: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        tokens.identity(token)
    assert caught.value.message == "The access token is missing, expired or invalid."


def test_a_driver_signed_in_by_phone_is_accepted(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    token = mint_id_token(signing_key, PROJECT_ID, UID, phone_number="+358401234567", name="Aino Virtanen")

    identity = tokens.identity(token)
    assert identity == FirebaseIdentity(
        uid=UID, role=None, technician_id=None, name="Aino Virtanen", phone="+358401234567", email=None,
        expires_at=identity.expires_at,
    )  # fmt: skip


def test_a_profile_name_is_kept_as_a_name_can_be_stored(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    # The app lets a user write his own display name: it is not a reason to refuse him.
    for given, kept in (
        ("A" * 500, "A" * 200),
        ("Aino\nVirtanen\u0000", "Aino Virtanen"),
        (" " * 199 + "x", "x"),
        ("\u0000\u001b", None),
    ):
        identity = tokens.identity(mint_id_token(signing_key, PROJECT_ID, UID, name=given))
        assert identity.name == kept


def test_role_claims_come_through(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    technician = mint_id_token(
        signing_key,
        PROJECT_ID,
        UID,
        phone_number="+358401234567",
        custom_claims={"role": "technician", "technician_id": "5b0f6c1e-3f7a-4a53-9d1e-6f1f3c2a9b10"},
    )
    operator = mint_id_token(
        signing_key, PROJECT_ID, "op-1", email="ops@trustloop.dev", custom_claims={"role": "operator"}
    )

    technician_identity = tokens.identity(technician)
    assert technician_identity == FirebaseIdentity(
        uid=UID,
        role="technician",
        technician_id="5b0f6c1e-3f7a-4a53-9d1e-6f1f3c2a9b10",
        name=None,
        phone="+358401234567",
        email=None,
        expires_at=technician_identity.expires_at,
    )
    assert technician_identity.expires_at > datetime.now(UTC)
    operator_identity = tokens.identity(operator)
    assert operator_identity == FirebaseIdentity(
        uid="op-1", role="operator", technician_id=None, name=None, phone=None, email="ops@trustloop.dev",
        expires_at=operator_identity.expires_at,
    )  # fmt: skip


def test_certificates_are_fetched_once_and_cached(
    tokens: FirebaseIdTokens, certificates: CertificateServer, signing_key: SigningKey
) -> None:
    before = certificates.requests
    for uid in ("driver-1", "driver-2", "driver-3"):
        assert tokens.identity(mint_id_token(signing_key, PROJECT_ID, uid)).uid == uid

    assert certificates.requests == before + 1


def test_a_tampered_payload_is_refused(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    header, _, signature = mint_id_token(signing_key, PROJECT_ID, UID).split(".")
    promoted = id_token_claims(PROJECT_ID, UID, custom_claims={"role": "operator"})
    payload = base64.urlsafe_b64encode(json.dumps(promoted).encode()).rstrip(b"=").decode()

    assert_refused(tokens, f"{header}.{payload}.{signature}")


def test_an_expired_token_is_refused(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    two_hours_ago = int(time.time()) - 7200
    assert_refused(tokens, mint_id_token(signing_key, PROJECT_ID, UID, issued_at=two_hours_ago, lifetime_s=3600))


def test_a_token_issued_in_the_future_is_refused(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    in_an_hour = int(time.time()) + 3600
    assert_refused(tokens, mint_id_token(signing_key, PROJECT_ID, UID, issued_at=in_an_hour))


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"aud": "someone-elses-project"}, id="wrong audience"),
        pytest.param({"iss": "https://securetoken.google.com/someone-elses-project"}, id="wrong issuer"),
        pytest.param({"iss": "https://accounts.google.com"}, id="google sign-in issuer"),
        pytest.param({"sub": "", "user_id": ""}, id="empty subject"),
        pytest.param({"iat": "yesterday"}, id="iat not a number"),  # the SDK raises TypeError
        pytest.param({"auth_time": None}, id="no auth_time"),
        pytest.param({"auth_time": int(time.time()) + 3600}, id="auth_time in the future"),
        pytest.param({"role": "admin"}, id="unknown role"),
        pytest.param({"role": "technician"}, id="technician without technician_id"),
        pytest.param({"phone_number": 358401234567}, id="phone number not a string"),
    ],
)
def test_wrong_claims_are_refused(tokens: FirebaseIdTokens, signing_key: SigningKey, changes: dict[str, Any]) -> None:
    claims = id_token_claims(PROJECT_ID, UID) | changes
    assert_refused(tokens, sign({name: value for name, value in claims.items() if value is not None}, signing_key))


def test_an_unknown_kid_is_refused(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    assert_refused(tokens, sign(id_token_claims(PROJECT_ID, UID), signing_key, kid="key-2"))


def test_a_token_signed_by_another_key_is_refused(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    impostor = SigningKey.generate(signing_key.kid)
    assert_refused(tokens, mint_id_token(impostor, PROJECT_ID, UID))


def test_an_unsigned_token_is_refused(tokens: FirebaseIdTokens, signing_key: SigningKey) -> None:
    assert_refused(tokens, unsigned(id_token_claims(PROJECT_ID, UID), signing_key.kid))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b.c",
        "e30.e30.",  # {} and {}
        "W10.W10.",  # [] and []
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",  # a payload that is not JSON
    ],
)
def test_garbage_is_refused(tokens: FirebaseIdTokens, token: str) -> None:
    assert_refused(tokens, token)


def test_unreachable_certificates_refuse_every_token(
    certificates: CertificateServer, signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(EMULATOR_HOST_VARIABLE, raising=False)
    certificates.set_available(False)
    verifier = FirebaseIdTokens(PROJECT_ID, certificates.url, allow_test_endpoint=True)
    try:
        assert_refused(verifier, mint_id_token(signing_key, PROJECT_ID, UID))
    finally:
        verifier.close()
        certificates.set_available(True)


def test_the_auth_emulator_is_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EMULATOR_HOST_VARIABLE, "127.0.0.1:9099")

    with pytest.raises(RuntimeError, match=EMULATOR_HOST_VARIABLE):
        FirebaseIdTokens(PROJECT_ID)


def test_the_auth_emulator_appearing_later_refuses_every_token(
    signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(EMULATOR_HOST_VARIABLE, raising=False)
    verifier = FirebaseIdTokens(PROJECT_ID)
    try:
        monkeypatch.setenv(EMULATOR_HOST_VARIABLE, "127.0.0.1:9099")
        assert_refused(verifier, unsigned(id_token_claims(PROJECT_ID, UID), signing_key.kid))
    finally:
        verifier.close()


def test_the_auth_emulator_accepts_unsigned_tokens_which_is_why_it_is_refused(
    signing_key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EMULATOR_HOST_VARIABLE, "127.0.0.1:9099")
    verifier = FirebaseIdTokens(PROJECT_ID, allow_test_endpoint=True)
    try:
        assert verifier.identity(unsigned(id_token_claims(PROJECT_ID, UID), signing_key.kid)).uid == UID
    finally:
        verifier.close()


def test_a_certificates_url_is_refused_unless_allowed(certificates: CertificateServer) -> None:
    with pytest.raises(ValueError, match="tests and local stand-ins only"):
        FirebaseIdTokens(PROJECT_ID, certificates.url)
