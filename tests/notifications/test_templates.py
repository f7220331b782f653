"""The push texts: every kind renders in every language, for every gender and count, and reads as written."""

import itertools
import logging
import re
from typing import Any

import pytest
from fluent.syntax import FluentParser, ast

from app.enums import Locale
from notifications.templates import CANCEL_CAUSES, CAUSES, KINDS, LOCALES_DIR, RESOURCE, SERVICES, Rendered, render

EN, RU, DE = Locale.EN, Locale.RU, Locale.DE
ARRIVAL = "2026-07-01T12:32:00+00:00"  # 15:32 in Helsinki
TZ = "Europe/Helsinki"
MINUTE_KINDS = {"arriving", "offer", "stall_check", "signal_check", "set_offline"}
MINUTES = [1, 2, 5, 11, 21, 22]
GENDERS: dict[str, dict[str, Any]] = {
    "female": {"technician": "Anna", "technician_gender": "female"},
    "male": {"technician": "Boris", "technician_gender": "male"},
    "neutral": {"technician": "Sasha"},
}
FULL: dict[str, Any] = {
    "service": "tyre_change",
    "arrival_at": ARRIVAL,
    "ttl": 30,
    "vehicle_color": "white",
    "vehicle_make": "Ford",
    "vehicle_model": "Transit",
    "vehicle_plate": "LI 12345",
    "state": "at_risk",
    "reason": "no technician assigned within 10 min",
}
LEFTOVERS = re.compile(r"[{}$]|\bnone\b|\?\?\?|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\s{2}", re.IGNORECASE)
UNNAMED = {EN: "Your technician", RU: "Мастер", DE: "Die Pannenhilfe"}


def text(kind: str, locale: Locale, **params: Any) -> Rendered:
    return render(kind, locale, params, TZ)


def assert_clean(rendered: Rendered) -> None:
    for part in (rendered.title, rendered.body):
        assert part, rendered
        assert part == part.strip(), rendered
        assert "None" not in part, rendered
        assert not LEFTOVERS.search(part), (LEFTOVERS.search(part), rendered)


CASES = [
    (kind, locale, gender, minutes)
    for kind in KINDS
    for locale in Locale
    for gender in GENDERS
    for minutes in (MINUTES if kind in MINUTE_KINDS else [None])
]


@pytest.mark.parametrize(("kind", "locale", "gender", "minutes"), CASES)
def test_every_kind_renders_cleanly_in_every_language_for_every_gender_and_count(
    kind: str, locale: Locale, gender: str, minutes: int | None, caplog: pytest.LogCaptureFixture
) -> None:
    params = {**FULL, **GENDERS[gender], **({"minutes": minutes} if minutes is not None else {})}
    with caplog.at_level(logging.WARNING, logger="notifications.templates"):
        full = render(kind, locale, params, TZ)
        bare = render(kind, locale, {}, TZ)
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    for rendered in (full, bare):
        assert_clean(rendered)
    assert len(full.title) <= 40, full.title
    assert len(full.body) <= 120, full.body
    if minutes is not None:
        assert str(minutes) in full.body


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("kind", KINDS)
def test_odd_params_change_the_wording_but_never_break_a_push(kind: str, locale: Locale) -> None:
    odd: dict[str, Any] = {
        "technician": "  ", "technician_gender": "nonbinary", "service": "teleport", "arrival_at": "soon",
        "minutes": "many", "ttl": -5, "vehicle_color": None, "vehicle_make": 7, "vehicle_plate": ["LI"],
        "reason": " . ", "state": "calm", "address": {"street": "Kaivokatu"},
    }  # fmt: skip
    assert_clean(render(kind, locale, odd, TZ))
    assert_clean(render(kind, locale, {"minutes": True, "ttl": 2.6, "arrival_at": "2026-07-01T12:32:00"}, TZ))


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("kind", KINDS)
def test_a_technician_without_a_name_is_only_ever_named_at_the_start_of_a_sentence(kind: str, locale: Locale) -> None:
    rendered = render(kind, locale, {"technician_gender": "female", "arrival_at": ARRIVAL}, TZ)
    for part in (rendered.title, rendered.body):
        for match in re.finditer(UNNAMED[locale], part):  # capitalised: it is a sentence's subject
            assert match.start() == 0 or part[match.start() - 2 : match.start()] == ". ", part


