from collections.abc import Sequence
from pathlib import Path

from shapely.geometry.base import BaseGeometry
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import PROJECT_ROOT
from app.errors import InvalidInput
from app.regions import repository
from app.regions.extract import service_area
from app.routing.regions import prepare_region

# The extracts that ship with the project (data/osm, OpenStreetMap contributors, ODbL).
BUNDLED_REGIONS = {
    "liechtenstein": PROJECT_ROOT / "data" / "osm" / "liechtenstein.osm.pbf",
    "helsinki": PROJECT_ROOT / "data" / "osm" / "helsinki.osm.pbf",
}


async def record_region(session: AsyncSession, name: str, area: BaseGeometry, graph: Path) -> None:
    await repository.upsert(session, name, area.wkt, graph)


async def ensure_served(session: AsyncSession, names: Sequence[str]) -> None:
    """Refuses region names that this deployment does not serve: a misspelt one would match no order, ever."""
    served = await repository.names(session)
    unknown = [name for name in dict.fromkeys(names) if name not in served]
    if unknown:
        listed, known = ", ".join(repr(name) for name in unknown), ", ".join(served) or "none"
        raise InvalidInput(f"No region is served under the name {listed} (served: {known}).")


def prepare(pbf: Path, name: str, data_dir: Path) -> tuple[Path, BaseGeometry]:
    """Prepares OSRM data for the extract and outlines where its roads are (blocking: run it off the loop)."""
    graph = prepare_region(pbf, name, data_dir / "regions" / name)
    return graph, service_area(pbf)


async def bounds(session: AsyncSession, names: Sequence[str]) -> dict[str, list[float]]:
    """Each served region's area as a box, [west, south, east, north]: enough to tell where a position lies."""
    return await repository.bounds(session, names)


async def extract_of_region(session: AsyncSession, name: str) -> Path | None:
    """The OpenStreetMap extract that the region's OSRM data was prepared from (kept beside the graph)."""
    region = await repository.get(session, name)
    return extract_beside(Path(region.graph_file)) if region is not None else None


def extract_beside(graph: Path) -> Path | None:
    """The extract that an OSRM graph was prepared from: prepare_region keeps a copy beside it."""
    base = graph.name.removesuffix(".osrm")
    return next((c for s in (".osm.pbf", ".pbf", ".osm") if (c := graph.parent / f"{base}{s}").is_file()), None)
