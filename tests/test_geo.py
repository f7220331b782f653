"""Reading places stored as geography."""

import shapely
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import from_shape

from app.geo import from_geography, points_from_geography, to_geography


def test_many_places_read_at_once_are_the_places_read_one_by_one() -> None:
    places = [(47.141, 9.521), (60.1699, 24.9384), (-33.86, 151.21), (0.0, -179.99)]
    as_bytes = [from_shape(shapely.Point(lon, lat), srid=4326, extended=True) for lat, lon in places]
    as_hex = [WKBElement(element.desc, srid=4326, extended=True) for element in as_bytes]  # as a driver may hand them
    for elements in (as_bytes, as_hex, [*as_bytes[:2], to_geography(from_geography(as_bytes[2]))]):
        read = points_from_geography(elements)
        assert read == [from_geography(element) for element in elements]
    assert [(p.lat, p.lon) for p in points_from_geography(as_bytes)] == places
