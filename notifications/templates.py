"""What each push says, in English and Russian. Pure."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from notifications.models import Locale

TEMPLATES: dict[str, dict[Locale, tuple[str, str]]] = {
    "sla_alert": {
        Locale.EN: ("SLA {state}", "{reason}"),
        Locale.RU: ("SLA: {state}", "{reason}"),
    },
    "assigned": {
        Locale.EN: ("Help is on the way", "{technician} is assigned and arrives at {arrival}."),
        Locale.RU: ("Помощь в пути", "{technician} назначен и прибудет в {arrival}."),
    },
    "en_route": {
        Locale.EN: ("Your technician is driving to you", "{technician} has set off; arrival at {arrival}."),
        Locale.RU: ("Техник едет к вам", "{technician} выехал; прибытие в {arrival}."),
    },
    "eta_changed": {
        Locale.EN: ("Arrival time changed", "{technician} now arrives at {arrival}. We are sorry for the wait."),
        Locale.RU: ("Время прибытия изменилось", "{technician} теперь прибудет в {arrival}. Простите за ожидание."),
    },
    "arriving": {
        Locale.EN: ("Almost there", "{technician} is {minutes} min away."),
        Locale.RU: ("Почти на месте", "{technician} будет через {minutes} мин."),
    },
    "arrived": {
        Locale.EN: ("Your technician has arrived", "{technician} is at your car."),
        Locale.RU: ("Техник на месте", "{technician} у вашей машины."),
    },
    "completed": {
        Locale.EN: ("Job done", "{technician} has finished. Drive safely!"),
        Locale.RU: ("Работа выполнена", "{technician} закончил. Счастливого пути!"),
    },
    "feedback_request": {
        Locale.EN: ("How did it go?", "Rate your help from {technician}: it takes ten seconds."),
        Locale.RU: ("Как всё прошло?", "Оцените помощь от {technician}: это займёт десять секунд."),
    },
    "cancelled": {
        Locale.EN: ("Order cancelled", "The order for {service} was cancelled."),
        Locale.RU: ("Заказ отменён", "Заказ ({service}) отменён."),
    },
    "unfulfilled": {
        Locale.EN: ("No technician found", "We could not find a technician in time. An operator will call you."),
        Locale.RU: ("Техник не найден", "Мы не нашли техника вовремя. Оператор вам позвонит."),
    },
    "offer": {
        Locale.EN: ("New job offer", "{service}, {minutes} min away. Answer within {ttl} s."),
        Locale.RU: ("Новый заказ", "{service}, {minutes} мин в пути. Ответьте за {ttl} с."),
    },
}

SERVICE_NAMES: dict[Locale, dict[str, str]] = {
    Locale.EN: {
        "tow": "Tow", "jump_start": "Jump start", "tyre_change": "Tyre change",
        "fuel_delivery": "Fuel delivery", "lockout": "Lockout", "winch": "Winch",
    },
    Locale.RU: {
        "tow": "Эвакуатор", "jump_start": "Прикурить", "tyre_change": "Замена колеса",
        "fuel_delivery": "Доставка топлива", "lockout": "Вскрытие авто", "winch": "Лебёдка",
    },
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rendered:
    title: str
    body: str


def render(kind: str, locale: Locale, params: dict[str, Any], timezone: str) -> Rendered:
    title, body = TEMPLATES[kind][locale]
    values = {
        "technician": params.get("technician") or ("your technician" if locale is Locale.EN else "техник"),
        "service": SERVICE_NAMES[locale].get(str(params.get("service")), str(params.get("service", ""))),
        "minutes": params.get("minutes", ""),
        "ttl": params.get("ttl", ""),
        "state": str(params.get("state", "")).replace("_", " "),
        "reason": params.get("reason", ""),
        "arrival": _clock(params.get("arrival_at"), timezone),
    }
    return Rendered(title=title.format(**values), body=body.format(**values))


def _clock(iso: object, timezone: str) -> str:
    if not isinstance(iso, str):
        return "—"
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(timezone)).strftime("%H:%M")
