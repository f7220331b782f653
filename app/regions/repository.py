from pathlib import Path

from geoalchemy2.elements import WKTElement
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.regions.models import Region


async def upsert(session: AsyncSession, name: str, area_wkt: str, graph: Path) -> None:
    statement = insert(Region).values(name=name, area=WKTElement(area_wkt, srid=4326), graph_file=str(graph))
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
