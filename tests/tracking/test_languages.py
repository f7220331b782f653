"""The reader's languages from Accept-Language, for the page of a link that does not work."""

import pytest

from app.tracking.languages import by_preference

OFFERED = ["en", "ru", "de"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ["en", "ru", "de"]),
        ("", ["en", "ru", "de"]),
        ("ru", ["ru", "en", "de"]),
        ("de-CH,de;q=0.9,en;q=0.5", ["de", "en", "ru"]),  # a regional variant counts for its language
        ("en;q=0.2, ru;q=0.8", ["ru", "en", "de"]),  # by weight, not by the order named
        ("fi, de, ru", ["de", "ru", "en"]),  # equal weights keep the reader's order; Finnish is not offered
        ("de;q=0", ["en", "ru", "de"]),  # refused: last, in its own order
        ("RU-ru", ["ru", "en", "de"]),
        ("ru;q=abc, de", ["de", "en", "ru"]),  # a weight that is not a number counts as no wish
        ("ru;q=7, de;q=0.5", ["de", "en", "ru"]),  # nor one beyond 1
        ("en-US;q=0.1, en;q=0.9, ru;q=0.5", ["en", "ru", "de"]),  # named twice: its higher weight counts
        ("ru;v=1;q=0.2, de;q=0.5", ["de", "ru", "en"]),  # the weight among other parameters
        ("*", ["en", "ru", "de"]),
        (";;,,;q=,", ["en", "ru", "de"]),
    ],
)
def test_the_readers_languages_come_first(header: str | None, expected: list[str]) -> None:
    assert by_preference(header, OFFERED) == expected
