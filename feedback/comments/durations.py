"""Waits read from the text: durations ("1h15", "полтора часа", "2,5 hours", "90 min") and clock spans ("с 9 до 13",
"from 6 to 9", "10pm to 1am"), each in minutes with where it stands."""

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "couple of": 2,
    "few": 3,
    "several": 3,
    "один": 1,
    "одного": 1,
    "два": 2,
    "две": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "четыре": 4,
    "четырех": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "десять": 10,
    "пятнадцать": 15,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "пару": 2,
    "пара": 2,
    "несколько": 3,
}
for _tens, _tens_value in (("twenty", 20), ("thirty", 30), ("forty", 40), ("fifty", 50)):
    for _unit, _unit_value in (("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6)):
        _NUMBER_WORDS[f"{_tens} {_unit}"] = _NUMBER_WORDS[f"{_tens}-{_unit}"] = _tens_value + _unit_value
for _tens, _tens_value in (("двадцать", 20), ("тридцать", 30), ("сорок", 40), ("пятьдесят", 50)):
    for _unit, _unit_value in (("пять", 5),):
        _NUMBER_WORDS[f"{_tens} {_unit}"] = _tens_value + _unit_value
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + ")"
_HOURS = r"(?:hours?|hrs?|h|час(?:а|ов|ик[а-я]*)?|ч)(?!\s+(?:ночи|утра|дня|вечера))"
_MINUTES = r"(?:minutes?|mins?|m|мин(?:ут[аы]?|ут)?)"

_DURATION_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w.,])(\d{1,2})\s?(?:h|ч)\s?(\d{1,2})(?:\s?(?:m|min|мин)\w*)?(?!\w)"), "h_m"),
    (re.compile(r"(?:через|after|took|waited|ждал\w*)\s+(\d{1,2}):(\d{2})(?!\d)"), "h_m"),
    (re.compile(r"(?<![\w])(?:an?\s+)?hours?\s+and\s+(?:a\s+)?half(?!\w)"), "90"),
    (re.compile(r"(?<![\w])half\s+(?:an?\s+)?hour(?!\w)"), "30"),
    (re.compile(r"(?<![\w])полтора\s+часа(?!\w)|(?<![\w])полтора\s*ч(?!\w)"), "90"),
    (re.compile(r"(?<![\w])" + _NUMBER + r"\s+(?:and\s+a\s+half|с\s+половиной)\s+" + _HOURS + r"(?!\w)"), "and_a_half"),
    (re.compile(r"(?<![\w])пол\s?часа(?!\w)"), "30"),
    (re.compile(r"(?<![\w])(?:целых\s+)?сутки(?!\w)|(?<![\w])all\s+day(?!\w)|(?<![\w])весь\s+день(?!\w)"), "480"),
    (re.compile(r"(?<![\w])полдня(?!\w)|(?<![\w])half\s+the\s+day(?!\w)"), "240"),
    (
        re.compile(
            r"(?<![\w])"
            + _NUMBER
            + r"\s?-?\s?"
            + _HOURS
            + r"(?:\s+(\d{1,2}|"
            + "|".join(["сорок", "тридцать", "двадцать", "пятнадцать", "десять", "пятьдесят"])
            + r")(?:\s?"
            + _MINUTES
            + r")?)?(?!\w)"
        ),
        "hours",
    ),
    (re.compile(r"(?<![\w])" + _NUMBER + r"\s?-?\s?" + _MINUTES + r"(?!\w)"), "minutes"),
    # "ещё минут сорок", "минут на двадцать": about so many minutes, the unit first.
    (re.compile(r"(?<![\w])минут(?:ок)?\s+(?:на\s+)?" + _NUMBER + r"(?![.,:]?\d)(?!\w)"), "minutes"),
    (
        re.compile(
            r"(?<![\w])(?:через|ждал\w*|ждать|ждали|прождал\w*|за|опоздал\w*\s+на|около|почти|целый|примерно|где-то"
            r"|больше|более|уже|минимум|еще|ещё)\s+часа?(?!\w)(?:\s+(\d{1,2}|сорок|тридцать|двадцать|пятнадцать|десять|пятьдесят))?"
        ),
        "one_hour",
    ),
    (re.compile(r"(?<![\w])час\s+(сорок|тридцать|двадцать|пятьдесят|пятнадцать|десять)(?!\w)"), "one_hour"),
    (re.compile(r"(?<![\w])(?:an?|one)\s+hour(?!\w)"), "60"),
    # "waiting since 11", "жду с 11": whoever counts the wait from a clock time has waited long.
    (
        re.compile(
            r"(?<![\w])(?:waiting|waited|been\s+here|stuck\s+here)\s+since\s+\d{1,2}(?:[:.]\d{2})?(?:\s*(?:am|pm))?(?!\w)"
        ),
        "90",
    ),
    (
        re.compile(
            r"(?<![\w])(?:жду|ждем|ждала?|ждали|стою|стоим|стояла?|сижу|сидим)\s+с\s+\d{1,2}(?:[:.]\d{2})?(?![\w:.])"
        ),
        "90",
    ),
    (re.compile(r"(?<![\w])(?:for\s+)?hours(?!\w)(?!\s+and)|(?<![\w])часами(?!\w)"), "120"),
)
_CLOCK_SPANS = (
    re.compile(
        r"(?<![\w])(?:(?:from|between)\s*)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(?:to|till|until|and|-|–)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)(?!\w)"
    ),
    re.compile(
        # "from 6 to 9", not "the ETA went from 10 to 25 minutes".
        r"(?<![\w])from\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(?:to|till|until)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?!\w)"
        r"(?!\s*(?:min|hour|hr|sec|мин|час))"
    ),
    re.compile(r"(?<![\w])с\s+(\d{1,2})(?:[:.](\d{2}))?\s*()(?:до|по)\s+(\d{1,2}|часу|часа)(?:[:.](\d{2}))?()(?!\w)"),
)


