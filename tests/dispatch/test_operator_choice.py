"""The technicians an operator is offered for an order: the rules an offer or an assignment checks, soonest by road."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.geo import Point
from app.regions.extract import service_area
from app.regions.service import record_region
from app.routing.osrm import OsrmClient
from app.technicians.repository import set_last_position
from tests.conftest import HELSINKI_PBF, KAISANIEMENKATU, KAIVOKATU, MIKONKATU, UNIONINKATU, Api
from tests.dispatch.helpers import give_ratings

TOOLO = Point(lat=60.1745, lon=24.9300)  # off the roads of the bundled extract: no road leads from there


async def test_the_operator_is_offered_who_could_take_the_job_soonest_by_road_first(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], osrm: OsrmClient, helsinki_graph: Path
) -> None:
    async with transaction(sessions) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), helsinki_graph)
    driver = await api.driver()
    free = [
        await api.technician(at=spot, name=name)
        for spot, name in [(UNIONINKATU, "Ulla"), (KAISANIEMENKATU, "Kalle"), (KAIVOKATU, "Kaisa"), (TOOLO, "Teo")]
    ]
    stale = await api.technician(at=None, name="Stale")
    async with transaction(sessions) as session:
        await set_last_position(session, stale.id, KAIVOKATU, datetime.now(UTC) - timedelta(minutes=40))
    nowhere = await api.technician(at=None, name="Nowhere")
    blocked = await api.technician(at=KAIVOKATU, name="Blocked")
    await give_ratings(sessions, blocked.id, [1], driver_id=driver.id)
    await api.technician(at=KAIVOKATU, name="Jumper", skills=["jump_start"])
    await api.technician(at=KAIVOKATU, name="Offline", online=False)
    busy = await api.technician(at=KAIVOKATU, name="Busy")
    assert (await api.assign((await api.order(await api.driver(), at=UNIONINKATU))["id"], busy)).status_code == 200

    order = await api.order(driver, at=MIKONKATU)
    operator = await api.operator()
    response = await api.client.get(f"/v1/ops/orders/{order['id']}/technicians", headers=operator.headers)
    assert response.status_code == 200, response.text
    choices = response.json()
    assert choices["confidence"] == "high"
    names = [c["name"] for c in choices["items"]]
    # Not skilled, offline, on a job, or blocked by this driver: not offered (the region rule is dispatch's own SQL).
    assert sorted(names) == sorted(["Ulla", "Kalle", "Kaisa", "Teo", "Stale", "Nowhere"])
    # By road, as OSRM answers from where each was last seen; nobody known to be anywhere comes last.
    by_id = {c["technician_id"]: c for c in choices["items"]}
    located = [*free, stale]
    table = await osrm.table(
        [UNIONINKATU, KAISANIEMENKATU, KAIVOKATU, TOOLO, KAIVOKATU], [MIKONKATU],
        with_distances=True,
    )  # fmt: skip
    for technician, row in zip(located, table.durations, strict=True):  # no finished drives: nothing calibrated
        assert by_id[str(technician.id)]["eta_s"] == by_id[str(technician.id)]["raw_eta_s"] == row[0]
    etas = [c["eta_s"] for c in choices["items"] if c["eta_s"] is not None]
    assert etas == sorted(etas)
    assert len(etas) == 4
    assert names[-2:] == ["Teo", "Nowhere"]  # no road from where he is, then nobody knows where
    assert by_id[str(free[3].id)]["straight_m"] > 0
    assert by_id[str(nowhere.id)]["position_age_s"] is None
    assert by_id[str(stale.id)]["position_age_s"] > 39 * 60
    assert all(c["trust_score"] > 0 and not c["offered_elsewhere"] and not c["offered_this"] for c in choices["items"])

    # Another driver may be served by the one this driver blocked.
    other = await api.order(await api.driver(), at=MIKONKATU)
    others = (await api.client.get(f"/v1/ops/orders/{other['id']}/technicians", headers=operator.headers)).json()
    assert "Blocked" in [c["name"] for c in others["items"]]
    # Once the job is given, its technician is no choice for it, and an offer he waits on shows on other orders.
    assert (await api.assign(order["id"], free[1])).status_code == 200
    now_given = (await api.client.get(f"/v1/ops/orders/{order['id']}/technicians", headers=operator.headers)).json()
    assert "Kalle" not in [c["name"] for c in now_given["items"]]
    offered = await api.client.post(
        f"/v1/ops/orders/{other['id']}/offers", json={"technician_id": str(free[0].id)}, headers=operator.headers
    )
    assert offered.status_code == 201, offered.text
    third = await api.order(await api.driver(), at=MIKONKATU)
    thirds = (await api.client.get(f"/v1/ops/orders/{third['id']}/technicians", headers=operator.headers)).json()
    assert {c["name"]: c["offered_elsewhere"] for c in thirds["items"]}["Ulla"] is True
    # On the order he was offered, he is marked as waiting on it: offering it again would ask him twice.
    seconds = (await api.client.get(f"/v1/ops/orders/{other['id']}/technicians", headers=operator.headers)).json()
    ulla = next(c for c in seconds["items"] if c["name"] == "Ulla")
    assert (ulla["offered_this"], ulla["offered_elsewhere"]) == (True, False)

    # An order past acting on has nobody to offer; one that does not exist is a 404; drivers cannot ask.
    await api.client.post(f"/v1/orders/{third['id']}/cancel", json={}, headers=operator.headers)
    ended = (await api.client.get(f"/v1/ops/orders/{third['id']}/technicians", headers=operator.headers)).json()
    assert ended["items"] == []
    missing = await api.client.get(f"/v1/ops/orders/{free[0].id}/technicians", headers=operator.headers)
    assert missing.status_code == 404
    assert (
        await api.client.get(f"/v1/ops/orders/{order['id']}/technicians", headers=driver.headers)
    ).status_code == 403