def test_an_unknown_kind_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        text("teleported", EN)


def test_russian_past_tense_agrees_with_the_technician_and_the_neutral_form_avoids_gender() -> None:
    assert text("en_route", RU, **GENDERS["female"]).title == "Anna выехала к вам"
    assert text("en_route", RU, **GENDERS["male"]).title == "Boris выехал к вам"
    assert text("en_route", RU, **GENDERS["neutral"]).title == "Sasha уже в пути"
    assert text("en_route", RU).title == "Мастер уже в пути"
    assert text("en_route", RU, technician_gender="female").title == "Мастер уже в пути"  # no name, no "Мастер выехала"
    assert text("arrived", RU, **GENDERS["female"]).title == "Anna приехала"
    assert text("arrived", RU, **GENDERS["male"]).title == "Boris приехал"
    assert text("arrived", RU, technician="Sasha", technician_gender="").title == "Sasha на месте"
    assert text("completed", RU, service="jump_start", **GENDERS["female"]).body == (
        "Anna закончила работу. Счастливого пути!"
    )
    assert text("completed", RU, service="jump_start", **GENDERS["male"]).body == (
        "Boris закончил работу. Счастливого пути!"
    )
    assert text("completed", RU, service="jump_start", **GENDERS["neutral"]).body == "Всё готово. Счастливого пути!"
    assert text("completed", RU, service="tow", technician="Anna", technician_gender="FEMALE").body == (
        "Anna доставила вашу машину. Спасибо за терпение!"
    )
    assert text("en_route", EN, **GENDERS["female"]).title == "Anna is on her way"
    assert text("en_route", EN, **GENDERS["male"]).title == "Boris is on his way"
    assert text("en_route", EN, **GENDERS["neutral"]).title == "Sasha is on the way"
    assert text("en_route", EN).title == "Your technician is on the way"


@pytest.mark.parametrize(
    ("minutes", "russian", "english"),
    [
        (1, "Приедет через 1 минуту.", "Arriving in 1 minute."),
        (2, "Приедет через 2 минуты.", "Arriving in 2 minutes."),
        (5, "Приедет через 5 минут.", "Arriving in 5 minutes."),
        (11, "Приедет через 11 минут.", "Arriving in 11 minutes."),
        (21, "Приедет через 21 минуту.", "Arriving in 21 minutes."),
        (22, "Приедет через 22 минуты.", "Arriving in 22 minutes."),
        (None, "Приедет с минуты на минуту.", "Arriving any moment now."),
    ],
)
def test_minutes_take_the_plural_form_of_their_number(minutes: int | None, russian: str, english: str) -> None:
    params = {"minutes": minutes, **GENDERS["female"]}
    assert text("arriving", RU, **params) == Rendered(
        "Anna почти на месте", f"{russian} Пожалуйста, будьте рядом с машиной."
    )
    assert text("arriving", EN, **params) == Rendered("Anna is almost there", f"{english} Please be near your car.")


