"""Two regions served at once by one deployment (central Helsinki and Liechtenstein), each with its own
osrm-routed: an order goes to its own region's technician and is routed by its own region's engine; a place
outside both is refused; a technician of another region standing where the order's region's roads reach him
is offered it only when crossing borders is allowed."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import PROJECT_ROOT, Settings
from app.db import transaction
from app.geo import Point
from app.regions.extract import service_area
from app.regions.models import Region
from app.regions.service import record_region
from app.technicians.repository import set_last_position
from dispatch.dispatcher import DispatchConfig, dispatch_round
from tests.conftest import KAIVOKATU, MIKONKATU, Api, prepared_graph, routed
from tests.dispatch.helpers import pending_offers
from trustloop.api import create_app
from trustloop.wiring import wire

LIECHTENSTEIN_PBF = PROJECT_ROOT / "data" / "osm" / "liechtenstein.osm.pbf"
LIECHTENSTEIN_DIR = PROJECT_ROOT / "var" / "test-regions" / "liechtenstein"
VADUZ_TOWN_HALL = Point(lat=47.14105, lon=9.52080)
SCHAAN = Point(lat=47.16540, lon=9.50900)
BUCHS_SG = Point(lat=47.16700, lon=9.47800)  # Switzerland, across the Rhine from Schaan: outside every region


@pytest.fixture(scope="session")
def liechtenstein_graph() -> Path:
    return prepared_graph(LIECHTENSTEIN_PBF, "liechtenstein", LIECHTENSTEIN_DIR)


@pytest.fixture(scope="session")
def liechtenstein_osrm(liechtenstein_graph: Path) -> Iterator[str]:
    yield from routed(liechtenstein_graph)


@pytest.fixture
async def liechtenstein(app: Any, liechtenstein_graph: Path) -> AsyncIterator[None]:
    """Liechtenstein recorded beside Helsinki for this test only (the other tests know Helsinki alone)."""
    sessions: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    async with transaction(sessions) as session:
        await record_region(session, "liechtenstein", service_area(LIECHTENSTEIN_PBF), liechtenstein_graph)
    yield
    async with transaction(sessions) as session:
        await session.execute(delete(Region).where(Region.name == "liechtenstein"))


def two_regions(settings: Settings, helsinki: str, liechtenstein: str, cross_border: bool) -> Settings:
    return settings.model_copy(
        update={"regions": ["helsinki", "liechtenstein"], "osrm_url": None, "cross_border": cross_border,
                "osrm_urls": {"helsinki": helsinki, "liechtenstein": liechtenstein}}
    )  # fmt: skip


class Deployment:
    """An app serving both regions, in process; the other tests' wiring comes back when it closes."""

    def __init__(self, settings: Settings, restore: Settings) -> None:
        self.settings = settings
        self._restore = restore
        self.app = create_app(settings)

    async def __aenter__(self) -> "Deployment":
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://regions")
        self.sessions: async_sessionmaker[AsyncSession] = self.app.state.sessionmaker
        self.api = Api(self.client, self.sessions)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.client.aclose()
        await self._lifespan.__aexit__(None, None, None)
        wire(self._restore)

    async def technician(self, region: str, at: Point) -> Any:
        actor = await self.api.technician(at=None, region=region, name=f"{region.title()} technician")
        async with transaction(self.sessions) as session:
            await set_last_position(session, actor.id, at, datetime.now(UTC))
        return actor

    async def order_at(self, where: Point) -> httpx.Response:
        driver = await self.api.driver()
        return await self.client.post(
            "/v1/orders", json={"service": "tow", "location": where.model_dump()}, headers=driver.headers
        )

    async def dispatch(self) -> None:
        """A round per region, as the dispatcher worker runs them."""
        config = DispatchConfig.from_settings(self.settings)
        for region in self.settings.served_regions:
            async with transaction(self.sessions) as session:
                regional = replace(config, region=region, orders_of_region=region)
                await dispatch_round(session, self.app.state.osrm, regional, datetime.now(UTC))


