from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from geoalchemy2 import Geometry
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.geo import Point, to_geography
from app.regions.models import Region


async def upsert(session: AsyncSession, name: str, area_wkt: str, graph: Path) -> None:
    area = func.ST_Multi(func.ST_GeomFromText(area_wkt, 4326)).cast(Region.area.type)
    statement = insert(Region).values(name=name, area=area, graph_file=str(graph))
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


async def get(session: AsyncSession, name: str) -> Region | None:
    return await session.get(Region, name)


async def names(session: AsyncSession) -> list[str]:
    return list((await session.execute(select(Region.name).order_by(Region.name))).scalars())


async def containing(session: AsyncSession, point: Point, among: Sequence[str] | None = None) -> str | None:
    """The region (of `among`, when given) whose area holds the point (the first by name where areas overlap)."""
    query = select(Region.name).where(func.ST_Intersects(Region.area, to_geography(point)))
    if among is not None:
        query = query.where(Region.name.in_(among))
    found = await session.execute(query.order_by(Region.name).limit(1))
    return found.scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class RegionArea:
    name: str
    area: dict[str, Any]  # GeoJSON


async def areas(session: AsyncSession) -> list[RegionArea]:
    rows = await session.execute(select(Region.name, func.ST_AsGeoJSON(Region.area, 6)).order_by(Region.name))
    return [RegionArea(name, orjson.loads(geojson)) for name, geojson in rows.all()]


async def bounds(session: AsyncSession, names: Sequence[str]) -> dict[str, list[float]]:
    """Each named region's area as a box, [west, south, east, north]."""
    outline = func.Box2D(Region.area.cast(Geometry))
    rows = await session.execute(
        select(Region.name, func.ST_XMin(outline), func.ST_YMin(outline), func.ST_XMax(outline), func.ST_YMax(outline))
        .where(Region.name.in_(names))
    )  # fmt: skip
    return {name: [round(value, 6) for value in box] for name, *box in rows.all()}
