"""Whether we can help where a driver stands: inside a served region, and near enough to a road for a
technician to reach. Refused orders are counted by reason (this process's count, in /metrics)."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import InvalidInput
from app.geo import Point
from app.regions import repository
from app.routing.osrm import OsrmClient, RoutingUnavailable

refused: Counter[str] = Counter()


@dataclass(frozen=True, slots=True)
class Served:
    """Which recorded regions take orders: those the deployment lists, or every one recorded."""

    regions: tuple[str, ...] | None = None


_served = Served()


def configure(settings: Settings) -> None:
    global _served
    _served = Served(regions=tuple(settings.regions) or None)


class OutsideServiceArea(InvalidInput):
    problem = "outside-service-area"


class NoRoadNearby(InvalidInput):
    problem = "no-road-nearby"


async def region_of(
    session: AsyncSession, osrm: OsrmClient, where: Point, *, for_member_in: Collection[str] | None = None
) -> str:
    """The region that serves this place; 422 when none does, or when no road lies within reach. When the
    road engine is down, the place is taken as it is: nobody is refused help for our outage. The refusal speaks
    to the driver, or, `for_member_in` a partner's regions (empty: all), to the partner's system that asked for
    its member, naming the areas served to it."""
    region = await repository.containing(session, where, _served.regions)
    if region is None:
        areas = await repository.areas(session)
        served = ", ".join(
            a.name.title()
            for a in areas
            if (_served.regions is None or a.name in _served.regions) and (not for_member_in or a.name in for_member_in)
        )
        served = served or "no region yet"
        refused["outside_service_area"] += 1
        if for_member_in is not None:
            raise OutsideServiceArea(
                f"The member's place ({where.lat:.5f}, {where.lon:.5f}) is outside the areas we serve ({served}); "
                "nothing was stored. Send the member to local roadside assistance."
            )
        raise OutsideServiceArea(
            f"We can't send help to this place: it is outside the areas we serve ({served}). "
            "Please call your local roadside assistance or the emergency number."
        )
    try:
        snapped = await osrm.snap(where)
    except RoutingUnavailable:
        return region
    if snapped is None:
        refused["no_road_nearby"] += 1
        if for_member_in is not None:
            raise NoRoadNearby(
                f"No road lies within {osrm.snap_radius_m:.0f} m of the member's place ({where.lat:.5f}, "
                f"{where.lon:.5f}), so a technician could not reach it; nothing was stored. Send the place where "
                "the car stands on the road."
            )
        raise NoRoadNearby(
            f"We can't find a road within {osrm.snap_radius_m:.0f} m of this place, so a technician could not "
            "reach you. Move the pin to where your car stands on the road, or tell us the nearest road."
        )
    return region