def test_the_offer_counts_minutes_and_seconds_in_russian_and_english() -> None:
    assert text("offer", RU, service="jump_start", minutes=21, ttl=21) == Rendered(
        "Новая заявка: прикуривание", "До клиента ехать 21 минуту. Ответьте за 21 секунду."
    )
    assert text("offer", RU, service="winch", minutes=5, ttl=30, address="Kaivokatu 1").body == (
        "Kaivokatu 1, ехать 5 минут. Ответьте за 30 секунд."
    )
    assert (
        text("offer", RU, service="lockout", minutes=2, ttl=22).body
        == "До клиента ехать 2 минуты. Ответьте за 22 секунды."
    )
    assert text("offer", RU, minutes=1).title == "Новая заявка: помощь на дороге"
    assert text("offer", EN, service="tyre_change", minutes=1, ttl=1) == Rendered(
        "New job: tyre change", "The driver is 1 minute away. Accept or decline within 1 second."
    )
    # No road time (an operator's offer to a pin no road leads to): said, not "very close" nor "1 minute".
    assert (
        text("offer", EN, service="tow").body == "The drive time isn't known yet. Accept or decline as soon as you can."
    )
    assert text("offer", RU, service="tow", address="Mikonkatu 1").body == (
        "Mikonkatu 1, время в пути пока неизвестно. Ответьте как можно скорее."
    )
    assert text("stall_check", RU, minutes=21).body == (
        "Вы не приближаетесь к клиенту уже 21 минуту. Нажмите, чтобы подтвердить, или расскажите, что случилось."
    )
    assert text("stall_check", EN, minutes=11).body == (
        "You haven't moved towards the driver for 11 minutes. Tap to confirm, or tell us what's happened."
    )
    assert text("signal_check", RU, minutes=22).body == (
        "Ваш телефон не передаёт местоположение уже 22 минуты. Проверьте, что приложение открыто и геолокация включена."
    )
    assert text("signal_check", EN, minutes=1).body == (
        "Your phone hasn't sent your location for 1 minute. Please check the app is open and location is on."
    )
    assert text("set_offline", RU, minutes=30) == Rendered(
        "Вы не на линии",
        "Телефон больше 30 минут не передаёт местоположение, новые заявки не приходят. Выйдите на линию, когда будете готовы.",
    )
    assert text("set_offline", RU, minutes=21).body.startswith("Телефон больше 21 минуты не передаёт")
    assert text("set_offline", EN, minutes=30) == Rendered(
        "You're offline now",
        "No location from your phone for over 30 minutes, so no jobs for now. Go online in the app when you're ready.",
    )
    assert text("set_offline", DE, minutes=1).body.startswith("Seit über 1 Minute kein Standort von Ihrem Telefon")


def test_the_driver_hears_that_a_stalled_technician_seems_held_up_in_words_that_agree_with_him() -> None:
    assert text("held_up", RU, **GENDERS["female"]) == Rendered(
        "Anna, похоже, задерживается",
        "Она давно не приближается к вам. Мы выясняем, в чём дело, и можем прислать другого мастера.",
    )
    assert text("held_up", RU, **GENDERS["male"]).body.startswith("Он давно не приближается к вам.")
    assert text("held_up", RU).body.startswith("Мастер давно не приближается к вам.")
    assert text("held_up", EN, **GENDERS["male"]) == Rendered(
        "Boris seems to be held up",
        "He hasn't moved towards you for a while. We're checking and may send another technician.",
    )
    assert text("held_up", EN, **GENDERS["neutral"]).body.startswith("There's been no progress towards you")


VEHICLE = {"vehicle_color": "White", "vehicle_make": "Ford", "vehicle_model": "Transit", "vehicle_plate": "LI 12345"}


def test_the_assigned_push_says_who_comes_when_and_in_what() -> None:
    anna = {**GENDERS["female"], "arrival_at": ARRIVAL}
    assert text("assigned", EN, **anna, **VEHICLE) == Rendered(
        "We've found you a technician", "Anna will be with you by 15:32. Look for the white Ford Transit, LI 12345."
    )
    assert text("assigned", RU, **anna, **VEHICLE) == Rendered(
        "Мы нашли вам мастера", "Anna приедет не позже 15:32. Машина: белый Ford Transit, LI 12345."
    )
    assert text("assigned", EN, **anna).body == "Anna will be with you by 15:32."
    assert text("assigned", RU, **anna).body == "Anna приедет не позже 15:32."
    assert text("assigned", RU).body == "Мастер скоро будет у вас."
    assert text("assigned", EN).body == "Your technician will be with you soon."
    assert (
        text("assigned", RU, **anna, vehicle_plate="LI 12345").body
        == "Anna приедет не позже 15:32. Номер машины: LI 12345."
    )
    assert (
        text("assigned", EN, **anna, vehicle_make="Iveco").body == "Anna will be with you by 15:32. Look for the Iveco."
    )
    assert text("assigned", RU, **anna, vehicle_make="Iveco", vehicle_color="бордовый").body == (
        "Anna приедет не позже 15:32. Машина: бордовый Iveco."
    )
    assert text("reassigned", RU, **GENDERS["male"], arrival_at=ARRIVAL, **VEHICLE) == Rendered(
        "К вам едет другой мастер", "Boris приедет не позже 15:32. Машина: белый Ford Transit, LI 12345."
    )


