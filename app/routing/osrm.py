"""Client of an OSRM HTTP server (`osrm-routed`): tables, routes, snapping, with a straight-line fallback."""

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import httpx

from app.geo import Point
from app.routing.estimate import (
    Route,
    TravelTable,
    straight_line_route,
    straight_line_table,
)

log = logging.getLogger(__name__)

UNROUTABLE_CODES = {"NoRoute", "NoSegment", "NoMatch", "NoTable"}


class RoutingUnavailable(Exception):
    """OSRM could not be reached or answered with a server error."""


class Unroutable(Exception):
    """The points cannot be connected on the road network (off the network, on an island, outside the region)."""


def _coordinates(points: Sequence[Point]) -> str:
    return ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)


class Router:
    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 2.0,
        snap_radius_m: float = 200.0,
        retries: int = 2,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._snap_radius_m = snap_radius_m
        self._retries = retries
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _get(self, service: str, points: Sequence[Point], params: dict[str, str]) -> dict[str, Any]:
        url = f"{self._base_url}/{service}/v1/driving/{_coordinates(points)}"
        params = {
            "radiuses": ";".join([f"{self._snap_radius_m:g}"] * len(points)),
            **params,
        }
        for attempt in range(self._retries + 1):
            try:
                response = await self._client.get(url, params=params)
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                if attempt == self._retries:
                    raise RoutingUnavailable(str(exc) or type(exc).__name__) from exc
                await asyncio.sleep(0.05 * 2**attempt)
                continue
            if response.status_code >= 500:
                if attempt == self._retries:
                    raise RoutingUnavailable(f"OSRM answered {response.status_code}")
                continue
            body: dict[str, Any] = response.json()
            code = body.get("code")
            if code in UNROUTABLE_CODES:
                raise Unroutable(body.get("message", code))
            if code != "Ok":
                raise RoutingUnavailable(f"OSRM answered {code}: {body.get('message')}")
            return body
        raise AssertionError("unreachable")

    async def table(self, sources: Sequence[Point], destinations: Sequence[Point]) -> TravelTable:
        """Durations and distances from every source to every destination; None for pairs with no road."""
        if not sources or not destinations:
            return TravelTable(
                durations=[[] for _ in sources],
                distances=[[] for _ in sources],
                confidence="high",
            )
        params = {
            "sources": ";".join(str(i) for i in range(len(sources))),
            "destinations": ";".join(str(len(sources) + j) for j in range(len(destinations))),
            "annotations": "duration,distance",
        }
        try:
            body = await self._get("table", [*sources, *destinations], params)
        except RoutingUnavailable as exc:
            log.warning("OSRM table unavailable, falling back to straight lines: %s", exc)
            return straight_line_table(list(sources), list(destinations))
        except Unroutable:
            # Some point could not be snapped at all: no pair involving the request can be routed.
            return TravelTable(
                durations=[[None] * len(destinations) for _ in sources],
                distances=[[None] * len(destinations) for _ in sources],
                confidence="high",
            )
        return TravelTable(durations=body["durations"], distances=body["distances"], confidence="high")

    async def route(self, origin: Point, destination: Point) -> Route | None:
        """The driving route with its GeoJSON geometry, or None if the points are not connected by road."""
        params = {"overview": "full", "geometries": "geojson", "steps": "false"}
        try:
            body = await self._get("route", [origin, destination], params)
        except RoutingUnavailable as exc:
            log.warning("OSRM route unavailable, falling back to a straight line: %s", exc)
            return straight_line_route(origin, destination)
        except Unroutable:
            return None
        best = body["routes"][0]
        return Route(
            geometry=best["geometry"],
            distance_m=best["distance"],
            duration_s=best["duration"],
            confidence="high",
        )

    async def snap(self, point: Point) -> tuple[Point, float] | None:
        """The nearest point on the road network and its distance, or None if none lies within the snap radius."""
        try:
            body = await self._get("nearest", [point], {"number": "1"})
        except Unroutable:
            return None
        waypoint = body["waypoints"][0]
        lon, lat = waypoint["location"]
        return Point(lat=lat, lon=lon), float(waypoint["distance"])

    async def healthy(self) -> bool:
        try:
            response = await self._client.get(f"{self._base_url}/nearest/v1/driving/0,0", params={"number": "1"})
        except (httpx.TransportError, httpx.TimeoutException):
            return False
        return response.status_code < 500
