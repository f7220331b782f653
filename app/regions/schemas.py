from typing import Any

from pydantic import BaseModel


class RegionRead(BaseModel):
    name: str
    area: dict[str, Any]  # a GeoJSON Polygon or MultiPolygon


class RegionList(BaseModel):
    items: list[RegionRead]