def test_cancellations_name_the_service_and_say_the_cause_in_the_readers_language() -> None:
    assert text("cancelled", RU, service="tow") == Rendered(
        "Заявка отменена", "Мы отменили вашу заявку на эвакуацию. Если помощь ещё нужна, создайте новую заявку."
    )
    assert text("cancelled", RU, service="tyre_change", cancel_cause="duplicate").body == (
        "Мы отменили вашу заявку на замену колеса: она повторяла другую вашу заявку."
    )
    assert text("cancelled", EN, service="fuel_delivery") == Rendered(
        "Request cancelled",
        "We've cancelled your fuel delivery request. If you still need help, please request it again.",
    )
    assert text("cancelled", EN, service="jump_start", cancel_cause="unsafe").body == (
        "We've cancelled your jump start request: it isn't safe to send a technician there. "
        "If you are in danger, call 112."
    )
    # An operator's or partner's free text is never pushed: it is in whatever language they typed it.
    assert "Дубль" not in text("cancelled", EN, service="tow", reason="Дубль заявки", cancel_cause="duplicate").body
    assert text("cancelled", EN, service="tow", cancel_cause="no-such-cause") == text("cancelled", EN, service="tow")
    assert text("job_cancelled", RU, service="fuel_delivery", by_driver=True).body == (
        "Клиент отменил заявку на доставку топлива. Ехать не нужно, можно брать новые заявки."
    )
    # Called off by an operator or a partner: not said to be the driver's doing.
    assert text("job_cancelled", RU, service="fuel_delivery", cancel_cause="location_unreachable").body == (
        "Заявка на доставку топлива отменена: до места не доехать. Ехать не нужно, можно брать новые заявки."
    )
    assert text("job_cancelled", EN, service="tow").body == (
        "The tow job is cancelled. No need to go; you can take new jobs."
    )


def test_bad_news_apologises_and_says_what_happens_next() -> None:
    assert text("unfulfilled", EN).title == "Sorry, we couldn't find a technician"
    assert "An operator will call you within minutes" in text("unfulfilled", EN).body
    assert text("unfulfilled", RU) == Rendered(
        "Простите, мы не нашли мастера",
        "Мы не смогли вовремя отправить к вам мастера. Оператор позвонит вам в ближайшие минуты. Помощь можно вызвать снова.",
    )
    assert text("failed", RU, service="tyre_change") == Rendered(
        "Не удалось заменить колесо",
        "Мы позвоним вам в ближайшие минуты и договоримся об эвакуации или повторном выезде мастера.",
    )
    assert text("failed", EN, service="lockout") == Rendered(
        "We couldn't open your car", "We'll call you within a few minutes to arrange a tow or another visit."
    )
    # Each service's failure in its own words: nothing was broken on a locked car, nor "fixed" by fuel.
    for locale in (EN, RU, DE):
        titles = {service: text("failed", locale, service=service).title for service in SERVICES}
        assert len(set(titles.values())) == len(SERVICES), titles
    assert text("failed", DE, service="fuel_delivery").title == "Vor Ort war keine Hilfe möglich"
    assert "sorry" in text("eta_changed", EN, arrival_at=ARRIVAL).body
    assert "Извините" in text("eta_changed", RU, arrival_at=ARRIVAL).body


