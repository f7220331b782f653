from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy


def _osrm(request: Request) -> OsrmClient:
    osrm: OsrmClient = request.app.state.osrm
    return osrm


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Osrm = Annotated[OsrmClient, Depends(_osrm)]
AppSettings = Annotated[Settings, Depends(_settings)]


def _service_levels(request: Request) -> SlaPolicy:
    return SlaPolicy.from_settings(_settings(request))


ServiceLevels = Annotated[SlaPolicy, Depends(_service_levels)]