@pytest.mark.usefixtures("liechtenstein")
async def test_each_order_goes_to_a_technician_of_its_own_region(
    settings: Settings, osrm_url: str, liechtenstein_osrm: str
) -> None:
    two = two_regions(settings, osrm_url, liechtenstein_osrm, cross_border=False)
    async with Deployment(two, restore=settings) as deployment:
        in_helsinki = await deployment.technician("helsinki", KAIVOKATU)
        in_liechtenstein = await deployment.technician("liechtenstein", SCHAAN)
        helsinki_order = await deployment.order_at(MIKONKATU)
        vaduz_order = await deployment.order_at(VADUZ_TOWN_HALL)
        assert helsinki_order.status_code == vaduz_order.status_code == 201, vaduz_order.text
        await deployment.dispatch()
        offers = await pending_offers(deployment.sessions)
        assert offers == {
            helsinki_order.json()["id"]: str(in_helsinki.id),
            vaduz_order.json()["id"]: str(in_liechtenstein.id),
        }
        # Each offer's ETA came from its own region's engine: a few minutes by road, not a fallback.
        for order, technician in ((helsinki_order, in_helsinki), (vaduz_order, in_liechtenstein)):
            listed = (await deployment.client.get("/v1/technicians/me/offers", headers=technician.headers)).json()
            (offer,) = listed["items"]
            assert offer["order_id"] == order.json()["id"]
            assert 0 < offer["eta_seconds"] < 1800
            assert offer["distance_m"] > 0

        # The operators' figures, region by region.
        operator = await deployment.api.operator()
        for region, expected in (("helsinki", 1), ("liechtenstein", 1), (None, 2)):
            params = {"region": region} if region else {}
            kpis = (await deployment.client.get("/v1/ops/kpis", params=params, headers=operator.headers)).json()
            assert kpis["orders"] == expected, region
        roads = await deployment.client.get("/v1/ops/map", params={"region": "liechtenstein"}, headers=operator.headers)
        assert roads.json()["region"] == "liechtenstein"
        assert roads.json()["regions"] == ["helsinki", "liechtenstein"]
        unknown = await deployment.client.get("/v1/ops/map", params={"region": "atlantis"}, headers=operator.headers)
        assert unknown.status_code == 404

        # Just across the Rhine in Switzerland: outside both regions, refused in words.
        refused = await deployment.order_at(BUCHS_SG)
        assert refused.status_code == 422
        assert refused.json()["type"].endswith("/outside-service-area")
        assert "Helsinki, Liechtenstein" in refused.json()["detail"]


@pytest.mark.parametrize("cross_border", [False, True])
@pytest.mark.usefixtures("liechtenstein")
async def test_a_technician_crosses_into_another_region_only_when_allowed(
    settings: Settings, osrm_url: str, liechtenstein_osrm: str, cross_border: bool
) -> None:
    two = two_regions(settings, osrm_url, liechtenstein_osrm, cross_border=cross_border)
    async with Deployment(two, restore=settings) as deployment:
        visiting = await deployment.technician("helsinki", SCHAAN)  # of the Helsinki fleet, in Liechtenstein
        order = await deployment.order_at(VADUZ_TOWN_HALL)
        assert order.status_code == 201, order.text
        await deployment.dispatch()
        offered = await pending_offers(deployment.sessions)
        assert offered == ({order.json()["id"]: str(visiting.id)} if cross_border else {})
        # An operator is held to the same rule: refused in words without it, obeyed with it.
        operator = await deployment.api.operator()
        body = {"technician_id": str(visiting.id)}
        orders_url = f"/v1/ops/orders/{order.json()['id']}"
        assigned = await deployment.client.post(f"{orders_url}/assign", json=body, headers=operator.headers)
        if cross_border:
            assert assigned.status_code == 200, assigned.text
            assert assigned.json()["technician"]["id"] == str(visiting.id)
        else:
            offer = await deployment.client.post(f"{orders_url}/offers", json=body, headers=operator.headers)
            for refused in (assigned, offer):
                assert refused.status_code == 409, refused.text
                assert "serves the region helsinki; this order is in liechtenstein" in refused.json()["detail"]
            listed = (await deployment.client.get(orders_url, headers=operator.headers)).json()
            assert (listed["status"], listed["technician"]) == ("searching", None)  # nothing changed