def test_operators_hear_the_sla_state_and_its_reason() -> None:
    assert text("sla_alert", EN, state="breached", reason="the promised arrival time has passed") == Rendered(
        "SLA breached on an order", "Reason: the promised arrival time has passed. Open the order in the console."
    )
    assert text("sla_alert", RU, state="at_risk").title == "Заявка под угрозой нарушения SLA"


def test_operators_hear_the_reason_in_their_own_language() -> None:
    # The reason's words are English (the console's); a Russian or German phone gets it from its cause.
    said = {"reason": "no technician assigned within 3 min", "cause": "not_assigned", "minutes": 3}
    assert text("sla_alert", RU, state="at_risk", **said).body == (
        "Причина: за 3 мин. мастер так и не назначен. Откройте заявку в консоли."
    )
    assert text("sla_alert", DE, state="at_risk", **said).body == (
        "Grund: Innerhalb von 3 Min. wurde kein Techniker zugewiesen. Öffnen Sie den Auftrag in der Konsole."
    )
    assert text("sla_alert", EN, state="at_risk", **said).body == (
        "Reason: no technician assigned within 3 min. Open the order in the console."
    )
    for cause in CAUSES:
        for locale in (RU, DE):
            body = text("sla_alert", locale, state="breached", reason="in English", cause=cause, minutes=45).body
            assert "English" not in body, (cause, locale, body)
            assert "{" not in body, (cause, locale, body)
            assert ("45" in body) == (cause in {"not_arrived", "not_assigned", "eta_beyond_target"}), body
    assert "позже, чем через 45 мин." in text("sla_alert", RU, cause="eta_beyond_target", minutes=45).body
    assert text("sla_alert", DE, cause="no_signal").body.startswith("Grund: Das Einsatzfahrzeug sendet keinen Standort")
    # A driver not called back is waiting in the follow-ups, not on the order board: the push says where to look.
    late_call = {"reason": "the unhappy driver was not called back in time", "cause": "not_called_back"}
    assert [
        text("sla_alert", locale, state="breached", **late_call).body.rsplit(". ", 1)[1] for locale in (EN, RU, DE)
    ] == [
        "Open the follow-ups in the console.",
        "Откройте обратные звонки в консоли.",
        "Öffnen Sie die Rückrufe in der Konsole.",
    ]
    # A cause this version does not know is told in the reason's own words rather than not at all.
    assert "in English" in text("sla_alert", RU, state="breached", reason="in English", cause="new_cause").body


@pytest.mark.parametrize(
    ("timezone", "iso", "clock"),
    [
        ("Europe/Helsinki", "2026-07-01T12:32:00+00:00", "15:32"),  # summer time, UTC+3
        ("Europe/Helsinki", "2026-01-15T12:32:00Z", "14:32"),  # winter time, UTC+2
        ("Asia/Tokyo", "2026-07-01T23:05:00+03:00", "05:05"),  # the next day
        ("UTC", "2026-07-01T12:32:00", "12:32"),  # no offset: UTC
        ("UTC", "2026-07-01T12:31:20Z", "12:32"),  # within a minute: by its end, so that 12:31:50 is not late
        ("UTC", "2026-07-01T23:59:00.5Z", "00:00"),
    ],
)
def test_the_arrival_time_is_shown_in_the_local_timezone(timezone: str, iso: str, clock: str) -> None:
    assert (
        render("assigned", EN, {"technician": "Anna", "arrival_at": iso}, timezone).body
        == f"Anna will be with you by {clock}."
    )
    assert render("eta_changed", RU, {"arrival_at": iso}, timezone).title == f"Новое время прибытия: {clock}"


def parse(locale: Locale) -> ast.Resource:
    return FluentParser().parse((LOCALES_DIR / locale.value / RESOURCE).read_text(encoding="utf-8"))


def message_ids(resource: ast.Resource) -> set[str]:
    """Messages are what the code and the other messages use; terms (-tow) are each language's own business."""
    return {entry.id.name for entry in resource.body if isinstance(entry, ast.Message)}


