"""KPI formulas on a hand-made set of orders with known answers, through the API and the real database."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.enums import Service
from app.geo import to_geography
from app.orders.models import JobEvent, Order, OrderStatus, Resolution
from feedback.kpis import OrderFacts, daily, percentile
from feedback.models import Feedback
from feedback.schemas import Percentiles
from tests.conftest import MIKONKATU, Api

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

# (status, resolution, created after T0, assigned after, arrived after, promised after, csat, nps, ces)
ORDERS: list[tuple[Any, ...]] = [
    ("completed", "fixed_on_site", timedelta(0), 60, 600, 660, 5, 10, 2),
    ("completed", "towed", timedelta(hours=1), 120, 900, 700, 4, 8, 3),  # 200 s late: promise broken
    ("failed", "not_fixed", timedelta(hours=2), 180, 1200, 1150, 2, 3, 6),  # 50 s late: within tolerance
    ("cancelled", None, timedelta(hours=3), None, None, None, None, None, None),
    ("completed", "fixed_on_site", timedelta(hours=4), 240, 300, 400, None, None, None),
    ("completed", "fixed_on_site", timedelta(days=-1), 10, 20, 30, 1, 0, 7),  # outside the period
]


async def seed(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    driver = await api.driver()
    technician = await api.technician()
    async with transaction(sessions) as session:
        for status, resolution, offset, assigned, arrived, promised, csat, nps, ces in ORDERS:
            created = T0 + offset
            order = Order(
                id=uuid4(), driver_id=driver.id, technician_id=technician.id, service=Service.TOW,
                status=OrderStatus(status), resolution=Resolution(resolution) if resolution else None,
                location=to_geography(MIKONKATU), created_at=created, updated_at=created,
                promised_arrival_at=created + timedelta(seconds=promised) if promised else None,
            )  # fmt: skip
            session.add(order)
            await session.flush()
            for kind, after in (("assigned", assigned), ("arrived", arrived)):
                if after is not None:
                    at = created + timedelta(seconds=after)
                    session.add(JobEvent(order_id=order.id, status=OrderStatus(kind), created_at=at))
            if csat is not None:
                session.add(Feedback(order_id=order.id, driver_id=driver.id, technician_id=technician.id,
                                     csat=csat, nps=nps, ces=ces, tags=[], created_at=created))  # fmt: skip


async def test_kpis_on_a_known_data_set(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(api, sessions)
    operator = await api.operator()
    params = {"from": T0.isoformat(), "to": (T0 + timedelta(days=1)).isoformat()}
    body = (await api.client.get("/v1/ops/kpis", params=params, headers=operator.headers)).json()
    assert body["orders"] == 5
    assert body["nps"] == pytest.approx(0.0)  # promoters 1 of 3, detractors 1 of 3
    assert body["csat"] == pytest.approx(2 / 3)
    assert body["ces"] == pytest.approx(11 / 3)
    assert body["fcr"] == pytest.approx(0.5)  # 2 of the 4 finished fixed on site
    assert body["first_response_s"] == {"p50": pytest.approx(150), "p90": pytest.approx(222)}
    assert body["time_to_arrival_s"] == {"p50": pytest.approx(750), "p90": pytest.approx(1110)}
    assert body["eta_promise_kept"] == pytest.approx(0.75)
    assert body["cancel_rate"] == pytest.approx(0.2)
    assert body["feedback_rate"] == pytest.approx(0.75)  # the feedback-request response rate: 3 of 4 finished
    assert body["journey_completion"] == pytest.approx(3 / 5)  # fixed, towed, fixed of 5 orders
    assert body["samples"]["journey_completion"] == 5
    # A partner's engineer asks by plain dates: the day's UTC start, and "to" takes its whole day in.
    by_dates = {"from": T0.date().isoformat(), "to": T0.date().isoformat()}
    same = (await api.client.get("/v1/ops/kpis", params=by_dates, headers=operator.headers)).json()
    assert (same["from"], same["to"]) == ("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z")
    assert {**same, "from": body["from"], "to": body["to"]} == body
    month_before = (T0 - timedelta(days=30)).date().isoformat()
    quiet = {"from": month_before, "to": month_before}
    assert (await api.client.get("/v1/ops/kpis", params=quiet, headers=operator.headers)).json()["orders"] == 0
    for bad in ("2026-02-30", "2026-13-01"):  # a plain date that is no date: refused, not read as another day
        refused = await api.client.get("/v1/ops/kpis", params={"from": bad}, headers=operator.headers)
        assert refused.status_code == 422, refused.text
    # A day outside the service's era is refused in those words, not as "Input should have timezone info".
    far = await api.client.get("/v1/ops/kpis", params={"to": "9999-12-31"}, headers=operator.headers)
    assert far.status_code == 422, far.text
    assert "between the years 2000 and 2100" in far.text


async def test_kpis_refuse_an_empty_period_and_other_roles(api: Api) -> None:
    operator, driver = await api.operator(), await api.driver()
    backwards = {"from": T0.isoformat(), "to": (T0 - timedelta(hours=1)).isoformat()}
    assert (await api.client.get("/v1/ops/kpis", params=backwards, headers=operator.headers)).status_code == 422
    assert (
        await api.client.get("/v1/ops/kpis", params={"from": "yesterday"}, headers=operator.headers)
    ).status_code == 422
    assert (await api.client.get("/v1/ops/kpis", headers=driver.headers)).status_code == 403
    empty = (await api.client.get("/v1/ops/kpis", headers=operator.headers)).json()
    assert empty["orders"] == 0
    assert empty["nps"] is None


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([10], 0.9) == 10
    assert percentile([], 0.5) is None


def test_daily_kpis_give_every_day_its_own_figures() -> None:
    first = date(2026, 3, 1)
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    facts = [
        OrderFacts("completed", "fixed_on_site", at, nps=10, csat=5),
        OrderFacts("completed", "fixed_on_site", at + timedelta(hours=1), nps=3, csat=2),
        OrderFacts("cancelled", None, at + timedelta(days=1)),
        OrderFacts("completed", None, at - timedelta(days=5), nps=10),  # before the first day: left out
    ]
    days = daily(facts, first, 3, lambda _: timedelta(minutes=2))
    assert [d.day.isoformat() for d in days] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert [d.orders for d in days] == [0, 2, 1]
    assert days[0].nps is None
    assert days[1].nps == 0.0
    assert days[1].csat == 0.5
    assert days[2].cancel_rate == 1.0


def test_figures_are_given_without_float_noise() -> None:
    assert Percentiles(p50=1.5698750000000001, p90=None).model_dump(mode="json") == {"p50": 1.569875, "p90": None}
    assert Percentiles(p50=0.1 + 0.2, p90=240.0).model_dump_json() == '{"p50":0.3,"p90":240.0}'
