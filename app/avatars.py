"""Placeholder portraits: a round badge with a person's initials, drawn as SVG, for profiles without a
photo (the demo's fleet). Pure drawing and one public route; no external image service."""

import hashlib
import re
from xml.sax.saxutils import escape

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(tags=["technicians"])

SLUG = re.compile(r"^[a-z0-9-]{1,64}$")
PORTRAITS = "/avatars/"


def initials(slug: str) -> str:
    parts = [p for p in slug.split("-") if p and not p.isdigit()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def portrait_url(name: str) -> str:
    """The initials portrait of a person without a photo of ours."""
    slug = "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:64] or "unknown"
    return f"{PORTRAITS}{slug}.svg"


def on_our_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def shown_photo(photo_url: str | None, name: str, ours_only: bool = False) -> str:
    """The person's photo, or the initials portrait where he has none (or, with `ours_only`, where his photo lives
    elsewhere): one face for him in the apps and on the tracking page. A portrait is always drawn from the name
    shown: one stored under his full name ("/avatars/clara-meier.svg") would tell the surname "Clara M." hides."""
    if photo_url and not photo_url.startswith(PORTRAITS) and (on_our_origin(photo_url) or not ours_only):
        return photo_url
    return portrait_url(name)


def portrait(slug: str) -> str:
    hue = int(hashlib.sha256(slug.encode()).hexdigest()[:4], 16) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96">'
        f'<circle cx="48" cy="48" r="48" fill="hsl({hue},55%,42%)"/>'
        '<text x="48" y="60" font-family="sans-serif" font-size="38" font-weight="600" fill="#fff" '
        f'text-anchor="middle">{escape(initials(slug))}</text></svg>'
    )


@router.get("/avatars/{slug}.svg", include_in_schema=False)
async def avatar(slug: str) -> Response:
    shown = slug if SLUG.match(slug) else "unknown"
    return Response(portrait(shown), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
