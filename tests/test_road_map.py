"""The roads the console's map and the tracking page draw, read from a region's OpenStreetMap extract."""

from pathlib import Path

from app.console.roads import read_roads

# A cut extract: node 4 lies beyond its edge (the way references it, the file does not hold it).
EXTRACT = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" version="1" lat="60.1700" lon="24.9400"/>
  <node id="2" version="1" lat="60.1710" lon="24.9410"/>
  <node id="3" version="1" lat="60.1720" lon="24.9420"/>
  <node id="5" version="1" lat="60.1690" lon="24.9450"/>
  <node id="6" version="1" lat="60.1691" lon="24.9470"/>
  <way id="10" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/>
    <tag k="highway" v="primary"/><tag k="name" v="Mannerheimintie"/>
  </way>
  <way id="11" version="1"><nd ref="5"/><nd ref="6"/><tag k="highway" v="pedestrian"/></way>
  <way id="12" version="1"><nd ref="5"/><nd ref="1"/><tag k="highway" v="footway"/></way>
  <way id="14" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="5"/><nd ref="1"/><tag k="highway" v="pedestrian"/><tag k="area" v="yes"/>
  </way>
  <way id="13" version="1"><nd ref="4"/><nd ref="6"/><nd ref="7"/><tag k="highway" v="residential"/></way>
  <way id="15" version="1">
    <nd ref="2"/><nd ref="6"/><tag k="highway" v="service"/><tag k="service" v="parking_aisle"/>
  </way>
  <way id="16" version="1"><nd ref="3"/><nd ref="6"/><tag k="highway" v="track"/></way>
</osm>
"""


def test_a_road_that_runs_out_of_the_extract_is_drawn_up_to_its_edge(tmp_path: Path) -> None:
    extract = tmp_path / "cut.osm"
    extract.write_text(EXTRACT)
    roads = read_roads(extract)
    assert roads["roads"] == [
        (0, [24.94, 60.17, 24.941, 60.171, 24.942, 60.172]),  # the primary up to the edge, not left out
        (2, [24.945, 60.169, 24.947, 60.1691]),  # a pedestrian street is a street; a square or a footway is not
        (3, [24.941, 60.171, 24.947, 60.1691]),  # a car park's aisle is drawn; a track is not
    ]  # the residential road has one node inside: nothing to draw
    assert ["Mannerheimintie", "street", 24.941, 60.171] in [list(place) for place in roads["places"]]  # type: ignore[attr-defined]
    assert roads["bbox"] == [24.94, 60.169, 24.947, 60.172]
