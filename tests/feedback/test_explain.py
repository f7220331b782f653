"""The plain words of a stall in a technician's evidence. Pure."""

from datetime import UTC, datetime

from feedback.explain import Explained, explain

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_stall_is_explained_against_him_with_how_long_he_made_no_progress() -> None:
    assert explain("on_time", 0.0, "stalled", {"still_s": 540}, AT, "Europe/Helsinki") == Explained(
        "against", "Made no progress towards the driver for 9 min on the way to the job of 11:00 on 3 Dec."
    )
    assert explain("on_time", 0.0, "stalled", {}, AT, "UTC").words == (
        "Made no progress towards the driver on the way to the job of 09:00 on 3 Dec."
    )
