"""Client of an OSRM HTTP server (`osrm-routed`): tables, routes, snapping, with a straight-line fallback."""

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
import orjson
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from app.config import Settings
from app.geo import Point
from app.routing.estimate import (
    Route,
    TravelTable,
    straight_line_route,
    straight_line_table,
)

log = logging.getLogger(__name__)

# Tables with at least this many cells are split over the server's threads.
PARALLEL_TABLE_CELLS = 20_000
# Coordinates in one request, so that its URL stays well under common limits (osrm-routed's and proxies').
MAX_POINTS_PER_REQUEST = 1_400
UNROUTABLE_CODES = {"NoRoute", "NoSegment", "NoMatch", "NoTable"}
# A route from a moving van starts on a road that runs the way he is heading (give or take HEADING_RANGE_DEG) within
# HEADED_SNAP_M of his fix: at a corner or between two carriageways the nearest road is often the wrong one.
HEADING_RANGE_DEG = 45
HEADED_SNAP_M = 35.0
# OSRM names one unmatched heading per refusal, and each costs the table again: after this many in one table,
# the rest of its headings are let go as well.
HEADINGS_MISSED_AT_MOST = 2


class RoutingUnavailable(Exception):
    """OSRM could not be reached or answered with a server error."""


class Unroutable(Exception):
    """The points cannot be connected on the road network (off the network, on an island, outside the region)."""


def _unsnappable_index(message: str) -> int | None:
    match = re.search(r"coordinate (\d+)", message)
    return int(match.group(1)) if match else None


