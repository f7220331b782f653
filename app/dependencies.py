from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.routing.osrm import Router


def _router(request: Request) -> Router:
    router: Router = request.app.state.router
    return router


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


RoutingEngine = Annotated[Router, Depends(_router)]
AppSettings = Annotated[Settings, Depends(_settings)]
