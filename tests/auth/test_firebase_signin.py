"""Mobile apps sign in with Firebase Authentication: the API accepts their ID tokens (verified by the real
firebase-admin SDK against certificates a local stand-in serves) and knows who each Firebase user is."""

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.users.models import Driver, User
from tests.conftest import MIKONKATU, Api
from tests.firebase_standin import CertificateServer, SigningKey, id_token_claims, mint_id_token, sign
from trustloop.api import create_app

PROJECT_ID = "trustloop-signin-test"


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey.generate("key-signin")


@pytest.fixture(scope="module")
def certificates(signing_key: SigningKey) -> Iterator[CertificateServer]:
    with CertificateServer([signing_key]) as server:
        yield server


@pytest.fixture
async def firebase_app(settings: Settings, certificates: CertificateServer) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(
        update={"firebase_project_id": PROJECT_ID, "firebase_certificates_url": certificates.url}
    )
    application: FastAPI = create_app(configured)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client,
    ):
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_firebase_user_becomes_a_driver_on_first_sign_in_and_stays_the_same(
    firebase_app: httpx.AsyncClient, signing_key: SigningKey, api: Api
) -> None:
    first = mint_id_token(signing_key, PROJECT_ID, "aino-uid", phone_number="+358401234567", name="Aino")
    order = await firebase_app.post(
        "/v1/orders", json={"service": "tow", "location": MIKONKATU.model_dump()}, headers=bearer(first)
    )
    assert order.status_code == 201, order.text
    again = mint_id_token(signing_key, PROJECT_ID, "aino-uid", phone_number="+358401234567")  # a day later
    listed = (await firebase_app.get("/v1/orders", headers=bearer(again))).json()["items"]
    assert [o["id"] for o in listed] == [order.json()["id"]]
    stranger = mint_id_token(signing_key, PROJECT_ID, "someone-else")
    assert (await firebase_app.get(f"/v1/orders/{order.json()['id']}", headers=bearer(stranger))).status_code == 404
    ours = await api.driver()  # our own tokens keep working beside Firebase's
    assert (await firebase_app.get("/v1/orders", headers=ours.headers)).status_code == 200


async def test_a_new_users_first_requests_at_once_make_one_driver(
    firebase_app: httpx.AsyncClient, signing_key: SigningKey, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # The app opens and asks for several lists at once, with a token nobody has seen yet.
    token = mint_id_token(signing_key, PROJECT_ID, "eemeli-uid", phone_number="+358401112233", name="Eemeli")
    answers = await asyncio.gather(*(firebase_app.get("/v1/orders", headers=bearer(token)) for _ in range(8)))
    assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers if a.status_code != 200]
    async with sessions() as session:
        users = (await session.scalars(select(User).where(User.firebase_uid == "eemeli-uid"))).all()
        assert len(users) == 1
        assert await session.scalar(select(func.count()).select_from(Driver).where(Driver.id == users[0].id)) == 1


async def test_technicians_and_operators_by_their_claims(
    firebase_app: httpx.AsyncClient, signing_key: SigningKey, api: Api
) -> None:
    technician = await api.technician(name="Greta Lind")
    signed_in = mint_id_token(
        signing_key, PROJECT_ID, "greta-uid", custom_claims={"role": "technician", "technician_id": str(technician.id)}
    )
    me = await firebase_app.get("/v1/technicians/me", headers=bearer(signed_in))
    assert me.status_code == 200
    assert me.json()["id"] == str(technician.id)
    impostor = mint_id_token(
        signing_key, PROJECT_ID, "other-uid", custom_claims={"role": "technician", "technician_id": str(technician.id)}
    )  # another Firebase account claiming the same technician
    assert (await firebase_app.get("/v1/technicians/me", headers=bearer(impostor))).status_code == 401
    unknown = mint_id_token(
        signing_key, PROJECT_ID, "x-uid",
        custom_claims={"role": "technician", "technician_id": "00000000-0000-4000-8000-000000000000"},
    )  # fmt: skip
    assert (await firebase_app.get("/v1/technicians/me", headers=bearer(unknown))).status_code == 401
    operator = mint_id_token(signing_key, PROJECT_ID, "ops-uid", custom_claims={"role": "operator"})
    assert (await firebase_app.get("/v1/ops/sla", headers=bearer(operator))).status_code == 200
    driver = mint_id_token(signing_key, PROJECT_ID, "driver-uid")
    assert (await firebase_app.get("/v1/ops/sla", headers=bearer(driver))).status_code == 403


async def test_tampered_expired_and_foreign_tokens_are_401(
    firebase_app: httpx.AsyncClient, signing_key: SigningKey
) -> None:
    good = mint_id_token(signing_key, PROJECT_ID, "aino-uid")
    header, payload, signature = good.split(".")
    tampered = f"{header}.{payload[:-2]}AA.{signature}"
    expired = sign(id_token_claims(PROJECT_ID, "aino-uid", issued_at=int(time.time()) - 7200), signing_key)
    foreign = mint_id_token(signing_key, "someone-elses-project", "aino-uid")
    other_key = mint_id_token(SigningKey.generate("key-signin"), PROJECT_ID, "aino-uid")  # same kid, wrong key
    for token in (tampered, expired, foreign, other_key, "not.a.token"):
        refused = await firebase_app.get("/v1/orders", headers=bearer(token))
        assert refused.status_code == 401, token
        assert refused.headers["content-type"] == "application/problem+json"
