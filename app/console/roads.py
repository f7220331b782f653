"""The road network of a region, drawn by the console's map: read once from the region's OpenStreetMap
extract (no tile server: operators must not depend on the internet)."""

import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import osmium

# Drawing rank by highway class: 0 major, 1 through roads, 2 streets, 3 service roads (car parks, driveways,
# yards: where many cars break down, and where a route drawn by the car profile begins or ends). Tracks are drawn
# only where an access tag lets cars on them (the car profile routes over those alone), with the service roads;
# paths are left out: in the Alps they would double the map's weight.
RANKS = {
    **dict.fromkeys(("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link"), 0),
    **dict.fromkeys(("secondary", "secondary_link", "tertiary", "tertiary_link"), 1),
    **dict.fromkeys(("residential", "unclassified", "living_street", "road", "pedestrian"), 2),
    "service": 3,
}
# Streets and roads no van may drive (a city centre's pedestrian streets, bus lanes, emergency accesses): drawn apart, as
# the router sees them, so that a pin on one is not mistaken for a pin on a road. A city's pedestrian streets still
# give its centre its shape.
CLOSED_TO_CARS = 4

# How OSRM's car profile (profiles/car.lua, which the regions' data is prepared with) reads a way's access: the
# first of these keys the way has decides; a value it refuses is a way no car is routed over, unless the value only
# restricts (a destination, a private driveway) on a highway the profile drives, which it routes over at a cost.
ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
REFUSED = frozenset({
    "no", "agricultural", "forestry", "emergency", "psv", "taxi", "share_taxi", "minibus", "bus", "foot",
    "emergency_vehicle", "restricted", "military", "official", "customers", "private", "delivery", "destination",
    "permit", "residents",
})  # fmt: skip
ONLY_RESTRICTED = frozenset({"private", "delivery", "destination", "customers", "permit", "residents"})
DRIVEN = frozenset(highway for highway in RANKS if highway not in ("road", "pedestrian"))  # the profile's speeds
FORBIDDEN_SERVICES = frozenset({"emergency_access"})


def closed_to_cars(tags: Mapping[str, str]) -> bool:
    """Whether the car profile routes no car over a drawn way with these tags, either way along it."""
    highway = tags.get("highway", "")
    if highway == "service" and tags.get("service") in FORBIDDEN_SERVICES:
        return True
    access = next((tags[key] for key in ACCESS_KEYS if key in tags), None)
    if access is not None and ";" in access:  # "no;destination": the profile takes the most permissive
        return all(closed_to_cars({**tags, ACCESS_KEYS[0]: part.strip()}) for part in access.split(";"))
    if access in REFUSED:
        return not (highway in DRIVEN and access in ONLY_RESTRICTED)
    # A highway the profile has no speed for is driven only where an access tag lets cars on it.
    return highway not in DRIVEN and access is None


# Named places drawn as labels; main and through roads are labelled once each, on their longest piece.
PLACES = frozenset({"city", "town", "village", "suburb", "quarter", "neighbourhood", "square"})


class _Roads(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[int, list[float]]] = []
        self.places: list[tuple[str, str, float, float]] = []
        self.road_names: dict[str, tuple[int, float, float]] = {}  # name -> (points, lon, lat)

    def node(self, node: osmium.osm.Node) -> None:
        kind, name = node.tags.get("place"), node.tags.get("name")
        if kind in PLACES and name and node.location.valid():
            self.places.append((name, kind, round(node.location.lon, 5), round(node.location.lat, 5)))

    def way(self, way: osmium.osm.Way) -> None:
        highway = way.tags.get("highway") or ""
        rank = RANKS.get(highway)
        if (rank is None and highway != "track") or way.tags.get("area") == "yes":  # a square's outline is no road
            return
        closed = closed_to_cars({tag.k: tag.v for tag in way.tags})
        if rank is None:  # a track: drawn only where cars are let on it, as a service road (vans drive it to a car)
            if closed:
                return
            rank = RANKS["service"]
        elif closed:
            rank = CLOSED_TO_CARS
        name = way.tags.get("name")
        for flat in _inside(way):
            self.lines.append((rank, flat))
            points = len(flat) // 2
            if name and rank <= 1 and points > self.road_names.get(name, (0, 0.0, 0.0))[0]:
                middle = 2 * (points // 2)
                self.road_names[name] = (points, flat[middle], flat[middle + 1])


def _inside(way: osmium.osm.Way) -> list[list[float]]:
    """The way's pieces within the extract, each [lon, lat, lon, lat, ...]: a road that runs out of the cut
    area (its far nodes missing) is drawn up to the edge, not left out."""
    pieces: list[list[float]] = []
    piece: list[float] = []
    for node in way.nodes:
        if node.location.valid():
            piece += (round(node.lon, 5), round(node.lat, 5))
            continue
        if len(piece) >= 4:
            pieces.append(piece)
        piece = []
    if len(piece) >= 4:
        pieces.append(piece)
    return pieces


_reading = threading.Lock()


def road_map(extract: Path) -> dict[str, object]:
    """{"bbox": [west, south, east, north], "roads": [[rank, [lon, lat, lon, lat, ...]], ...],
    "places": [[name, kind, lon, lat], ...]} (kind a place=* value, or "street" for a main road's name).
    Read once per process: a caller that comes while it is being read waits for that reading."""
    with _reading:
        return read_roads(extract)


@lru_cache(maxsize=4)
def read_roads(extract: Path) -> dict[str, object]:
    """The reading itself, kept for the process (four extracts at most)."""
    handler = _Roads()
    handler.apply_file(str(extract), locations=True)
    lons = [v for _, flat in handler.lines for v in flat[0::2]]
    lats = [v for _, flat in handler.lines for v in flat[1::2]]
    bbox = [min(lons), min(lats), max(lons), max(lats)] if lons else None
    streets = [(name, "street", lon, lat) for name, (_, lon, lat) in sorted(handler.road_names.items())]
    return {"bbox": bbox, "roads": handler.lines, "places": handler.places + streets}
