from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy

# The dependencies are coroutines although they do no I/O: FastAPI runs a plain function in its thread pool,
# a thread hop per dependency per request that costs more than the work itself.


def _settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _osrm(request: Request) -> OsrmClient:
    osrm: OsrmClient = request.app.state.osrm
    return osrm


async def _settings(request: Request) -> Settings:
    return _settings_of(request)


async def _service_levels(request: Request) -> SlaPolicy:
    return SlaPolicy.from_settings(_settings_of(request))


Osrm = Annotated[OsrmClient, Depends(_osrm)]
AppSettings = Annotated[Settings, Depends(_settings)]
ServiceLevels = Annotated[SlaPolicy, Depends(_service_levels)]