def test_every_language_has_the_same_messages_and_every_kind_has_a_title_and_a_body() -> None:
    resources = {locale: parse(locale) for locale in Locale}
    for locale, resource in resources.items():
        assert not [e for e in resource.body if isinstance(e, ast.Junk)], locale
        kinds = {e.id.name: e for e in resource.body if isinstance(e, ast.Message) and e.id.name in KINDS}
        assert set(kinds) == set(KINDS), locale
        for kind, message in kinds.items():
            assert {a.id.name for a in message.attributes} == {"title", "body"}, (locale, kind)
    assert message_ids(resources[EN]) == message_ids(resources[RU]) == message_ids(resources[DE])


def test_german_pushes_address_the_driver_formally_and_name_nobody_by_a_gendered_noun() -> None:
    anna = {**GENDERS["female"], "arrival_at": ARRIVAL}
    assert text("assigned", DE, **anna, **VEHICLE) == Rendered(
        "Wir haben Hilfe für Sie gefunden",
        "Anna ist spätestens um 15:32 Uhr bei Ihnen. Fahrzeug: Ford Transit, weiss, LI 12345.",
    )
    assert text("assigned", DE).body == "Die Pannenhilfe ist bald bei Ihnen."
    assert text("assigned", DE, **anna, vehicle_plate="LI 12345").body == (
        "Anna ist spätestens um 15:32 Uhr bei Ihnen. Kennzeichen: LI 12345."
    )
    assert text("en_route", DE, **GENDERS["male"]).title == "Boris ist unterwegs zu Ihnen"
    assert text("eta_changed", DE, arrival_at=ARRIVAL).title == "Neue Ankunftszeit: 15:32 Uhr"
    assert text("held_up", DE, **GENDERS["female"]) == Rendered(
        "Anna wurde wohl aufgehalten",  # the title names her; the body speaks of the van, not "sie" (read as "you")
        "Seit einer Weile kommt das Fahrzeug nicht näher. Wir prüfen das und schicken eventuell andere Hilfe.",
    )
    assert text("cancelled", DE, service="tyre_change", cancel_cause="duplicate").body == (
        "Ihre Anfrage „Reifenwechsel“ wurde storniert: Sie war doppelt."
    )
    for kind, cause in itertools.product(KINDS, [None, *CANCEL_CAUSES]):
        rendered = render(kind, DE, {**FULL, **GENDERS["female"], "minutes": 5, "cancel_cause": cause}, TZ)
        for part in (rendered.title, rendered.body):
            assert not re.search(r"\b(Techniker|Fahrer|Kunde|du|dein)\b", part), (kind, part)
            assert "ß" not in part, (kind, part)  # Liechtenstein's spelling: ss


@pytest.mark.parametrize(
    ("minutes", "arriving", "offer"),
    [
        (1, "Ankunft in 1 Minute.", "Der Einsatzort ist 1 Minute entfernt."),
        (2, "Ankunft in 2 Minuten.", "Der Einsatzort ist 2 Minuten entfernt."),
        (21, "Ankunft in 21 Minuten.", "Der Einsatzort ist 21 Minuten entfernt."),
        (None, "Ankunft in wenigen Augenblicken.", "Die Fahrzeit ist noch nicht bekannt."),
    ],
)
def test_german_counts_take_their_plural(minutes: int | None, arriving: str, offer: str) -> None:
    assert text("arriving", DE, minutes=minutes, **GENDERS["male"]) == Rendered(
        "Boris ist gleich da", f"{arriving} Bitte bleiben Sie in der Nähe Ihres Autos."
    )
    assert text("offer", DE, service="jump_start", minutes=minutes, ttl=1) == Rendered(
        "Neuer Auftrag: Starthilfe", f"{offer} Bitte innerhalb von 1 Sekunde annehmen oder ablehnen."
    )
    assert text("offer", DE, minutes=minutes, ttl=30).body.endswith("innerhalb von 30 Sekunden annehmen oder ablehnen.")
