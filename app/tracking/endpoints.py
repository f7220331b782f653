"""The tracking link: the page (`/t/<token>`, static files served by the app) and the API it reads."""

from pathlib import Path

from fastapi import APIRouter, Response, WebSocket
from fastapi.responses import FileResponse

from app.config import Settings
from app.db import DbSession
from app.dependencies import AppSettings
from app.live.hub import Hub
from app.live.streams import CLOSE_BAD_TOKEN, serve
from app.openapi import problems
from app.responses import LargeJSONResponse
from app.tracking import live, service
from app.tracking.schemas import TrackingRead

STATIC = Path(__file__).parent / "static"
PRIVATE = {"Cache-Control": "no-store"}  # whoever holds the link sees it; no cache keeps it

router = APIRouter(tags=["tracking"])


@router.get("/t/{token}", include_in_schema=False)
async def tracking_page(token: str, session: DbSession) -> FileResponse:
    if not await service.is_open(session, token):
        return FileResponse(STATIC / "gone.html", status_code=404, headers=PRIVATE)
    return FileResponse(STATIC / "index.html", headers=PRIVATE)


@router.get("/v1/track/{token}", response_model=TrackingRead, responses=problems(404))
async def read_tracking(token: str, session: DbSession, settings: AppSettings, response: Response) -> TrackingRead:
    """The order behind a tracking link: status, the technician coming (name, photo, van) and, while he
    drives to the car, his position, route and ETA; the rating form's state after the job. 404 for an
    unknown link or 24 h after the job ended."""
    response.headers.update(PRIVATE)
    return await service.read_tracking(session, settings, token)


@router.get("/v1/track/{token}/map", response_class=LargeJSONResponse, responses=problems(404))
async def tracking_map(token: str, session: DbSession, settings: AppSettings) -> LargeJSONResponse:
    """The roads around the car for the page's map: {"bbox", "roads": [[rank, [lon, lat, ...]]]}."""
    roads = await service.road_map_around(session, settings, token)
    return LargeJSONResponse(roads, headers={"Cache-Control": "private, max-age=3600"})


@router.websocket("/v1/track/{token}/live")
async def tracking_live(websocket: WebSocket, token: str) -> None:
    """The order's live events as the driver's stream sends them, for the link (see app/tracking/live.py)."""
    await websocket.accept()
    sessions = websocket.app.state.sessionmaker
    settings: Settings = websocket.app.state.settings
    order_id = live.order_of(token)
    if order_id is None:
        await websocket.close(code=CLOSE_BAD_TOKEN)
        return
    hub: Hub = websocket.app.state.hub
    with hub.subscribe(str(order_id)) as subscription:  # before the snapshot is read: nothing after it is missed
        stream = await live.open_stream(sessions, settings, token)
        if stream is None:
            await websocket.close(code=CLOSE_BAD_TOKEN)
            return
        events = live.link_events(
            subscription, stream, live.still_open(sessions, token), lambda: live.open_stream(sessions, settings, token)
        )
        await serve(websocket, token, stream.order_id, events)
