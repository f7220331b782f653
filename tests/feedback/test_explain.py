"""The plain words of a technician's evidence, in each language the product speaks. Pure."""

from datetime import UTC, datetime
from typing import Any

import pytest

from app.enums import Locale
from feedback.explain import BUNDLES, Explained, change_cause, explain

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_stall_is_explained_against_him_with_how_long_he_made_no_progress() -> None:
    assert explain("on_time", 0.0, "stalled", {"still_s": 540}, AT, "Europe/Helsinki") == Explained(
        "against", "Made no progress towards the driver for 9 min on the way to the job of 11:00 on 3 Dec."
    )
    assert explain("on_time", 0.0, "stalled", {}, AT, "UTC").words == (
        "Made no progress towards the driver on the way to the job of 09:00 on 3 Dec."
    )


# Every kind of entry, as the evidence ledger writes them.
ENTRIES: list[tuple[str, float, str, dict[str, Any]]] = [
    ("rating", 0.0, "comment", {"topics": ["rude", "damage"]}),
    ("rating", 1.0, "rating", {"csat": 5}),
    ("rating", 0.5, "rating", {"csat": 3}),
    ("on_time", 0.0, "stalled", {"still_s": 540}),
    ("on_time", 0.0, "stalled", {}),
    ("on_time", 1.0, "arrived", {"late_s": -240}),
    ("on_time", 1.0, "arrived", {"late_s": 91, "tolerance_s": 120}),
    ("on_time", 0.0, "arrived", {"late_s": 420}),
    ("first_fix", 1.0, "completed", {"resolution": "towed"}),
    ("first_fix", 1.0, "completed", {"resolution": "fixed_on_site"}),
    ("first_fix", 0.0, "failed", {}),
    ("kept_jobs", 0.0, "reassigned_away", {}),
    ("kept_jobs", 1.0, "cancelled", {}),
    ("kept_jobs", 0.0, "cancelled", {}),
    ("kept_jobs", 1.0, "completed", {}),
    ("responsive", 1.0, "offer_accepted", {"outcome": "accepted"}),
    ("responsive", 0.0, "offer_expired", {"outcome": "expired"}),
    ("responsive", 0.0, "offer_declined", {"outcome": "declined"}),
]


@pytest.mark.parametrize("locale", list(Locale))
def test_every_entry_reads_whole_in_every_language(locale: Locale, caplog: pytest.LogCaptureFixture) -> None:
    lines = [explain(*entry, AT, "Europe/Helsinki", locale=locale).words for entry in ENTRIES]
    assert caplog.records == []  # nothing formatted with errors
    assert len(set(lines)) == len(lines)
    for words in lines:
        assert "{" not in words, words
        assert "$" not in words, words
        assert words.endswith("."), words
        assert not words.endswith(".."), words
    # Every cause a score changes for has its words (the seeded demo's past jobs too).
    causes = ("offer_accepted", "offer_declined", "offer_expired", "rating", "comment", "stalled", "reassigned_away",
              "arrived", "completed", "failed", "cancelled", "past_jobs")  # fmt: skip
    assert all(BUNDLES[locale].has_message(f"change-{cause}") for cause in causes)
    said = [change_cause(cause, locale) for cause in causes]
    assert len(set(said)) == len(said)


def test_the_evidence_speaks_russian_and_german_with_their_own_dates_and_units() -> None:
    late = ("on_time", 0.0, "arrived", {"late_s": 420})
    assert (
        explain(*late, AT, "Europe/Helsinki", locale=Locale.RU).words
        == "Опоздание на 7 мин на заказ от 11:00, 3 декабря."
    )
    assert explain(*late, AT, "Europe/Helsinki", locale=Locale.DE).words == (
        "7 Min. zu spät beim Auftrag vom 3. Dez., 11:00 Uhr."
    )
    within = ("on_time", 1.0, "arrived", {"late_s": 91, "tolerance_s": 120})
    assert explain(*within, AT, "Europe/Helsinki", locale=Locale.RU).words == (
        "Приехали вовремя на заказ от 11:00, 3 декабря (1 мин 31 с после обещанного времени, в пределах допустимых 2 мин)."
    )
    comment = ("rating", 0.0, "comment", {"topics": ["rude", "damage"]})
    assert explain(*comment, AT, "Europe/Helsinki", locale=Locale.RU).words == (
        "В отзыве на заказ от 11:00, 3 декабря водитель написал, что вы были грубы и машину повредили."
    )
    assert change_cause("rating", Locale.RU) == "Водитель оценил заказ"
    assert change_cause("some_new_cause", Locale.RU) == "Some new cause"  # a cause without words yet is still read
