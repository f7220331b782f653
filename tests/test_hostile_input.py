"""Hostile and broken input: refused with a clear problem+json, never a 500, and nothing stored."""

import base64
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.db import transaction
from app.enums import Service
from app.geo import to_geography
from app.guard import MAX_JSON_DEPTH, TooDeep, control_characters_in
from app.orders.models import JobEvent, Order, OrderStatus, Resolution
from feedback.models import Feedback, FollowUp, FollowUpStatus
from tests.conftest import KAIVOKATU, MIKONKATU, Actor, Api

NUL = "bad\u0000value"


async def count(sessions: async_sessionmaker[AsyncSession], table: str) -> int:
    async with sessions() as session:
        return int((await session.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one())


def is_problem(response: Any, status: int) -> bool:
    return bool(
        response.status_code == status
        and response.headers["content-type"].startswith("application/problem+json")
        and response.json()["status"] == status
    )


async def test_control_characters_are_refused_in_every_field_and_nothing_is_stored(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician, operator = await api.driver(), await api.technician(), await api.operator()
    order = await api.order(driver)
    here = MIKONKATU.model_dump()
    attempts: list[tuple[Actor | None, str, str, dict[str, Any]]] = [
        (driver, "POST", "/v1/orders", {"service": "tow", "location": here, "notes": NUL}),
        (driver, "POST", "/v1/orders", {"service": "tow", "location": here, "address": NUL}),
        (driver, "POST", "/v1/orders", {"service": "tow", "location": here, "vehicle": {"plate": NUL}}),
        (driver, "POST", f"/v1/orders/{order['id']}/cancel", {"reason": NUL}),
        (operator, "POST", "/v1/ops/technicians", {"name": NUL, "skills": ["tow"]}),
        (operator, "POST", "/v1/ops/technicians", {"name": "Anna", "phone": NUL, "skills": ["tow"]}),
        (operator, "POST", "/v1/ops/technicians", {"name": "Anna\x1b[31m", "skills": ["tow"]}),
        (technician, "POST", "/v1/devices", {"token": NUL, "platform": "android"}),
        (None, "POST", "/v1/dev/tokens", {"role": "driver", "name": NUL}),
        (driver, "POST", "/v1/orders", {"service": "tow", "location": here, "notes\u0000": "key"}),
        # Text that would read otherwise than stored: "Mikonkatu 1" shown for a reversed string.
        (driver, "POST", "/v1/orders", {"service": "tow", "location": here, "address": "\u202e1 utaknokiM"}),
        (driver, "POST", "/v1/orders", {"service": "tow", "location": here, "notes": "gate \u2067code\u2069 41"}),
    ]
    before = {t: await count(sessions, t) for t in ("orders", "technicians", "devices", "users", "job_events")}
    for actor, method, path, body in attempts:
        headers = actor.headers if actor else {}
        response = await api.client.request(method, path, json=body, headers=headers)
        assert is_problem(response, 422), (path, body, response.text)
        assert response.json()["errors"][0]["loc"][0] == "body"
    deleted = await api.client.delete("/v1/devices/%00", headers=technician.headers)
    assert is_problem(deleted, 422)
    listed = await api.client.get("/v1/orders?cursor=%01", headers=driver.headers)
    assert is_problem(listed, 422)
    assert {t: await count(sessions, t) for t in before} == before
    # Free text keeps its newlines and tabs.
    rated = await api.client.post(
        f"/v1/orders/{order['id']}/cancel", json={"reason": "waited\ntoo\tlong"}, headers=driver.headers
    )
    assert rated.status_code == 200


async def test_a_body_too_large_is_refused_before_it_is_read_or_anyone_is_authenticated(api: Api) -> None:
    big = {"service": "tow", "location": MIKONKATU.model_dump(), "notes": "x" * 100_000}
    unauthenticated = await api.client.post("/v1/orders", json=big)  # no token: still 413, not 401
    assert is_problem(unauthenticated, 413)

    async def chunks() -> AsyncIterator[bytes]:  # streamed without a Content-Length
        for _ in range(1_000):
            yield b" " * 1024

    streamed = await api.client.post(
        "/v1/orders", content=chunks(), headers={"content-type": "application/json", **(await api.driver()).headers}
    )
    assert is_problem(streamed, 413)


@pytest.mark.parametrize("value", ["Infinity", "NaN", "1e308"], ids=["infinity", "nan", "huge"])
async def test_numbers_must_be_finite_and_plausible(api: Api, value: str) -> None:
    technician = await api.technician(at=None)
    moment = datetime.now(UTC).isoformat()
    raw = (
        '{"points": [{"lat": 60.17, "lon": 24.94, "recorded_at": "%s", "speed_mps": %s}]}' % (moment, value)  # noqa: UP031
    )
    response = await api.client.post(
        "/v1/technicians/me/locations", content=raw, headers={"content-type": "application/json", **technician.headers}
    )
    assert is_problem(response, 422)
    me = (await api.client.get("/v1/technicians/me", headers=technician.headers)).json()
    assert me["position"] is None


async def test_crafted_cursors_and_dates_out_of_range_are_422(api: Api) -> None:
    driver, operator = await api.driver(), await api.operator()
    for cursor in (
        "WyIyMDI0LTAxLTAxVDAwOjAwOjAwIiwgNV0",  # ["2024-01-01T00:00:00", 5]: a naive time and a number
        "not-base64!",
        "W10",  # []
        "WyJ0IiwgIjAwMDEtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCAiYSJd",  # ["t", "0001-01-01T00:00:00+00:00", "a"]
    ):
        assert is_problem(await api.client.get(f"/v1/orders?cursor={cursor}", headers=driver.headers), 422), cursor
    for name in ("a\u0000", "\ud800"):  # a name cursor carrying what the database cannot take
        crafted = base64.urlsafe_b64encode(json.dumps(["s", name, str(uuid4())]).encode()).decode().rstrip("=")
        listed = await api.client.get(f"/v1/ops/technicians?cursor={crafted}", headers=operator.headers)
        assert is_problem(listed, 422), name
    for params in (
        {"to": "0001-01-01T00:00:00Z"},
        {"to": "9999-12-31T23:59:59-14:00"},
        {"from": "1999-12-31T23:00:00Z"},
    ):
        assert is_problem(await api.client.get("/v1/ops/kpis", params=params, headers=operator.headers), 422), params


async def test_every_operators_list_pages_through_all_of_it(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver, technician, operator = await api.driver(), await api.technician(), await api.operator()
    at = datetime.now(UTC)
    async with transaction(sessions) as session:
        for n in range(230):
            order = Order(
                id=uuid4(), driver_id=driver.id, technician_id=technician.id, service=Service.TOW,
                status=OrderStatus.COMPLETED, resolution=Resolution.TOWED, location=to_geography(KAIVOKATU),
                created_at=at - timedelta(minutes=n), updated_at=at,
            )  # fmt: skip
            session.add(order)
            await session.flush()
            session.add(JobEvent(order_id=order.id, status=OrderStatus.COMPLETED, created_at=at))
            feedback = Feedback(order_id=order.id, driver_id=driver.id, technician_id=technician.id, csat=1, tags=[])
            session.add(feedback)
            await session.flush()
            session.add(
                FollowUp(feedback_id=feedback.id, order_id=order.id, driver_id=driver.id, reason="detractor",
                         due_at=at + timedelta(minutes=n % 7), status=FollowUpStatus.OPEN)
            )  # fmt: skip
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"status": "open", "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = (await api.client.get("/v1/ops/followups", params=params, headers=operator.headers)).json()
        seen += [case["id"] for case in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 230
    async with sessions() as session:
        assert (await session.execute(select(func.count()).select_from(FollowUp))).scalar_one() == 230
    orders: list[str] = []
    cursor = None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = (await api.client.get("/v1/ops/orders", params=params, headers=operator.headers)).json()
        orders += [item["order_id"] for item in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert len(set(orders)) == 230


async def test_a_driver_cannot_churn_orders_beyond_the_limit_but_can_always_call_help_off(api: Api) -> None:
    driver = await api.driver()
    help_at = {"service": "tow", "location": MIKONKATU.model_dump()}
    answers = []
    for n in range(5):  # five orders in the window, all but the last called off
        order = await api.client.post(
            "/v1/orders", json=help_at, headers={**driver.headers, "Idempotency-Key": f"k{n}"}
        )
        answers.append(order.status_code)
        if n < 4:
            cancel = await api.client.post(f"/v1/orders/{order.json()['id']}/cancel", json={}, headers=driver.headers)
            answers.append(cancel.status_code)
    assert answers == [201, 200] * 4 + [201]
    # The app retries the last one (its answer was lost): the first answer again, not a 429.
    retried = await api.client.post("/v1/orders", json=help_at, headers={**driver.headers, "Idempotency-Key": "k4"})
    assert retried.status_code == 201
    assert retried.json()["id"] == order.json()["id"]
    refused = await api.client.post("/v1/orders", json=help_at, headers={**driver.headers, "Idempotency-Key": "k5"})
    assert is_problem(refused, 429)
    assert 0 < int(refused.headers["retry-after"]) <= 600
    # At the limit, he can still call off the help he no longer needs.
    cancel = await api.client.post(f"/v1/orders/{order.json()['id']}/cancel", json={}, headers=driver.headers)
    assert cancel.status_code == 200
    assert (await api.client.post("/v1/orders", json=help_at, headers=driver.headers)).status_code == 429
    # The refused key was not spent: once the window has passed, the same retry creates.
    with clock.using(lambda: datetime.now(UTC) + timedelta(minutes=11)):
        later = await api.client.post("/v1/orders", json=help_at, headers={**driver.headers, "Idempotency-Key": "k5"})
    assert later.status_code == 201
    other = await api.driver()  # counted per driver
    assert (await api.client.post("/v1/orders", json=help_at, headers=other.headers)).status_code == 201


async def test_bodies_and_links_made_to_break_the_server_get_a_clear_answer(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # A 2 KB body of a thousand nested lists, before anyone is authenticated.
    nested = await api.client.post(
        "/v1/orders", content=b"[" * 1000 + b"]" * 1000, headers={"Content-Type": "application/json"}
    )
    assert is_problem(nested, 422)
    assert nested.json()["errors"][0]["msg"] == "nests too deeply"
    # A tracking link whose signature is not ASCII.
    order = await api.order(await api.driver())
    link = order["tracking_url"].rsplit("/", 1)[1]
    for forged in (f"{link[:-1]}é", f"{link.split('.')[0]}.%C3%A9"):
        assert is_problem(await api.client.get(f"/v1/track/{forged}"), 404), forged
    # A push token longer than any phone's, of letters no index entry could hold.
    technician = await api.technician()
    before = await count(sessions, "devices")
    for token in (secrets.token_urlsafe(3072), "é" * 1000):
        registered = await api.client.post(
            "/v1/devices", json={"token": token, "platform": "android"}, headers=technician.headers
        )
        assert is_problem(registered, 422)
    assert await count(sessions, "devices") == before
    # A webhook address that percent-encoding makes longer than the column.
    operator = await api.operator()
    long_url = "https://hooks.example.com/" + "é" * 340
    created = await api.client.post(
        "/v1/ops/partners",
        json={"name": "Long Hooks", "kind": "fleet", "webhook_url": long_url},
        headers=operator.headers,
    )
    assert is_problem(created, 422)


async def test_a_body_that_is_not_json_is_415_and_one_without_a_type_is_read_as_json(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    help_at = {"service": "tow", "location": MIKONKATU.model_dump()}
    for content_type, body in (
        ("text/plain", json.dumps(help_at).encode()),
        ("application/x-www-form-urlencoded", b"service=tow&location=here"),
        ("multipart/form-data; boundary=x", b"--x--"),
    ):
        refused = await api.client.post(
            "/v1/orders", content=body, headers={**driver.headers, "Content-Type": content_type}
        )
        assert is_problem(refused, 415), content_type
        assert refused.json()["detail"].startswith("The body must be JSON (Content-Type: application/json)")
    assert await count(sessions, "orders") == 0
    # Without a Content-Type the body is read as JSON, and checked as JSON is.
    untyped = {**help_at, "notes": "bad\u0000"}
    refused = await api.client.post("/v1/orders", content=json.dumps(untyped).encode(), headers=driver.headers)
    assert is_problem(refused, 422)
    assert refused.json()["errors"][0]["loc"] == ["body", "notes"]
    assert await count(sessions, "orders") == 0


@pytest.mark.parametrize(
    "notes",
    [
        b'"del \x7f raw"',
        b'"del \\u007f escaped"',
        b'"c1 \xc2\x85 raw"',
        b'"c1 \\u0085 escaped"',
        b'"nul \\u0000 escaped"',
        '"bidi \u202e raw"'.encode(),
        b'"bidi \\u202E escaped"',
        b'"isolate \\u2066 escaped"',
    ],
)
async def test_every_spelling_of_a_control_character_in_a_body_is_refused(api: Api, notes: bytes) -> None:
    # Most bodies are let through from their bytes alone (app/guard.py): none of these may be. Sent without a
    # token, so that only the guard, which comes before authentication, can refuse them with 422.
    body = b'{"service": "tow", "location": {"lat": 60.1676, "lon": 24.9421}, "notes": ' + notes + b"}"
    refused = await api.client.post("/v1/orders", content=body, headers={"Content-Type": "application/json"})
    assert is_problem(refused, 422), refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "notes"]


async def test_a_body_nested_just_too_deep_is_refused_and_one_at_the_limit_is_not(api: Api) -> None:
    for levels, refused in ((MAX_JSON_DEPTH + 1, True), (MAX_JSON_DEPTH, False)):
        body = b"[" * levels + b"]" * levels
        answer = await api.client.post("/v1/orders", content=body, headers={"Content-Type": "application/json"})
        if refused:
            assert is_problem(answer, 422)
            assert answer.json()["errors"][0]["msg"] == "nests too deeply"
        else:
            assert answer.status_code == 401, answer.text  # past the guard: the caller is asked who he is


def test_the_guard_points_at_control_characters_in_the_documents_order_and_refuses_deep_nesting() -> None:
    document = {"a": "fine", "b\x02": ["ok", {"c": "x\x01"}], "d": "\x00"}
    assert list(control_characters_in(document, ["body"])) == [
        ["body", "b\x02"],
        ["body", "b\x02", 1, "c"],
        ["body", "d"],
    ]

    def nested(levels: int) -> object:
        value: object = "x\x01"
        for _ in range(levels):
            value = [value]
        return value

    assert list(control_characters_in(nested(MAX_JSON_DEPTH), ["body"])) == [["body", *[0] * MAX_JSON_DEPTH]]
    with pytest.raises(TooDeep):
        list(control_characters_in(nested(MAX_JSON_DEPTH + 1), ["body"]))
