"""The tracking link's token: the order's id and its MAC; nothing else opens an order."""

from uuid import uuid4

from app.config import Settings
from app.tracking.links import TrackingLinks

LINKS = TrackingLinks(secret=b"k" * 32, public_url="https://help.example")


def test_a_token_opens_its_own_order_only() -> None:
    order_id = uuid4()
    token = LINKS.token(order_id)
    assert LINKS.order_id(token) == order_id
    assert LINKS.url(order_id) == f"https://help.example/t/{token}"
    encoded_id, mac = token.split(".")
    assert len(encoded_id) == 22
    assert len(mac) >= 22  # at least 128 bits that only the secret can make
    other = LINKS.token(uuid4())
    assert LINKS.order_id(f"{other.split('.')[0]}.{mac}") is None


def test_forged_and_malformed_tokens_open_nothing() -> None:
    order_id = uuid4()
    token = LINKS.token(order_id)
    encoded_id, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    another_secret = TrackingLinks(secret=b"x" * 32, public_url="https://help.example")
    for forged in (
        f"{encoded_id}.{flipped}",
        f"{encoded_id}.",
        encoded_id,
        f"{encoded_id}.{mac}=",
        f"{encoded_id[:-1]}+.{mac}",
        "",
        "not-a-token",
        "é" * 22 + "." + mac,
        f"{encoded_id}.{mac[:-1]}é",
        f"{encoded_id}.{mac}\udc80",
        another_secret.token(order_id),
    ):
        assert LINKS.order_id(forged) is None, forged


def test_development_derives_a_secret_and_production_brings_its_own() -> None:
    development = TrackingLinks.from_settings(Settings(environment="development"))
    assert development.secret != Settings().jwt_secret.encode()
    assert len(development.secret) == 32
    own = Settings(environment="development", tracking_secret="t" * 40, public_url="https://help.example/")
    assert TrackingLinks.from_settings(own) == TrackingLinks(b"t" * 40, "https://help.example")
