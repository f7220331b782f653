"""Preparing OSRM data for an OpenStreetMap extract and running `osrm-routed` on it."""

import shutil
import subprocess
from pathlib import Path

import osrm

CAR_PROFILE = Path(osrm.__file__).parent / "share" / "profiles" / "car.lua"
DEFAULT_MAX_TABLE_SIZE = 10_000


OSRM_BIN = Path(osrm.__file__).parent / "bin"


def osrm_command(tool: str, *args: str) -> list[str]:
    # The binaries are run directly (not through `python -m osrm`) so that stopping the process stops the server.
    return [str(OSRM_BIN / f"osrm-{tool}"), *args]


def _osm_suffix(path: Path) -> str:
    """The suffix by which OSRM (libosmium) recognises the file's format."""
    lowered = path.name.lower()
    for suffix in (".osm.pbf", ".osm.bz2", ".osm.gz", ".osm"):
        if lowered.endswith(suffix):
            return suffix
    if lowered.endswith(".pbf"):
        return ".osm.pbf"
    raise ValueError(f"{path.name}: expected an OpenStreetMap extract (.osm.pbf, .pbf or .osm)")


def region_graph(region_dir: Path, name: str) -> Path:
    return region_dir / f"{name}.osrm"


def prepare_region(pbf: Path, name: str, region_dir: Path) -> Path:
    """Extracts and contracts (CH) the extract with the car profile; returns the graph's base path."""
    if not pbf.is_file():
        raise FileNotFoundError(f"No such extract: {pbf}")
    region_dir.mkdir(parents=True, exist_ok=True)
    extract = region_dir / f"{name}{_osm_suffix(pbf)}"
    if extract.resolve() != pbf.resolve():
        shutil.copyfile(pbf, extract)
    graph = region_graph(region_dir, name)
    log = region_dir / "prepare.log"
    with log.open("w") as out:
        subprocess.run(
            osrm_command("extract", "-p", str(CAR_PROFILE), str(extract)), check=True, stdout=out, stderr=out
        )
        subprocess.run(osrm_command("contract", str(graph)), check=True, stdout=out, stderr=out)
    return graph


def is_prepared(region_dir: Path, name: str) -> bool:
    return Path(f"{region_graph(region_dir, name)}.hsgr").is_file()


def routed_command(graph: Path, port: int, host: str = "127.0.0.1", threads: int = 2) -> list[str]:
    return osrm_command(
        "routed",
        "--algorithm",
        "ch",
        "--ip",
        host,
        "--port",
        str(port),
        "--threads",
        str(threads),
        "--max-table-size",
        str(DEFAULT_MAX_TABLE_SIZE),
        "--max-viaroute-size",
        "500",
        "--verbosity",
        "WARNING",  # a line per request would drown the system's own log
        str(graph),
    )
