from pathlib import Path

from geoalchemy2.elements import WKTElement
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.regions.extract import BoundingBox, bounding_box
from app.regions.models import Region
from app.routing.regions import prepare_region


async def record_region(session: AsyncSession, name: str, box: BoundingBox, graph: Path) -> None:
    values = {"name": name, "area": WKTElement(box.as_wkt(), srid=4326), "graph_file": str(graph)}
    statement = insert(Region).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Region.name],
            set_={
                "area": statement.excluded.area,
                "graph_file": statement.excluded.graph_file,
                "prepared_at": func.now(),
            },
        )
    )


def prepare(pbf: Path, name: str, data_dir: Path) -> tuple[Path, BoundingBox]:
    """Prepares OSRM data for the extract and reads the area it covers (blocking: run it off the event loop)."""
    graph = prepare_region(pbf, name, data_dir / "regions" / name)
    return graph, bounding_box(pbf)


async def extract_of_region(session: AsyncSession, name: str) -> Path | None:
    """The OpenStreetMap extract that the region's OSRM data was prepared from (kept beside the graph)."""
    region = await session.get(Region, name)
    return extract_beside(Path(region.graph_file)) if region is not None else None


def extract_beside(graph: Path) -> Path | None:
    """The extract that an OSRM graph was prepared from: prepare_region keeps a copy beside it."""
    base = graph.name.removesuffix(".osrm")
    return next((c for s in (".osm.pbf", ".pbf", ".osm") if (c := graph.parent / f"{base}{s}").is_file()), None)
