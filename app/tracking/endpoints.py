"""The tracking link: the page (`/t/<token>`, static files served by the app) and the API it reads."""

import re
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Header, Response, WebSocket
from fastapi.responses import FileResponse, HTMLResponse

from app.config import Settings
from app.db import DbSession
from app.dependencies import AppSettings
from app.live.hub import Hub
from app.live.streams import CLOSE_BAD_TOKEN, serve
from app.openapi import problems
from app.responses import LargeJSONResponse
from app.tracking import live, service
from app.tracking.languages import by_preference
from app.tracking.schemas import TrackingRead

STATIC = Path(__file__).parent / "static"
PRIVATE = {"Cache-Control": "no-store"}  # whoever holds the link sees it; no cache keeps it

router = APIRouter(tags=["tracking"])


@router.get("/t/{token}", include_in_schema=False, response_model=None)
async def tracking_page(
    token: str, session: DbSession, accept_language: str | None = Header(None)
) -> FileResponse | HTMLResponse:
    if not await service.is_open(session, token):
        return HTMLResponse(gone_page(accept_language), status_code=404, headers={**PRIVATE, "Vary": "Accept-Language"})
    return FileResponse(STATIC / "index.html", headers=PRIVATE)


SECTION = re.compile(r'(?s)\n    <section lang="(\w+)">.*?<h1>(.*?)</h1>.*?</section>')


def gone_page(accept_language: str | None) -> str:
    """The page for a link that does not work, in every language we speak, the reader's first."""
    page, sections, titles = _gone_template()
    languages = by_preference(accept_language, list(sections))
    title = " · ".join(titles[language] for language in languages)
    return (
        page.replace("<!--lang-->", languages[0])
        .replace("<!--title-->", title)
        .replace("<!--sections-->", "".join(sections[language] for language in languages))
    )


@cache
def _gone_template() -> tuple[str, dict[str, str], dict[str, str]]:
    page = (STATIC / "gone.html").read_text()
    found = list(SECTION.finditer(page))
    sections = {match[1]: match[0] for match in found}
    titles = {match[1]: match[2] for match in found}
    return page[: found[0].start()] + "<!--sections-->" + page[found[-1].end() :], sections, titles


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
