from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

# A list narrowed to one served region's (its orders; its technicians and those who serve every region).
RegionName = Annotated[str | None, Query(max_length=64)]


class RegionRead(BaseModel):
    name: str
    area: dict[str, Any]  # a GeoJSON Polygon or MultiPolygon


class RegionList(BaseModel):
    items: list[RegionRead]