def _tiles(n_sources: int, n_destinations: int, parallelism: int) -> list[tuple[range, range]]:
    """Blocks of (source rows, destination columns) that together cover the table."""
    if n_sources + n_destinations <= MAX_POINTS_PER_REQUEST:
        column_size = n_destinations
        parts = min(parallelism, n_sources) if n_sources * n_destinations >= PARALLEL_TABLE_CELLS else 1
        row_size = -(-n_sources // parts)
    else:
        column_size = min(n_destinations, MAX_POINTS_PER_REQUEST // 2)
        row_size = MAX_POINTS_PER_REQUEST - column_size
    return [
        (range(r, min(r + row_size, n_sources)), range(c, min(c + column_size, n_destinations)))
        for r in range(0, n_sources, row_size)
        for c in range(0, n_destinations, column_size)
    ]


def _nones(rows: int, columns: int) -> list[list[float | None]]:
    return [[None] * columns for _ in range(rows)]


def _spread(
    matrix: list[list[float | None]], rows: list[int], columns: list[int], n_rows: int, n_columns: int
) -> list[list[float | None]]:
    """Places the cells computed for the kept points back at their places in the full table."""
    full = _nones(n_rows, n_columns)
    for r, i in enumerate(rows):
        target = full[i]
        source = matrix[r]
        for c, j in enumerate(columns):
            target[j - n_rows] = source[c]
    return full


def _coordinates(points: Sequence[Point]) -> str:
    return ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)


@dataclass(frozen=True, slots=True)
class RegionEngine:
    """The osrm-routed of one region, and where its roads reach: the region's area and a margin beyond it."""

    region: str
    base_url: str
    reach: PreparedGeometry


# How far beyond its area a region's graph is asked about a point (its extract's roads run a little past the
# area; a technician just across the line is still routed by it). About 2 km.
REACH_MARGIN_DEG = 0.02


def region_engine(region: str, base_url: str, area: BaseGeometry) -> RegionEngine:
    return RegionEngine(region, base_url.rstrip("/"), prep(area.buffer(REACH_MARGIN_DEG)))


class OsrmClient:
    """OSRM over HTTP. With `engines`, one osrm-routed per region: each request goes to the engine of the
    region its destination lies in, and a source outside that engine's reach gets no road (None)."""

    def __init__(
        self,
        base_url: str,
        *,
        engines: Sequence[RegionEngine] = (),
        timeout_s: float = 2.0,
        snap_radius_m: float = 200.0,
        car_reach_m: float = 1000.0,
        retries: int = 2,
        parallelism: int = 2,
        cooldown_s: float = 5.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._engines = tuple(engines)
        self._snap_radius_m = snap_radius_m
        self._car_reach_m = car_reach_m
        self._retries = retries
        self._parallelism = max(1, parallelism)
        self._cooldown_s = cooldown_s
        # Bounds on connecting and on each wait for the answer, as before, rather than on the whole request.
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout_s, sock_read=timeout_s)
        self._down_until: dict[str, float] = {}  # by engine
        # One request waiting at the server per thread, so that a thread does not idle while we read the answer
        # it just gave; more would only queue there, so they queue here.
        self._in_flight = asyncio.Semaphore(2 * self._parallelism)
        self._http: aiohttp.ClientSession | None = None  # opened by the first request, in its event loop
        self._closed = False

    def _client(self) -> aiohttp.ClientSession:
        # aiohttp rather than httpx: a dispatch round sends some fifty table requests with URLs of thousands of
        # characters, and httpx's pure-Python URL checks and HTTP parsing cost it about 40 ms of CPU per round,
        # on the core the round itself runs on.
        if self._closed:
            raise RuntimeError("the OSRM client was closed")
        if self._http is None:
            self._http = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=32),
                # Uncompressed: over the loopback or a LAN, gzip would only cost osrm-routed and us CPU.
                skip_auto_headers=("User-Agent", "Accept-Encoding"),
            )
        return self._http

    @classmethod
    def from_settings(cls, settings: Settings) -> "OsrmClient":
        return cls(
            settings.effective_osrm_url, timeout_s=settings.osrm_timeout_s, snap_radius_m=settings.osrm_snap_radius_m,
            car_reach_m=settings.osrm_car_reach_m,
        )  # fmt: skip

    @property
    def snap_radius_m(self) -> float:
        return self._snap_radius_m

    async def aclose(self) -> None:
        self._closed = True
        if self._http is not None:
            await self._http.close()

    def engine_of(self, point: Point) -> str | None:
        """The base URL of the engine whose roads reach the point; None when no region's do."""
        if not self._engines:
            return self._base_url
        where = shapely.Point(point.lon, point.lat)
        return next((engine.base_url for engine in self._engines if engine.reach.contains(where)), None)

    async def _get(
        self, service: str, points: Sequence[Point], params: dict[str, str], base_url: str | None = None
    ) -> dict[str, Any]:
        engine = base_url or self._base_url
        params = {
            "radiuses": ";".join([f"{self._snap_radius_m:g}"] * len(points)),
            **params,
        }
        # The query is written out: its values need no escaping, and a client would encode a table's long lists
        # again as `params`.
        query = "&".join(f"{name}={value}" for name, value in params.items())
        url = f"{engine}/{service}/v1/driving/{_coordinates(points)}?{query}"
        if time.monotonic() < self._down_until.get(engine, 0.0):
            raise RoutingUnavailable("OSRM failed moments ago; not asking again yet")
        for attempt in range(self._retries + 1):
            try:
                async with self._client().get(url) as response:
                    status, content = response.status, await response.read()
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                if attempt == self._retries:
                    self._trip(engine)
                    raise RoutingUnavailable(str(exc) or type(exc).__name__) from exc
                await asyncio.sleep(0.05 * 2**attempt)
                continue
            if status >= 500:
                if attempt == self._retries:
                    self._trip(engine)
                    raise RoutingUnavailable(f"OSRM answered {status}")
                continue
            body: dict[str, Any] = orjson.loads(content)
            code = body.get("code")
            if code in UNROUTABLE_CODES:
                raise Unroutable(body.get("message", code))
            if code != "Ok":
                raise RoutingUnavailable(f"OSRM answered {code}: {body.get('message')}")
            return body
        raise AssertionError("unreachable")

    async def table(
        self,
        sources: Sequence[Point],
        destinations: Sequence[Point],
        *,
        with_distances: bool = False,
        headings: Sequence[float | None] | None = None,
    ) -> TravelTable:
        """Durations (and distances if asked) from every source to every destination; None where no road leads.
        `headings`, one per source (degrees from north, or None): a source with one is a van driving that way,
        whose drives start on a road near him that runs his way, if there is one; else on the nearest road.

        Large tables are cut into tiles: no request exceeds MAX_POINTS_PER_REQUEST coordinates (URL length),
        and big ones are split by sources so that osrm-routed computes the parts in parallel on its threads.
        """
        if not sources or not destinations:
            return TravelTable(durations=[[] for _ in sources], distances=[[] for _ in sources], confidence="high")
        headings = headings if headings is not None and any(h is not None for h in headings) else None
        if not self._engines:
            return await self._table_on(self._base_url, sources, destinations, with_distances, headings)
        # Each destination's region answers for it, from the sources its roads reach.
        columns_of: dict[str, list[int]] = {}
        for j, destination in enumerate(destinations):
            if (engine := self.engine_of(destination)) is not None:
                columns_of.setdefault(engine, []).append(j)
        engine_of_source = [self.engine_of(source) for source in sources]
        durations, distances = _nones(len(sources), len(destinations)), _nones(len(sources), len(destinations))
        confidence: Literal["high", "low"] = "high"
        for engine, columns in columns_of.items():
            rows = [i for i, e in enumerate(engine_of_source) if e == engine]
            if not rows:
                continue
            part = await self._table_on(
                engine, [sources[i] for i in rows], [destinations[j] for j in columns], with_distances,
                [headings[i] for i in rows] if headings is not None else None,
            )  # fmt: skip
            confidence = "low" if part.confidence == "low" else confidence
            for k, i in enumerate(rows):
                for m, j in enumerate(columns):
                    durations[i][j], distances[i][j] = part.durations[k][m], part.distances[k][m]
        return TravelTable(durations=durations, distances=distances, confidence=confidence)

    async def _table_on(
        self, engine: str, sources: Sequence[Point], destinations: Sequence[Point], with_distances: bool,
        headings: Sequence[float | None] | None,
    ) -> TravelTable:  # fmt: skip
        tiles = _tiles(len(sources), len(destinations), self._parallelism)

        async def fetch(tile: tuple[range, range]) -> tuple[list[list[float | None]], list[list[float | None]]]:
            rows, columns = tile
            async with self._in_flight:
                return await self._table_part(
                    engine, [sources[i] for i in rows], [destinations[j] for j in columns], with_distances,
                    [headings[i] for i in rows] if headings is not None else [None] * len(rows),
                )  # fmt: skip

        try:
            results = await asyncio.gather(*(fetch(tile) for tile in tiles))
        except RoutingUnavailable as exc:
            log.warning("OSRM table unavailable, falling back to straight lines: %s", exc)
            return straight_line_table(list(sources), list(destinations))
        if len(tiles) == 1:
            return TravelTable(durations=results[0][0], distances=results[0][1], confidence="high")
        durations = _nones(len(sources), len(destinations))
        distances = _nones(len(sources), len(destinations))
        for (rows, columns), (tile_durations, tile_distances) in zip(tiles, results, strict=True):
            for k, i in enumerate(rows):
                durations[i][columns.start : columns.stop] = tile_durations[k]
                distances[i][columns.start : columns.stop] = tile_distances[k]
        return TravelTable(durations=durations, distances=distances, confidence="high")

    async def _table_part(
        self, engine: str, sources: list[Point], destinations: Sequence[Point], with_distances: bool,
        headings: list[float | None],
    ) -> tuple[list[list[float | None]], list[list[float | None]]]:  # fmt: skip
        """One table request. A point farther than the snap radius from any road makes OSRM refuse the
        whole request: such a point is dropped (its row or column stays None) and the rest asked again. So is a
        heading no road near its van runs along: that van's drives start from the nearest road instead (and every
        van's, once HEADINGS_MISSED_AT_MOST have been)."""
        points = [*sources, *destinations]
        headed = dict(enumerate(headings))
        missed = 0
        kept = list(range(len(points)))
        annotations = "duration,distance" if with_distances else "duration"
        while True:
            kept_sources = [i for i in kept if i < len(sources)]
            kept_destinations = [i for i in kept if i >= len(sources)]
            if not kept_sources or not kept_destinations:
                return _nones(len(sources), len(destinations)), _nones(len(sources), len(destinations))
            params = {
                "sources": ";".join(str(k) for k in range(len(kept_sources))),
                "destinations": ";".join(str(len(kept_sources) + k) for k in range(len(kept_destinations))),
                "annotations": annotations,
                # Without the snapped points, which nothing here reads: they were most of the answer (a name,
                # a location and a hint per point), for osrm-routed to write and us to parse.
                "skip_waypoints": "true",
                **self._snapping([headed.get(i) for i in kept_sources], len(kept_destinations)),
            }
            try:
                body = await self._get("table", [points[i] for i in kept], params, engine)
            except Unroutable as exc:
                unsnappable = _unsnappable_index(str(exc))
                if unsnappable is None or unsnappable >= len(kept):
                    return _nones(len(sources), len(destinations)), _nones(len(sources), len(destinations))
                if headed.get(kept[unsnappable]) is not None:
                    missed += 1
                    headed = {} if missed >= HEADINGS_MISSED_AT_MOST else {**headed, kept[unsnappable]: None}
                else:
                    del kept[unsnappable]
                continue
            durations: list[list[float | None]] = body["durations"]
            # A road his way that leads nowhere (a bit of road cut off from the rest): from the nearest one.
            stranded = [
                i
                for r, i in enumerate(kept_sources)
                if headed.get(i) is not None and all(d is None for d in durations[r])
            ]
            if stranded:
                headed.update(dict.fromkeys(stranded))
                continue
            distances: list[list[float | None]] = body.get("distances") or _nones(
                len(kept_sources), len(kept_destinations)
            )
            if len(kept) == len(points):
                return durations, distances
            return (
                _spread(durations, kept_sources, kept_destinations, len(sources), len(destinations)),
                _spread(distances, kept_sources, kept_destinations, len(sources), len(destinations)),
            )

    def _snapping(self, headings: Sequence[float | None], cars: int) -> dict[str, str]:
        """OSRM's `radiuses` (and `bearings`) for vans with these headings, then `cars` cars. A van driving the way
        given is snapped within HEADED_SNAP_M to a road running his way, one without to the nearest road. A car is
        snapped to the nearest road too, unless that road leads nowhere: then to the nearest road joined to the
        rest, within the car's reach (OSRM's fallback from a small component, which only a radius that wide lets
        it take)."""
        radiuses = [self._snap_radius_m if h is None else HEADED_SNAP_M for h in headings] + [self._car_reach_m] * cars
        snapping = {"radiuses": ";".join(f"{radius:g}" for radius in radiuses)}
        if any(h is not None for h in headings):
            ways = ["" if h is None else f"{round(h) % 360},{HEADING_RANGE_DEG}" for h in headings] + [""] * cars
            snapping["bearings"] = ";".join(ways)
        return snapping

    async def route(self, origin: Point, destination: Point, *, heading: float | None = None) -> Route | None:
        """The driving route with its GeoJSON geometry, or None if the points are not connected by road. With
        `heading` (degrees from north, the way a van at `origin` is driving), the route starts on a road near him
        that runs that way, if there is one; else on the nearest road, as without it."""
        params = {"overview": "full", "geometries": "geojson", "steps": "false"}
        engine = self.engine_of(destination)
        if engine is None or self.engine_of(origin) != engine:
            return None  # no region's roads join them
        try:
            body = None
            if heading is not None:
                headed = {**params, **self._snapping([heading], 1)}
                with contextlib.suppress(Unroutable):  # no road runs his way near him: from the nearest one
                    body = await self._get("route", [origin, destination], headed, engine)
            if body is None:
                body = await self._get("route", [origin, destination], {**params, **self._snapping([None], 1)}, engine)
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
        engine = self.engine_of(point)
        if engine is None:
            return None
        try:
            body = await self._get("nearest", [point], {"number": "1"}, engine)
        except Unroutable:
            return None
        waypoint = body["waypoints"][0]
        lon, lat = waypoint["location"]
        return Point(lat=lat, lon=lon), float(waypoint["distance"])

    async def street_name(self, point: Point) -> str | None:
        """The name of the road nearest the point (as the map names it), or None if it has none or none is near."""
        engine = self.engine_of(point)
        if engine is None:
            return None
        try:
            body = await self._get("nearest", [point], {"number": "1"}, engine)
        except (Unroutable, RoutingUnavailable):
            return None
        name = body["waypoints"][0].get("name")
        return name if isinstance(name, str) and name else None

    def _trip(self, engine: str) -> None:
        """After a failure, callers get the fallback at once for a while instead of each waiting on retries."""
        self._down_until[engine] = time.monotonic() + self._cooldown_s

    async def healthy(self) -> bool:
        """Probes every engine (whatever the breaker says) and closes the breaker of each that answers."""
        engines = [engine.base_url for engine in self._engines] or [self._base_url]
        return all(await asyncio.gather(*(self._probe(engine) for engine in engines)))

    async def _probe(self, engine: str) -> bool:
        try:
            async with self._client().get(f"{engine}/nearest/v1/driving/0,0?number=1") as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError):
            return False
        if status < 500:
            self._down_until.pop(engine, None)
            return True
        return False