_CLOCK_TIME = re.compile(
    r"(?<![\w:.])(\d{1,2})[:.](\d{2})(?!\d)|(?<![\w])(?:at|в|к)\s+(\d{1,2})\s*(am|pm)?(?![\w:]|[.,]\d)|(?<![\w])(\d{1,2})\s*(am|pm)(?!\w)"
)
_EXPECTATION = re.compile(
    r"expect|eta|promis|estimat|booked|called|обещ|ожида|прибыти|вызвал|вызывал|заказал|позвонил|должен|должны"
)


_ARRIVAL = re.compile(
    r"(?:on site|on scene|arrived|turned up|showed up|here|прибыл\w*|приехал\w*|подъехал\w*|на месте)\W*(?:at |в )?$"
)
_ALREADY = re.compile(r"\s*(?:уже|already)\b")
_ALREADY_BEFORE = re.compile(r"\b(?:already|уже) (?:at|by|в|к)\s*$")


@dataclass(frozen=True, slots=True)
class Duration:
    start: int
    end: int
    minutes: float


def _number(word: str) -> float:
    word = word.strip()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    return float(word.replace(",", "."))


def _clock(hour: str, minute: str | None, meridiem: str | None) -> float:
    value = 1.0 if hour in ("часу", "часа") else float(hour)
    if meridiem == "pm" and value < 12:
        value += 12
    if meridiem == "am" and value == 12:
        value = 0
    return value * 60 + (float(minute) if minute else 0.0)


def find_durations(lowered: str) -> list[Duration]:
    """Durations and clock spans in `lowered` (the comment in lower case), leftmost first, none overlapping."""
    found: list[Duration] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for pattern in _CLOCK_SPANS:
        for match in pattern.finditer(lowered):
            if not free(match.start(), match.end()):
                continue
            begin = _clock(match.group(1), match.group(2), match.group(3) or match.group(6) or None)
            finish = _clock(match.group(4), match.group(5), match.group(6) or None)
            if match.group(3) is None and match.group(6) and begin > finish:
                begin -= 12 * 60  # "10 to 1am": the first is in the evening
            span = (finish - begin) % (24 * 60)
            if 0 < span <= 16 * 60:
                found.append(Duration(match.start(), match.end(), span))
                taken.append((match.start(), match.end()))
    for pattern, kind in _DURATION_PATTERNS:
        for match in pattern.finditer(lowered):
            if not free(match.start(), match.end()):
                continue
            minutes = _minutes(match, kind)
            if minutes is None or minutes <= 0 or minutes > 3 * 24 * 60:
                continue
            found.append(Duration(match.start(), match.end(), minutes))
            taken.append((match.start(), match.end()))
    found.extend(_expected_versus_actual(lowered, taken))
    found.sort(key=lambda duration: duration.start)
    return found


def _expected_versus_actual(lowered: str, taken: list[tuple[int, int]]) -> list[Duration]:
    """ "ETA 8:15, he rolled up at 10": two clock times after a word of expectation, as the wait between them."""
    if not _EXPECTATION.search(lowered):
        return []
    times: list[tuple[int, int, float]] = []
    for match in _CLOCK_TIME.finditer(lowered):
        if any(match.start() < e and match.end() > s for s, e in taken):
            continue
        if match.group(1) is not None:
            hour, minute, meridiem = match.group(1), match.group(2), None
        elif match.group(3) is not None:
            hour, minute, meridiem = match.group(3), None, match.group(4)
        else:
            hour, minute, meridiem = match.group(5), None, match.group(6)
        if int(hour) > 23 or (minute is not None and int(minute) > 59):
            continue
        times.append((match.start(), match.end(), _clock(hour, minute, meridiem)))
    if len(times) < 2:
        return []
    first, last = times[0], times[-1]
    # "tech on site 14:38, jump start done 14:51": the wait ends when he arrived, not when the job was done.
    arrived = [time for time in times[1:] if _ARRIVAL.search(lowered, max(0, time[0] - 25), time[0])]
    if arrived:
        last = arrived[0]
    elif _ALREADY.match(lowered, last[1]) or _ALREADY_BEFORE.search(lowered, max(0, last[0] - 12), last[0]):
        return []  # "Заказал в 8:05, в 8:50 уже был на работе": the whole errand, quickly done
    span = abs(last[2] - first[2])
    span = min(span, 24 * 60 - span)
    if span < 45:
        return []
    return [Duration(last[0], last[1], span)]


def _minutes(match: re.Match[str], kind: str) -> float | None:
    try:
        if kind == "h_m":
            return float(match.group(1)) * 60 + float(match.group(2))
        if kind == "hours":
            extra = match.group(2)
            return _number(match.group(1)) * 60 + (_number(extra) if extra else 0.0)
        if kind == "minutes":
            written = match.group(0).strip()
            if written.endswith("m") and not written.endswith("min") and " " in written:
                return None  # a bare "m" is minutes only right after a number ("40m"), not metres in "500 m"
            return _number(match.group(1))
        if kind == "and_a_half":
            return _number(match.group(1)) * 60 + 30
        if kind == "one_hour":
            extra = match.group(1)
            return 60.0 + (_number(extra) if extra else 0.0)
        return float(kind)
    except ValueError:
        return None
