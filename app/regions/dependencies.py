from typing import Annotated

from fastapi import Depends, Query

from app.dependencies import AppSettings
from app.errors import InvalidInput


class UnknownRegion(InvalidInput):
    problem = "unknown-region"


async def _served_region(
    settings: AppSettings, region: Annotated[str | None, Query(max_length=64)] = None
) -> str | None:
    """A list narrowed to one served region's; a name this deployment does not serve is refused, not answered with
    an empty list that would read as "nothing at risk"."""
    if region is not None and region not in settings.served_regions:
        served = ", ".join(settings.served_regions)
        raise UnknownRegion(f"No region is served under the name {region!r} (served: {served}).")
    return region


# A list narrowed to one served region's (its orders; its technicians and those who serve every region).
RegionFilter = Annotated[str | None, Depends(_served_region)]
