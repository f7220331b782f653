"""Offline analysis of a feedback comment in Russian or English: its language, sentiment, topics and the words that
drove them.

The method is a lexicon with rules, with a small learned model that overrules them only when sure (step 8), so that
every result can be explained by the words it cites and nothing is downloaded or trained at run time:

1. The text is split into words (with their places, sentences and clauses); English words are reduced to their
   Snowball stems, Russian ones are matched by written prefixes (`поцарап*` covers the whole family) or by exact
   forms where stems collide (`=дорого`, not "дорога").
2. Lexicon entries (`lexicon.py`), longest first, are matched left to right; each match is a cue with a weight and
   a topic.
3. Rules adjust each cue: a negator shortly before it in the same clause turns it (`не приехал` is a no-show, "wasn't
   late" faint praise, "not polite" rudeness); words after "but"/"но" weigh more and those before less; intensifiers,
   downtoners, capitals and exclamation marks scale it. A negator after a comma denies what follows it ("Nothing
   broke, nothing scratched"), not the phrase before; "не было" after a noun denies it ("Хамства не было"). A mood
   word before another word of its clause only says how much ("Ridiculously fast", "Ужасно неловко"); "не могу не"
   affirms.
4. Durations and clock spans are read as waits: an hour or more is lateness; a short one after "in"/"за" is praise.
   Thanks or generic praise beside a long wait or a strong complaint ("great, only 3 hours"), alone after one
   ("Brilliant."), or in scare quotes (he "fixed" it) is sarcasm. A wait as promised ("50 minutes, as the app had
   said"), or a short one the writer calls fine, is no lateness; the time it took to get home is no wait. A wait or
   stall shrugged off ("no big deal", "без драмы") and a complaint the writer excuses ("not your fault", "I get it, it
   was sleeting", "didn't expect anyone sooner", "выбирать не приходится") are still named but weigh nothing; so are
   mild complaints before a sentence that only shrugs ("Fair enough.", "Но это мелочи."). Help the writer called off
   ("didn't need the tow in the end") is no no-show. The driver's own trouble ("stuck", "stranded", bad weather, "сам
   дурак", a wait only feared, a part that snapped or a car that would not start before anyone came, "can't be fixed on
   the spot" before a planned tow, the car stalling or not starting in the opening sentence before anyone from the
   service is named, a mood word in a sentence that tells the breakdown before the help comes, fear told before anyone
   came, which weighs half, or nothing when the help is told apart from it, and whose measures then answer it, fear told
   beside thanks, which weighs half) is no complaint about the service; nor is a complaint only feared when what follows
   denies it ("Expected to be ripped off. Wasn't."), one told of another company ("last time, with another outfit"), one
   only supposed ("если бы он опоздал"), a mood word in a sentence about the weather, or a complaint about the police,
   the insurer, another road user or the staff of another place ("Полиция приехала раньше вас, но от неё толку ноль",
   "The other driver who hit me was screaming"); "tech came in 45 minutes" is a report, not a wait. An excuse ("not your
   fault") covers no complaint a "but" after it brings. Damage the writer says the car already had ("that was there
   before") is none; a fear called unfounded ("Зря боялся") or denied after a pronoun ("It didn't.") has passed; a
   time denied as the alternative ("за полчаса, а не за три часа") is no wait, and one counted from the call ("forty
   min after I called") is a report like "in forty min". Blame the writer takes ("My fault entirely", "мой косяк")
   names no fault of the job; damage a stranger or a stone did ("Someone had reversed into me") is the driver's
   trouble; a fear conceded after good news ("Ни царапины, хотя я переживала") did not come true; "Otherwise" or "В
   остальном" opening a sentence turns like "but".
5. Complaints the lexicon has no word for still count a little: a denial in a sentence without praise that no cue of its
   clause takes ("it didn't", elliptic ones take their meaning from the deniable word before them), a "why ...?"
   question, two different sums of money (unless the larger is what other firms asked, which is good news). A denial
   of what the writer thought or expected ("Wasn't sure", "не ожидал"), or of their past ("Never had to use you
   before"), is not one. A question ("Is the fee refunded
   if...?"), a why the app will not let the writer do something ("Почему нельзя выбрать время заранее?") or a
   suggestion ("Would be nice if the app...") weighs nothing unless it holds a strong complaint (a danger it names
   never is one); one about the app is about communication.
6. The sentiment comes from the weights: an explicit mark decides ("3 stars" is neutral, "Тройка" too, "Поставлю 5" and
   "I'd give it a 4" are good, and so does a balanced verdict: "not great, not terrible"); a mild gripe shrugged off
   ("Дороговато, но нормально", "Annoying but they got there") is neutral; else, in "X but Y" where X and Y lean
   opposite ways, Y does ("Still," opening a sentence and "а по факту" turn like "but"); else any complaint with no
   praise is negative, however plainly it is told, mixed comments go by the balance, ties to negative, and a plain
   report with only a faint good word ("завелась") or only denied complaints ("Ничего не поцарапали, ничего не сломали")
   is neutral.
7. Topics are named whatever the sentiment, as the comment says them. Complaint topics need enough weight (a lone
   "waited" in a happy comment is not lateness; "a bit slow" is, by its word before scaling). Praise is named for
   words of praise or thanks about the people or the service, not for mild or outcome words ("good", "quick",
   "sorted"), not for praise of one feature ("Tracking was brilliant" is communication), and in a negative comment
   only for thanks or strong praise ("Nice guy but..." is a concession).
8. A learned second opinion (`learned.py`, naive Bayes over word stems trained on the dev set, its weights generated
   into `learned_weights.py`) may overrule the sentiment when it is sure: a negative call becomes neutral (positive if
   the rules found good words) below a log-odds of -2, unless the rules are at their surest; another call becomes
   negative above +2. It says nothing on comments under 8 words or in other languages. An overruling adds a cue,
   "learned model: no complaint (...)" or "learned model: a complaint (...)", naming the comment's words that weighed
   most, with minus the model's log-odds as its weight; topics follow the new sentiment.
"""

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from feedback.comments import learned, lexicon
from feedback.comments.durations import find_durations
from feedback.comments.model import COMPLAINT_TOPICS, CommentAnalysis, Cue, Language, Sentiment, Topic
from feedback.comments.stemming import stem

_TOPIC_CODES = {
    "L": Topic.LATE,
    "N": Topic.NO_SHOW_OR_STALL,
    "R": Topic.RUDE,
    "F": Topic.NOT_FIXED,
    "D": Topic.DAMAGE,
    "P": Topic.PRICE,
    "C": Topic.COMMUNICATION,
    "S": Topic.SAFETY,
    "G": Topic.PRAISE,
    "-": None,
}
_TOPIC_ORDER = {topic: index for index, topic in enumerate(Topic)}

_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*", re.UNICODE)
_REPEATS = re.compile(r"(.)\1{2,}")
_CLAUSE_BREAK = re.compile(r"[,;:()\"«»—–]|\s-\s")
_SENTENCE_BREAK = re.compile(r"[.!?…\n]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_NON_ENGLISH_LATIN = re.compile(r"[äöüßñçàâèéêëîïôûùœæåøłśźżąęćńšžčřőűãõ¿¡]", re.IGNORECASE)
_UKRAINIAN = re.compile(r"[іїєґ]", re.IGNORECASE)
_EMOTICONS = re.compile(r"\){2,}|:-?\)|\({2,}|:-?\(|(?<!\d)10\s?(?:/|out of)\s?10(?!\d)|(?<!\d)5\s?/\s?5(?!\d)")

_ENGLISH_WORDS = lexicon.word_set(
    """the a an and to was i it he she my me for of in on at is are be been with this that they we you your
    his her after before from but not no never came come got get had have has did do does would could
    will just so very all out up there here what when which who again after still then than only our us
    our car tow truck guy driver service technician tech tyre tire battery ok thanks thank please so-so meh
    okay fine cheers ta mate tbh nah lol"""
)
_FOREIGN_WORDS = lexicon.word_set(
    """und der die das ist sehr nicht ich mit el la los las y muy por que es le les et est très pas il ce
    une un è di che il non per sono ja on oli ei ole się nie jest bardzo mi na danke alles gut schön bitte
    vielen kiitos kaikki hyvin gracias merci grazie nadie vino ayudarme war hat wir mich mir auch noch leider
    einen eine ein dem wurde haben kam für zu auf nach preis"""
)


def _stem(word: str) -> str:
    return stem(word) if word.isascii() else word


def _normalise(word: str) -> str:
    word = word.lower().replace("ё", "е").replace("’", "'")
    word = _REPEATS.sub(r"\1", word)
    if word.endswith("n't"):
        return word.replace("'", "")
    return word


# Lexicon


@dataclass(frozen=True, slots=True)
class _Element:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    gap_before: int = 0
    # `=word`: that form as written, not whatever shares its stem ("=loved" is not "lovely").
    forms: frozenset[str] = frozenset()

    def matches(self, token: "_Token") -> bool:
        if token.stem in self.words or token.norm in self.words or token.norm in self.forms:
            return True
        return any(token.norm.startswith(prefix) for prefix in self.prefixes)


@dataclass(frozen=True, slots=True)
class _Entry:
    elements: tuple[_Element, ...]
    weight: float
    topic: Topic | None
    negated_weight: float
    negated_topic: Topic | None
    carries_negation: bool


def _parse_element(text: str, english: bool, gap_before: int) -> _Element:
    words: set[str] = set()
    prefixes: list[str] = []
    for written in text.split("/"):
        alternative = written.lower().replace("ё", "е").replace("’", "'")
        if alternative.endswith("n't"):
            alternative = alternative.replace("'", "")
        if alternative.endswith("*") and len(alternative) > 1:
            prefixes.append(alternative[:-1])
        elif alternative.startswith("="):
            words.add("=" + alternative[1:])
        elif english and alternative.isascii():
            words.add(_stem(alternative))
        else:
            words.add(alternative)
    forms = frozenset(word[1:] for word in words if word.startswith("="))
    plain = frozenset(word for word in words if not word.startswith("="))
    return _Element(plain, tuple(prefixes), gap_before, forms)


def _default_negation(weight: float, topic: Topic | None) -> tuple[float, Topic | None]:
    if weight < 0:
        # "wasn't late", "no scratches": a denied complaint is a little good news, not praise.
        return 0.3, (None if topic is None or topic in COMPLAINT_TOPICS else topic)
    if weight > 0:
        return -0.8 * weight, (topic if topic in (Topic.PRICE, Topic.SAFETY, Topic.COMMUNICATION) else None)
    return 0.0, topic


def _parse_table(table: str, english: bool) -> list[_Entry]:
    entries = []
    for raw_line in table.strip().splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        pattern, _, meaning = line.partition(" : ")
        carries_negation = meaning.rstrip().endswith("!")
        main, _, negated = meaning.rstrip().rstrip("!").partition("~")
        weight_text, topic_code = main.split()
        weight, topic = float(weight_text), _TOPIC_CODES[topic_code]
        if carries_negation:
            negated_weight, negated_topic = weight, topic
        elif negated.strip():
            negated_weight_text, negated_code = negated.split()
            negated_weight, negated_topic = float(negated_weight_text), _TOPIC_CODES[negated_code]
        else:
            negated_weight, negated_topic = _default_negation(weight, topic)
        elements: list[_Element] = []
        gap = 0
        for part in pattern.split():
            if part == "..":
                gap = 3
                continue
            elements.append(_parse_element(part, english, gap))
            gap = 0
        entries.append(_Entry(tuple(elements), weight, topic, negated_weight, negated_topic, carries_negation))
    return entries


class _Index:
    """Entries by what their first word can be, so that a word looks up its few candidates instead of all."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self.by_word: dict[str, list[_Entry]] = {}
        self.by_prefix: dict[str, list[_Entry]] = {}
        for entry in entries:
            first = entry.elements[0]
            for word in first.words | first.forms:
                self.by_word.setdefault(word, []).append(entry)
            for prefix in first.prefixes:
                self.by_prefix.setdefault(prefix, []).append(entry)
        self.prefix_lengths = sorted({len(prefix) for prefix in self.by_prefix})
        for bucket in (*self.by_word.values(), *self.by_prefix.values()):
            bucket.sort(key=lambda entry: (-len(entry.elements), -abs(entry.weight)))

    def candidates(self, token: "_Token") -> list[_Entry]:
        found: list[_Entry] = []
        found.extend(self.by_word.get(token.stem, ()))
        if token.norm != token.stem:
            found.extend(self.by_word.get(token.norm, ()))
        for length in self.prefix_lengths:
            if length > len(token.norm):
                break
            found.extend(self.by_prefix.get(token.norm[:length], ()))
        if len(found) > 1:
            found.sort(key=lambda entry: (-len(entry.elements), -abs(entry.weight)))
        return found


def _parse_lexicon(table: str, english: bool) -> list[_Entry]:
    return _parse_table(table, english)


_ENGLISH_ENTRIES = _parse_lexicon(lexicon.ENGLISH, english=True)
_INDEX = _Index(
    [
        *_ENGLISH_ENTRIES,
        *_parse_lexicon(lexicon.RUSSIAN, english=False),
        *_parse_lexicon(lexicon.OTHER, english=False),
    ]
)
_ENGLISH_LEXICON_WORDS = frozenset(
    word for entry in _ENGLISH_ENTRIES for word in entry.elements[0].words | entry.elements[0].forms
)


# Text


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    norm: str
    stem: str
    shouting: bool
    sentence: int = 0
    clause: int = 0
    used: bool = False


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    sentence = clause = 0
    previous_end = 0
    for match in _WORD.finditer(text):
        gap = text[previous_end : match.start()]
        if tokens and _SENTENCE_BREAK.search(gap):
            sentence += 1
            clause += 1
        elif tokens and _CLAUSE_BREAK.search(gap):
            clause += 1
        word = match.group()
        norm = _normalise(word)
        stem = _stem(norm) if norm.isascii() else norm
        shouting = len(word) >= 3 and word.isupper()
        tokens.append(_Token(match.start(), match.end(), norm, stem, shouting, sentence, clause))
        previous_end = match.end()
    return tokens


def _lowered(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered.replace("ё", "е")
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text).replace("ё", "е")


def detect_language(text: str, tokens: list[_Token] | None = None) -> Language:
    """ "ru" for Russian (Cyrillic, not Ukrainian letters or words), "en" for Latin text that reads as English, else
    "other" (other languages, no words, Russian and English mixed)."""
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    if cyrillic == 0 and latin == 0:
        return "other"
    words = tokens if tokens is not None else _tokenise(text)
    if cyrillic and latin and _mixes_russian_and_english(words):
        return "other"  # "Driver был супер": Russian and English in one comment
    if cyrillic >= latin:
        ukrainian = _UKRAINIAN.search(text) or any(token.norm in _UKRAINIAN_WORDS for token in words)
        return "other" if ukrainian else "ru"
    english = sum(1 for token in words if token.norm in _ENGLISH_WORDS or token.stem in _ENGLISH_LEXICON_WORDS)
    foreign = sum(1 for token in words if token.norm in _FOREIGN_WORDS)
    foreign += len(_NON_ENGLISH_LATIN.findall(text))
    return "en" if english > foreign else "other"


def _mixes_russian_and_english(words: list[_Token]) -> bool:
    """An English word (not a name or an abbreviation such as "SMS" that Russian comments use) beside a Russian one."""
    english = any(
        token.norm.isascii()
        and token.norm.isalpha()
        and token.norm not in _LOANWORDS
        and (token.norm in _ENGLISH_WORDS or token.stem in _ENGLISH_LEXICON_WORDS)
        for token in words
    )
    return english and any(_CYRILLIC.search(token.norm) for token in words)


_LOANWORDS = frozenset({"sms", "gps", "eta", "push", "app", "top"})
_UKRAINIAN_WORDS = lexicon.word_set("дуже дякую дякуємо швидко чекали чекав чекала добре вже ще це цей що ми був була")


# Scoring


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    first_token: int
    last_token: int
    weight: float
    topic: Topic | None
    sentence: int
    generic_praise: bool = False
    thanks: bool = False
    tells: bool = False
    extra: dict[str, float] = field(default_factory=dict)
    # The weight as the lexicon gives it, before the words around it scaled it: "a bit slow" is still slowness.
    base: float | None = None
    # What the cue would have meant denied, for a later elliptic denial: "said it'd hold, it didn't".
    denied: tuple[float, Topic | None] | None = None


def _match_at(tokens: list[_Token], index: int, entry: _Entry) -> int | None:
    """The index of the last token of `entry` matched from `index`, or None."""
    if not entry.elements[0].matches(tokens[index]):
        return None
    position = index
    for element in entry.elements[1:]:
        for step in range(1, element.gap_before + 2):
            candidate = position + step
            if candidate >= len(tokens) or tokens[candidate].sentence != tokens[index].sentence:
                return None
            if element.matches(tokens[candidate]):
                if (
                    element is entry.elements[-1]
                    and tokens[candidate].clause != tokens[position].clause
                    and tokens[candidate].norm in lexicon.NEGATORS
                ):
                    return None  # "Nothing broke, nothing scratched": the negator after the comma denies what follows
                position = candidate
                break
        else:
            return None
    return position


def _negator(tokens: list[_Token], first: int, last: int) -> int | None:
    """The index of the word that negates the cue from `first` to `last`, if one does."""
    clause = tokens[first].clause
    for position in range(first - 1, max(-1, first - 5), -1):
        token = tokens[position]
        if token.clause != clause or (token.used and token.norm not in lexicon.NEGATORS):
            break
        if token.norm in lexicon.NEGATION_SCOPE_ENDS:
            break
        if token.norm in lexicon.NEGATORS and not token.used:
            following = tokens[position + 1].norm if position + 1 < len(tokens) else ""
            preceding = tokens[position - 1].norm if position > 0 else ""
            until = any(tokens[other].norm in lexicon.UNTIL for other in range(max(0, position - 4), position))
            if _cannot_help_but(tokens, position):
                break
            if following not in lexicon.NEGATION_BREAKERS and preceding not in lexicon.NEAR_MISS and not until:
                return position
    after = last + 1
    if after < len(tokens) and tokens[after].clause == clause:
        if tokens[after].norm in lexicon.NEGATORS_AFTER:
            return after
        # "помочь не может": Russian puts the negated modal after the infinitive.
        if tokens[after].norm == "не" and after + 1 < len(tokens) and tokens[after + 1].norm.startswith(_MODALS):
            return after
    # "Хамства не было", "Царапин на машине не было": the noun first, then its denied being.
    for position in range(after, min(len(tokens), after + 3)):
        if tokens[position].clause != clause or (tokens[position].used and position > after):
            break
        if _was_not(tokens, position):
            return position
    return None


_BEING = frozenset({"было", "были", "был", "была", "бывает", "бывало"})


def _was_not(tokens: list[_Token], position: int) -> bool:
    """ "не было" at `position`, in one clause: the words after a cue that deny it was there."""
    return (
        tokens[position].norm == "не"
        and position + 1 < len(tokens)
        and tokens[position + 1].norm in _BEING
        and tokens[position + 1].clause == tokens[position].clause
        and not (position + 2 < len(tokens) and tokens[position + 2].norm == "бы")  # "не было бы, если бы..." supposes
    )


_MODALS = ("мог", "може", "смог", "смож", "получ", "стал", "хоч", "хотел", "захотел")


def _cannot_help_but(tokens: list[_Token], position: int) -> bool:
    """ "Не могу не отметить вежливость": a second "не" after "не могу" cancels the first; the two together affirm,
    so neither denies what follows."""
    return (
        position >= 2
        and tokens[position].norm == "не"
        and tokens[position - 1].norm.startswith(("мог", "може", "можем"))
        and tokens[position - 2].norm == "не"
    )


def _scale(tokens: list[_Token], first: int, last: int, text: str) -> float:
    factor = 1.0
    clause = tokens[first].clause
    for position in range(first - 1, max(-1, first - 3), -1):
        token = tokens[position]
        if token.clause != clause:
            break
        if token.norm in lexicon.INTENSIFIERS:
            factor *= 1.5
            break
        if token.norm in lexicon.DOWNTONERS and tokens[position + 1].norm not in lexicon.NEGATORS:
            factor *= 0.5
            break
    if any(tokens[position].shouting for position in range(first, last + 1)):
        factor *= 1.3
    sentence_end = _sentence_end(text, tokens[last].end)
    if sentence_end:
        factor *= 1.3 if sentence_end.startswith("!!") else 1.15
    return factor


def _sentence_end(text: str, offset: int) -> str:
    match = _SENTENCE_BREAK.search(text, offset)
    if match is None:
        return ""
    end = match.start()
    while end < len(text) and text[end] in "!?.…":
        end += 1
    marks = text[match.start() : end]
    return marks if "!" in marks else ""


# "Still, he got me to the garage": opening a sentence and followed by a comma, they turn like "but".
_OPENING_CONTRASTS = frozenset({"still", "anyway", "anyhow", "впрочем"})


def _otherwise(tokens: list[_Token], position: int) -> bool:
    """ "The wait was long, but it was rush hour. Otherwise a good job.", "В остальном всё отлично": opening a sentence,
    "otherwise" / "в остальном" gives the verdict on the rest, like a "but"; "Otherwise I'd have frozen" supposes."""
    token = tokens[position]
    if token.norm == "остальном" and position > 0 and tokens[position - 1].norm == "в":
        opening = position - 1
    elif token.norm == "otherwise":
        opening = position
    else:
        return False
    if opening > 0 and tokens[opening - 1].sentence == token.sentence:
        return False
    following = tokens[position + 1 : position + 4]
    return bool(following) and not any(other.norm in _WOULD or other.norm == "could" for other in following)


# "Вроде быстро, а по факту не едет": "а" before these turns like "но".
_IN_FACT = (("по", "факту"), ("на", "деле"), ("в", "итоге"), ("в", "результате"))


def _contrasting(tokens: list[_Token], position: int) -> bool:
    token = tokens[position]
    if token.norm in lexicon.CONTRAST:
        return True
    if token.norm == "а" and position + 1 < len(tokens) and tokens[position + 1].norm == "вот":
        return True  # "Штрафстоянка — отдельная песня, а вот ваш водитель..."
    if token.norm == "а" and position + 2 < len(tokens):
        return (tokens[position + 1].norm, tokens[position + 2].norm) in _IN_FACT
    if token.norm == "только" and position > 0 and tokens[position - 1].sentence != token.sentence:
        return True  # "Мастер был вежлив, это да. Только колесо он поставил то же самое"
    if _otherwise(tokens, position):
        return True
    return (
        token.norm in _OPENING_CONTRASTS
        and (position == 0 or tokens[position - 1].sentence != token.sentence)
        and position + 1 < len(tokens)
        and tokens[position + 1].clause != token.clause
        and tokens[position + 1].sentence == token.sentence
    )


def _contrast_factors(tokens: list[_Token]) -> list[float]:
    """Per token: words after "but"/"но" count more, words before it (in its sentence, or in the sentence before a
    "But" that opens one) less; a concession clause ("хотя была ночь") counts less. In two passes, so that a long
    sentence with a "но" in every clause costs no more than its length."""
    count = len(tokens)
    contrasts = [_contrasting(tokens, position) for position in range(count)]
    factors = [1.0] * count
    # Forward: what the last "but" of the sentence and the last concession of the clause before a word make of it;
    # the later of the two decides.
    last_contrast: int | None = None
    last_concession: int | None = None
    for position, token in enumerate(tokens):
        if position and token.sentence != tokens[position - 1].sentence:
            last_contrast = None
        if position and token.clause != tokens[position - 1].clause:
            last_concession = None
        if last_concession is not None and (last_contrast is None or last_concession > last_contrast):
            factors[position] = 0.6
        elif last_contrast is not None:
            factors[position] = 1.5
        if contrasts[position]:
            last_contrast = position
        elif token.norm in lexicon.CONCESSION:
            last_concession = position
    # Backward: a word before a "but" of its sentence, or in the sentence before one that opens with "But".
    opening = {
        tokens[position].sentence
        for position in range(count)
        if contrasts[position] and (position == 0 or tokens[position - 1].sentence != tokens[position].sentence)
    }
    contrast_later = False
    for position in range(count - 1, -1, -1):
        token = tokens[position]
        if position + 1 < count and tokens[position + 1].sentence != token.sentence:
            contrast_later = False
        if contrast_later or token.sentence + 1 in opening:
            factors[position] = min(factors[position], 0.7)
        if contrasts[position]:
            contrast_later = True
    return factors


def _lexicon_cues(text: str, tokens: list[_Token]) -> list[_Found]:
    found: list[_Found] = []
    contrast = _contrast_factors(tokens)
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token.used:
            position += 1
            continue
        best: tuple[_Entry, int] | None = None
        for entry in _INDEX.candidates(token):
            last = _match_at(tokens, position, entry)
            if last is not None:
                best = (entry, last)
                break
        if best is None:
            position += 1
            continue
        entry, last = best
        for covered in range(position, last + 1):
            tokens[covered].used = True
        found.append(_found_for(entry, text, tokens, position, last, contrast))
        position = last + 1
    return found


def _found_for(entry: _Entry, text: str, tokens: list[_Token], first: int, last: int, contrast: list[float]) -> _Found:
    start = tokens[first].start
    negator = None if entry.carries_negation else _negator(tokens, first, last)
    if negator is not None and negator > last and _was_not(tokens, negator) and entry.negated_weight == 0:
        negator = None  # "Цены в приложении не было": a mention denied is a bare denial, left to `_bare_negations`
    if negator is not None and entry.weight < 0 and first - negator > 3:
        negator = (
            None  # a complaint turns into praise only when denied closely: "не грубил", not "не платила за ерунду"
        )
    if negator is not None:
        weight, topic = entry.negated_weight, entry.negated_topic
        start = min(start, tokens[negator].start)
    else:
        weight, topic = entry.weight, entry.topic
    scale = _scale(tokens, first, last, text)
    base = weight
    weight *= scale * (min(contrast[first], 1.0) if scale < 1.0 else contrast[first])
    if weight > 0 and _promised(tokens, first):
        weight = 0.0  # "said he'd sort it" promises, it does not praise
    generic = len(entry.elements) == 1 and tokens[first].norm in lexicon.GENERIC_PRAISE and weight > 0
    thanks = weight > 0 and tokens[first].norm.startswith(lexicon.THANKS)
    tells = any(tokens[position].norm.startswith(_TELLING) for position in range(first, last + 1))
    cue = _Found(
        start, tokens[last].end, first, last, weight, topic, tokens[first].sentence, generic, thanks, tells, base=base
    )
    if negator is None and entry.negated_weight < 0 <= entry.weight:
        cue.denied = (entry.negated_weight, entry.negated_topic)
        if weight > 0 and _quoted(text, start, tokens[last].end):
            # Scare quotes: he "fixed" it.
            cue.weight, cue.topic = entry.negated_weight, entry.negated_topic
            cue.base = cue.weight
    if tokens[first].norm.startswith(_WAIT_STEMS):
        cue.extra["wait"] = 1.0
    if negator is not None:
        cue.extra["negated"] = 1.0
        if negator > last and _was_not(tokens, negator):
            tokens[negator].used = tokens[negator + 1].used = True  # the denial is the cue's, not a bare one
        if entry.weight < 0 <= weight and entry.topic in COMPLAINT_TOPICS:
            cue.extra["denial"] = 1.0  # "не поцарапали": a complaint denied
    return cue


_TELLING = ("tell", "told", "inform", "warn", "mention", "предупред", "сказал", "сообщ", "говорил")

# Short words a degree word does not modify: "ужасно на обочине" is a mood about the place.
_FUNCTION_WORDS = lexicon.word_set(
    """a an the to of in on at for by with and or it i me my he she they we you was were is be that this there
    и в во на с со к ко у о об от до за по из под над для а я мне он она они мы вы это было был была были что"""
)
# A verb after the degree word makes it the manner of the deed: "terribly treated", "ужасно обслужили".
_VERB_ENDINGS = ("л", "ла", "ло", "ли", "ть", "ться", "лся", "лась", "лось", "лись")


def _degree_moods(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Ridiculously fast", "Stupidly cold out", "Ужасно неловко было": a mood word before another word of its clause
    only says how much of that word there was (the lexicon lists it as an intensifier too), so it weighs nothing of
    its own; alone ("Ужасно.", "ridiculous") or before a verb it still judges."""
    for cue in found:
        if (
            cue.sentence < 0
            or cue.first_token != cue.last_token
            or cue.weight >= 0
            or cue.last_token + 1 >= len(tokens)
        ):
            continue
        token = tokens[cue.first_token]
        if token.norm not in lexicon.DEGREE_MOODS or (cue.start, cue.end) != (token.start, token.end):
            continue  # an emoji or a sum is no degree word
        following = tokens[cue.last_token + 1]
        if following.clause != token.clause or following.norm in _FUNCTION_WORDS:
            continue
        english_verb = following.norm.isascii() and following.norm.endswith("ed")
        if english_verb or (not following.norm.isascii() and following.norm.endswith(_VERB_ENDINGS)):
            continue
        cue.weight = cue.base = 0.0
        cue.topic = None


def _promised(tokens: list[_Token], first: int) -> bool:
    clause = tokens[first].clause
    return any(token.norm in _PROMISE_VERBS and token.clause == clause for token in tokens[max(0, first - 3) : first])


_PROMISE_VERBS = frozenset({"said", "says", "promised", "claimed", "he'd", "сказал", "обещал", "обещали", "уверял"})


def _quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES


_QUOTES = frozenset("\"'«»“”„‘’")


def _token_at(tokens: list[_Token], offset: int) -> int:
    """The first token ending after `offset` (tokens are in the text's order), else the last."""
    return min(bisect.bisect_right(tokens, offset, key=_token_end), max(0, len(tokens) - 1))


def _token_end(token: _Token) -> int:
    return token.end


_WAIT_STEMS = ("wait", "жда", "жду", "ждет", "ждем", "ожида", "прожд", "подожд", "дожида")
_PROMISES = frozenset(
    {"said", "told", "promised", "would", "should", "eta", "сказали", "сказал", "обещали", "обещал", "должен", "должны"}
)
_CURRENCY = re.compile(
    r"[£$€₽]\s?\d[\d,. ]*|(?<![\d,.])\d[\d,.]*\s?(?:[£$€₽]|руб\w*|р\.|eur|euros?|usd|dollars?|pounds?|quid|bucks|тыс\w*)(?!\w)",
    re.IGNORECASE,
)
_SHORT_LEADS = frozenset({"in", "within", "за", "через", "only", "just", "всего", "under"})
_ARRIVED_IN = frozenset({"in", "within", "за", "через"})
_WAIT_LEADS = frozenset({"for", "уже", "целых", "ждал", "ждала", "waited", "прождал", "прождала"})
_ON_THE_LINE = frozenset(
    {"phone", "hold", "line", "centre", "center", "линии", "телефону", "удержании", "трубке", "колл-центр"}
)
_LABOUR = frozenset({"labour", "labor", "work", "работы", "труда"})
_LATE_WORDS = frozenset(
    {"late", "опоздал", "опоздала", "опоздали", "опоздание", "past", "after", "позже", "опозданием"}
)


# "forty min after I called": the time counted from the call, like "in forty min".
_CALLING = frozenset({"called", "rang", "rung", "phoned", "booked", "booking", "calling", "ordered", "requested"})
# "а не за три часа", "rather than two hours", "instead of an hour": an alternative named to be denied.
_DENIED_ALTERNATIVES = (("а", "не"), ("rather", "than"), ("instead", "of"))


def _denied_alternative(tokens: list[_Token], index: int) -> bool:
    """The duration at `index` follows "а не" (or "rather than", "instead of") in its clause, a word or two back."""
    if not tokens:
        return False
    clause = tokens[index].clause
    words = [token.norm for token in tokens[max(0, index - 3) : index] if token.clause == clause]
    return any(pair == tuple(words[spot : spot + 2]) for pair in _DENIED_ALTERNATIVES for spot in range(len(words)))


def _duration_cues(lowered: str, tokens: list[_Token]) -> list[_Found]:
    found: list[_Found] = []
    promising = {token.sentence for token in tokens if token.norm in _PROMISES}
    for duration in find_durations(lowered):
        index = _token_at(tokens, duration.start) if tokens else 0
        last = _token_at(tokens, duration.end - 1) if tokens else 0
        sentence = tokens[index].sentence if tokens else 0
        before = tokens[index - 1].norm if tokens and index > 0 else ""
        nearby = {token.norm for token in tokens[max(0, index - 3) : index + 5]} if tokens else set()
        promised = sentence in promising
        # "45 minutes on the phone", "полчаса дозванивалась": time on the line is about reaching them, not the wait.
        topic = (
            Topic.COMMUNICATION
            if nearby & _ON_THE_LINE or any(word.startswith("дозвон") for word in nearby)
            else Topic.LATE
        )
        after = [token.norm for token in tokens[last + 1 : last + 3]] if tokens else []
        if after and (after[0] in _LABOUR or after[:2] in (["of", "labour"], ["of", "labor"], ["of", "work"])):
            # "charged me for two hours of labour": time billed, not a wait.
            found.append(_Found(duration.start, duration.end, index, last, -0.8, Topic.PRICE, sentence))
            continue
        if _denied_alternative(tokens, index):
            # "приехали за полчаса, а не за три часа": the time named only to be denied is no wait.
            found.append(_Found(duration.start, duration.end, index, last, 0.0, None, sentence))
            continue
        called = after[:1] == ["after"] and any(
            token.norm in _CALLING for token in tokens[last + 2 : last + 4] if token.sentence == sentence
        )
        if called:
            nearby.discard("after")
        if duration.minutes >= 60:
            weight = -min(2.0, 1.2 + 0.2 * (duration.minutes - 60) / 60)
            extra = {"wait": 1.0, "minutes": float(duration.minutes)}
            if before in lexicon.SARCASM_LEADS:
                extra["sarcasm"] = 1.0
            found.append(_Found(duration.start, duration.end, index, last, weight, topic, sentence, extra=extra))
        elif (
            40 <= duration.minutes < 60
            and (before in _ARRIVED_IN or called)
            and not (nearby & _LATE_WORDS)
            and not promised
        ):
            # "tech приехал in 40 minutes, отвёз в сервис", "came in 45 minutes", "turned up forty min after I
            # called": a plain report of when he came.
            extra = {"wait": 1.0, "minutes": float(duration.minutes)}
            found.append(_Found(duration.start, duration.end, index, last, 0.0, None, sentence, extra=extra))
        elif duration.minutes >= 40 or (duration.minutes >= 30 and before in _WAIT_LEADS):
            extra = {"wait": 1.0, "minutes": float(duration.minutes)}
            if before in lexicon.SARCASM_LEADS:
                extra["sarcasm"] = 1.0
            found.append(_Found(duration.start, duration.end, index, last, -0.8, topic, sentence, extra=extra))
        elif duration.minutes <= 30 and before in _SHORT_LEADS and not (nearby & _LATE_WORDS) and not promised:
            found.append(_Found(duration.start, duration.end, index, last, 0.5, None, sentence))
        elif duration.minutes <= 15:
            # "5 min late" is hardly a complaint.
            found.append(_Found(duration.start, duration.end, index, last, 0.0, None, sentence, extra={"short": 1.0}))
    return found


_VERBAL_NEGATORS = lexicon.word_set(
    """not never nobody nothing cannot cant wont dont didnt doesnt isnt wasnt werent arent couldnt wouldnt
    hadnt не никто ничего ничем никак нельзя невозможно nicht nie niemals nichts"""
)


def _bare_negations(tokens: list[_Token], found: list[_Found]) -> list[_Found]:
    """A denial the lexicon does not explain ("it didn't", "не продержалось") in a sentence with no praise is still a
    complaint: drivers rarely deny things to say they went well. An elliptic one takes its meaning from the
    deniable word just before it ("said it'd hold, it didn't" denies holding)."""
    praised = {cue.sentence for cue in found if cue.weight > 0}
    # A negator is the cue's own only in the cue's clause: "weren't tightened, found out later" denies the tightening.
    covered = {
        position
        for cue in found
        for position in range(max(0, cue.first_token - 4), cue.last_token + 1)
        if cue.sentence < 0
        or cue.first_token >= len(tokens)
        or position >= len(tokens)
        or tokens[position].clause == tokens[cue.first_token].clause
    }
    extra: list[_Found] = []
    for position, token in enumerate(tokens):
        if token.norm not in _VERBAL_NEGATORS or token.used or position in covered or token.sentence in praised:
            continue
        if position > 0 and tokens[position - 1].norm in _CONTRASTIVE_DENIAL:
            continue  # "сидела в кабине, а не стояла на обочине" contrasts, it does not complain
        if any(
            tokens[other].norm in _PURPOSE and tokens[other].clause == token.clause
            for other in range(max(0, position - 3), position)
        ):
            continue  # "чтоб я не паниковал": what it was for, with its subject between
        if any(tokens[other].norm in lexicon.UNTIL for other in range(max(0, position - 4), position)):
            continue
        if _writer_unsure(tokens, position) or _first_time(tokens, position):
            continue
        end = tokens[position + 1].end if position + 1 < len(tokens) else token.end
        weight, topic = -0.6, None
        earlier = [
            cue
            for cue in found
            if cue.denied is not None and cue.last_token < position and token.sentence - cue.sentence <= 1
        ]
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        elliptic = following is None or following.clause != token.clause
        repeated = following is not None and earlier and following.norm[:4] == tokens[earlier[-1].first_token].norm[:4]
        if earlier and (elliptic or repeated):
            weight, topic = earlier[-1].denied or (weight, topic)
        extra.append(_Found(token.start, end, position, position, weight, topic, token.sentence))
    return extra


# "сидела в кабине, а не на обочине" contrasts; "so nobody would hit me", "чтобы никто не въехал" says what for.
# "иначе никак", "otherwise nothing moves" say why it had to be so.
_CONTRASTIVE_DENIAL = frozenset(
    {"а", "instead", "rather", "than", "чем", "so", "чтобы", "чтоб", "lest", "иначе", "otherwise"}
)


# What the writer thought or expected: "Wasn't sure", "wasnt expecting much", "Вообще не ожидал, что...".
_WRITERS_MIND = ("sure", "expect", "think", "thought", "realis", "realiz", "ожида", "думал")
# Words that may open a sentence before the writer's denial without naming anyone else: "Honestly wasn't sure".
_WRITER_OPENERS = lexicon.word_set("i we honestly genuinely really tbh я мы честно вообще сначала сперва")


def _writer_unsure(tokens: list[_Token], position: int) -> bool:
    """ "Wasn't sure the jump pack would do it", "не ожидал, что кто-то приедет": a denial of what the writer thought
    or expected tells of the writer's mind, not of a failure. Only when nobody else is its subject: "he wasn't sure
    what was wrong" still complains."""
    following = tokens[position + 1].norm if position + 1 < len(tokens) else ""
    if not following.startswith(_WRITERS_MIND):
        return False
    sentence = tokens[position].sentence
    before = [token.norm for token in tokens[:position] if token.sentence == sentence]
    return all(word in _WRITER_OPENERS for word in before)


_PURPOSE = frozenset({"чтобы", "чтоб", "lest"})
_BEFORE_NOW = lexicon.word_set("before previously ever раньше прежде")
_NEEDING = ("had", "need", "use", "used", "call", "been", "пользова", "вызыва", "обраща", "приходил", "сталкивал")


def _first_time(tokens: list[_Token], position: int) -> bool:
    """ "Never had to use roadside assistance before", "Раньше никогда не вызывала эвакуатор": the writer's first time,
    told as a denial of their past, is no complaint."""
    clause = tokens[position].clause
    near = [token for token in tokens[max(0, position - 4) : position + 10] if token.clause == clause]
    needing = any(token.norm.startswith(_NEEDING) for token in tokens[position + 1 : position + 4])
    return needing and any(token.norm in _BEFORE_NOW for token in near)


def _question_complaints(text: str, tokens: list[_Token]) -> list[_Found]:
    """ "Why am I paying for mileage?": a question that starts with why is a complaint, unless the writer says it is
    only curiosity ("Why does the tracker show...? Just curious")."""
    extra: list[_Found] = []
    if _CURIOUS.search(text):
        return extra
    announced = _announced_questions(text, tokens)
    for position, token in enumerate(tokens):
        if token.sentence in announced:
            continue
        if token.norm in lexicon.QUESTION_COMPLAINTS and _sentence_ends_with_question(text, token.end):
            extra.append(_Found(token.start, token.end, position, position, -0.6, None, token.sentence))
    return extra


_CURIOUS = re.compile(r"\bjust (?:curious|wondering|asking)\b|просто (?:интересно|спрашиваю|любопытно)", re.IGNORECASE)
# A question announced as one at the start of its sentence: "Один вопрос: почему...?", "Quick question: why...?".
_ANNOUNCED_QUESTION = re.compile(r"(?:(?:one|a|quick|small|один|маленький|небольшой) )?(?:question|вопрос)\s*:")


def _announced_questions(text: str, tokens: list[_Token]) -> set[int]:
    """The sentences that say they are a question and ask why something cannot be done ("Один вопрос: почему в
    приложении нельзя...?"): a feature asked about, not a grievance ("Question: why was I charged twice?" is one)."""
    lowered = text.lower()
    announced = {
        token.sentence
        for index, token in enumerate(tokens)
        if _opens_sentence(tokens, index)
        and _ANNOUNCED_QUESTION.match(lowered, token.start)
        and _sentence_ends_with_question(text, token.end)
    }
    announced = {token.sentence for token in tokens if token.sentence in announced and token.norm in _CANNOT}
    # "Почему нельзя выбрать время заранее?", "Why do I have to enter my reg every time?": why the app or the booking
    # will not let the writer do something asks about a feature even unannounced.
    return announced | {
        token.sentence
        for token in tokens
        if token.norm in lexicon.QUESTION_COMPLAINTS
        and _FEATURE_WHY.match(lowered, token.start)
        and _sentence_ends_with_question(text, token.end)
    }


_CANNOT = frozenset({"нельзя", "невозможно", "cant", "cannot", "doesnt", "dont", "isnt"})
_FEATURE_WHY = re.compile(
    r"(?:why|почему|зачем)(?: в (?:приложении|заявке))?,? (?:"
    r"(?:нельзя|невозможно) (?:сразу |заранее |самому |самой )?[а-яё]+(?:ть|ти|ться)(?![а-яё])"
    r"|(?:do|must) (?:i|we) (?:have|need) to|do (?:i|we) have to|must (?:i|we)\b"
    r"|can'?t (?:i|we) (?:add|change|choose|pick|pay|see|edit|select|book|set|save|share|enter|use)\b"
    r"|(?:does|do) (?:the|your) (?:app|form|booking) (?:ask|make|need|want|require|keep asking)"
    r"|(?:мне )?(?:приходится|надо|нужно) каждый раз)",
)


def _sentence_ends_with_question(text: str, offset: int) -> bool:
    match = _SENTENCE_BREAK.search(text, offset)
    return match is not None and match.group() == "?"


def _price_mismatch(text: str, tokens: list[_Token], found: list[_Found]) -> list[_Found]:
    """Two different sums with no good word about the price ("the app said £45, the invoice came to £110"). When the
    larger sum is what other firms asked ("All the other recovery firms wanted £200+. You lot did it for £90"), the
    two are a comparison in the service's favour, a little good news about the price."""
    amounts = [cue for cue in found if cue.topic is Topic.PRICE and cue.weight == 0 and cue.sentence == -1]
    if len({re.sub(r"\D", "", text[cue.start : cue.end]) for cue in amounts}) < 2:
        return []
    if any(cue.topic is Topic.PRICE and cue.weight > 0 for cue in found):
        return []
    others = _others_asked(text, tokens, amounts)
    if others is not None:
        return [_Found(amounts[0].start, amounts[-1].end, 0, 0, 0.5 if others else 0.0, Topic.PRICE, -1)]
    return [_Found(amounts[0].start, amounts[-1].end, 0, 0, -0.8, Topic.PRICE, -1)]


_OTHER_FIRMS = re.compile(
    r"\b(?:other|others|everyone else|every other|another) ?(?:recovery |breakdown |tow(?:ing)? )?"
    r"(?:firms?|compan(?:y|ies)|outfits?|garages?|places?|services?|quotes?)?\b"
    r"|(?<![а-яё])(?:конкурент\w*|други[ехм]\w* (?:фирм\w*|компани\w*|служб\w*|эвакуатор\w*)|у других)",
    re.IGNORECASE,
)


def _sum_value(text: str, cue: _Found) -> float:
    digits = re.sub(r"[^\d.]", "", text[cue.start : cue.end].replace(",", "")).strip(".")
    try:
        return float(digits)
    except ValueError:
        return 0.0


def _others_asked(text: str, tokens: list[_Token], amounts: list[_Found]) -> bool | None:
    """None unless some sums are told in a sentence about other firms and the rest in sentences that are not; then
    whether the others asked more than this job cost."""
    if not tokens:
        return None
    about_others = {tokens[_token_at(tokens, match.start())].sentence for match in _OTHER_FIRMS.finditer(text)}
    theirs = [cue for cue in amounts if tokens[_token_at(tokens, cue.start)].sentence in about_others]
    ours = [cue for cue in amounts if cue not in theirs]
    if not theirs or not ours:
        return None
    return min(_sum_value(text, cue) for cue in theirs) > max(_sum_value(text, cue) for cue in ours)


_PAID_AMOUNT = re.compile(
    r"\b(?:paid|pay|charged|quoted|billed|call-?out|взяли|взял|назвали|назвал|заплатил\w*|списали|насчитали|выставили"
    r"|выезд|вызов|приложении (?:было|стояло|показывало|значилось)|app (?:said|showed|quoted))"
    # "вызов 21:40": a clock time, not a sum.
    r"\s+(?:me\s+|us\s+|мне\s+|с меня\s+)?(\d[\d .,]*\d)(?![\d%:])"
    # "App said 15 min": a time, not a sum.
    r"(?!\s*(?:min|hour|hr|h\b|мин|час|km|км|mile))",
    re.IGNORECASE,
)


# "£90 for that": a sum weighed against what was done.
_FOR_THAT = re.compile(r"\s*(?:for (?:that|this|nothing|what)|за (?:это|что|такое|ничего))\b", re.IGNORECASE)


def _symbol_cues(text: str) -> list[_Found]:
    """Sums of money (a mention of the price, with a currency or after "paid", "взяли"), emoji and emoticons."""
    found = [
        _Found(match.start(), match.end(), 0, 0, -1.0 if _FOR_THAT.match(text, match.end()) else 0.0, Topic.PRICE, -1)
        for match in _CURRENCY.finditer(text)
    ]
    covered = [(cue.start, cue.end) for cue in found]
    for match in _PAID_AMOUNT.finditer(text):
        if not any(start <= match.start(1) < end for start, end in covered):
            found.append(_Found(match.start(1), match.end(1), 0, 0, 0.0, Topic.PRICE, -1))
    for offset, char in enumerate(text):
        weight = lexicon.EMOJI.get(char)
        if weight is not None:
            found.append(_Found(offset, offset + 1, 0, 0, weight, Topic.PRAISE if weight > 0 else None, 0))
    for match in _EMOTICONS.finditer(text):
        positive = ")" in match.group() or "10" in match.group()
        found.append(
            _Found(match.start(), match.end(), 0, 0, 0.5 if positive else -0.5, Topic.PRAISE if positive else None, 0)
        )
    return found


_FEATURES = (Topic.COMMUNICATION, Topic.PRICE, Topic.SAFETY)


def _weightless(cue: "_Found") -> None:
    """The cue weighs nothing; the price, the app or safety it names is still named."""
    cue.weight = cue.base = 0.0
    if cue.topic not in _FEATURES:
        cue.topic = None


_PEOPLE = lexicon.word_set(
    """he she him her guy bloke lad man woman lady driver technician tech mechanic dispatcher operator service team
    staff trustloop job work он она его ее мастер водитель парень мужик мужчина девушка диспетчер оператор сервис
    служба работа"""
)


def _feature_praise(found: list[_Found], tokens: list[_Token]) -> None:
    """ "Tracking was brilliant", "Отслеживание на карте супер": a word of praise for one feature (the map, the price,
    the cones) is news about that feature, not praise of the people, unless its clause names them too."""
    for cue in found:
        if not cue.generic_praise or cue.thanks or cue.topic is not Topic.PRAISE or cue.sentence < 0:
            continue
        clause = tokens[cue.first_token].clause
        words = [token for token in tokens if token.clause == clause]
        feature = any(
            other.topic in _FEATURES and other.sentence >= 0 and tokens[other.first_token].clause == clause
            for other in found
        )
        if feature and not any(token.norm in _PEOPLE for token in words):
            cue.topic = None


_STATUS_WORDS = lexicon.STATUS_WORDS


def _app_status(found: list[_Found], tokens: list[_Token]) -> list[_Found]:
    """A false status from the app ("the push said he'd arrived", «в приложении написано „выполнено“») is a stall and
    news from the app at once: the app's word is named as communication too."""
    extra = []
    for cue in found:
        if cue.topic is not Topic.NO_SHOW_OR_STALL or cue.sentence < 0:
            continue
        for position in range(cue.first_token, cue.last_token + 1):
            if tokens[position].norm.startswith(_STATUS_WORDS):
                token = tokens[position]
                extra.append(
                    _Found(token.start, token.end, position, position, 0.0, Topic.COMMUNICATION, token.sentence)
                )
                break
    return extra


def _apply_sarcasm(found: list[_Found], tokens: list[_Token]) -> None:
    """Thanks or generic praise in a sentence that also holds a long wait after "only" or a strong complaint, with
    no "but" to set them apart, is sarcasm: "great, only 3 hours", "my alloy is kerbed now, thanks a lot"; so is
    such a word alone after a complaint: "My job was lost in the system. Brilliant."; or before one, when it is all the
    praise there is: "Brilliant. Absolutely brilliant. Three hours in the freezing cold."."""
    contrasted = {
        token.sentence for token in tokens if token.norm in lexicon.CONTRAST or token.norm in lexicon.CONCESSION
    }
    lengths: dict[int, int] = {}
    for token in tokens:
        lengths[token.sentence] = lengths.get(token.sentence, 0) + 1
    bare = [
        cue
        for cue in found
        if cue.generic_praise and cue.sentence >= 0 and lengths.get(cue.sentence, 0) <= 3 and not cue.thanks
    ]
    only_bare = not contrasted and all(cue in bare for cue in found if cue.weight > 0)
    for cue in bare if only_bare else ():
        later = sum(other.weight for other in found if other.sentence > cue.sentence and other not in bare)
        if later <= -1.2:
            cue.extra["sarcasm"] = 1.0
    for cue in found:
        if cue.extra.get("sarcasm") and cue.generic_praise:
            cue.weight = cue.base = -abs(cue.weight)
            cue.topic = None
            continue
        if not cue.generic_praise:
            continue
        following = tokens[cue.last_token + 1].norm if cue.last_token + 1 < len(tokens) and cue.sentence >= 0 else ""
        if following in _PEOPLE:
            continue  # "Great lad, shame about the 3 hour wait" praises the lad
        same_sentence = [other for other in found if other.sentence == cue.sentence and other is not cue]
        alone = sum(1 for token in tokens if token.sentence == cue.sentence) <= 2 and not same_sentence
        before = sum(other.weight for other in found if other.sentence == cue.sentence - 1)
        if (
            any(other.extra.get("sarcasm") for other in same_sentence)
            or (cue.sentence not in contrasted and any(_grievance(other) <= -1.0 for other in same_sentence))
            or (alone and before <= -0.9)
        ):
            cue.weight = cue.base = -abs(cue.weight)
            cue.topic = None


def _balanced(found: list[_Found]) -> None:
    """ "Не быстро и не медленно, не дёшево и не дорого", "Not cheap, not outrageous either": two denials side by side
    that pull opposite ways weigh nothing; the price, the app or safety they name is still named."""
    denials = sorted(
        (cue for cue in found if cue.extra.get("negated") and cue.weight != 0), key=lambda c: c.first_token
    )
    for one, other in itertools.pairwise(denials):
        if (
            one.sentence == other.sentence
            and 0 < other.first_token - one.last_token <= 3
            and (one.weight > 0) != (other.weight > 0)
        ):
            for cue in (one, other):
                _weightless(cue)


_REPORTING = re.compile(
    r"(?<![а-яё])(?:сказал\w*|говорил\w*|говорит|уверял\w*|пугал\w*|думал\w*|считал\w*)(?![а-яё])"
    r"|\b(?:said|says|told me|reckoned|insisted|warned me|thought|assumed)\b"
)
_PROVED_WRONG = re.compile(
    r"(?<![а-яё])(?:ошиб(?:ся|лась|лись)|неправ[аы]?|не прав[аы]?|переубедил\w*|разубедил\w*)(?![а-яё])"
    r"|\b(?:was|were|is|are) (?:dead |so |quite )?wrong\b|\bproved (?:me|them|him|her|it|that) wrong\b"
)


def _claims_proved_wrong(lowered: str, tokens: list[_Token], found: list[_Found]) -> list[_Found]:
    """ "Сосед сказал, что вы дерёте втридорога. Сосед ошибся": a complaint someone else made, that the writer then
    says was wrong, weighs nothing (the price or the app it names is still named), and the denial is a little good
    news."""
    denials: list[_Found] = []
    for match in _PROVED_WRONG.finditer(lowered):
        position = _token_at(tokens, match.start())
        sentence = tokens[position].sentence
        reported = [token for token in tokens if token.sentence == sentence - 1]
        if not reported or not _REPORTING.search(lowered, reported[0].start, reported[-1].end):
            continue
        claims = [cue for cue in found if cue.sentence == sentence - 1 and cue.weight < 0]
        for cue in found:
            if cue.weight < 0 and match.start() <= cue.start < match.end():
                cue.weight = cue.base = 0.0  # "He was wrong" is the denial, not a complaint
        for cue in claims:
            _weightless(cue)
        if claims:
            denials.append(_Found(match.start(), match.end(), position, position, 0.5, None, sentence))
    return denials


_REGRET = ("жале", "жалел", "пожалел", "regret")


def _not_regretted(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Ничуть не жалею, что переплатила за срочный вызов", "Don't regret paying extra": what the writer does not
    regret is no complaint (the price it names is still named)."""
    for position, token in enumerate(tokens):
        if not token.norm.startswith(_REGRET) or not any(
            tokens[other].norm in lexicon.NEGATORS and tokens[other].sentence == token.sentence
            for other in range(max(0, position - 2), position)
        ):
            continue
        for cue in found:
            if cue.sentence == token.sentence and cue.first_token > position and cue.weight < 0:
                _weightless(cue)


# "Дороговато? Может быть. Но...", "Slow? Maybe a bit. But...": a complaint the writer asks, grants and turns from.
_CONCEDED = re.compile(
    r"\?\s*(?:может быть|может|возможно|пожалуй|наверное|немного|чуть-чуть|слегка|maybe|perhaps|possibly|probably"
    r"|a bit|a little|slightly|sure|fair)(?: (?:a bit|a little|немного|чуть-чуть))?\s*[.!,…]+\s*(?:but|но|однако|зато)\b",
    re.IGNORECASE,
)


def _conceded(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    for match in _CONCEDED.finditer(lowered):
        sentence = tokens[_token_at(tokens, max(0, match.start() - 1))].sentence
        for cue in found:
            if cue.sentence == sentence and cue.weight < 0:
                cue.base = cue.weight if cue.base is None else cue.base
                cue.weight = 0.0


def _grievance(cue: _Found) -> float:
    """How much a cue complains about the service: fear on the road side is about the place, not the technician
    ("thanks for coming so fast, I was terrified"), so it does not make thanks sarcastic."""
    return 0.0 if cue.topic is Topic.SAFETY else cue.weight


_QUESTION_OPENERS = lexicon.word_set(
    """is are was does do did can could will would should how what when where which any anyone anybody
    сколько можно подскажите скажите как когда где если есть ли а будет входит покрывает что"""
)
_SUGGESTION = re.compile(
    r"\b(?:would|it'?d|it would) be (?:nice|great|good|helpful|handy|better|useful)\b|\bcould you (?:add|make|let)\b"
    r"|\b(?:it )?would help\b|\bany chance\b|\b(?:would|i'?d) love (?:a|an|to|it if)\b|\bтак удобнее\b"
    r"|\bplease (?:add|make|let)\b|\b(?:you should|maybe|suggest(?:ion)?:?) (?:add|make|let|have)\b"
    r"|было бы (?:удобно|хорошо|здорово|неплохо|отлично|классно|полезно)|\bсделайте\b|\bдобавьте\b"
    r"|хотелось бы|хорошо бы|неплохо бы|предлагаю|пожелание|\bsuggestion\b|(?<![а-яё])предложение(?![а-яё])"
    r"|\bwant(?:ed)? to know\b|\bwondering\b|хотел\w* бы узнать"
    r"|\b(?:small |one |my )?wish:|\bit'?d help\b|(?<![а-яё])мечта:",
    re.IGNORECASE,
)


def _calm_questions_and_suggestions(text: str, lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """A question ("Is the callout fee refunded if...?", "Можно ли поменять адрес?") or a suggestion ("Would be nice
    if the app...", "Сделайте, пожалуйста...") neither praises nor complains: its words keep their topics but weigh
    nothing, unless one is a strong complaint ("Can anyone tell me why I was charged twice?")."""
    calm: set[int] = set()
    sentences: dict[int, list[_Token]] = {}
    for token in tokens:
        sentences.setdefault(token.sentence, []).append(token)
    announced = _announced_questions(text, tokens)
    for sentence, words in sentences.items():
        opener = words[0].norm
        question = sentence in announced or (
            _sentence_ends_with_question(text, words[-1].end)
            and (opener in _QUESTION_OPENERS or any(token.norm in _ASKING for token in words))
            and not any(token.norm in lexicon.QUESTION_COMPLAINTS for token in words)
        )
        if question or _SUGGESTION.search(lowered, words[0].start, words[-1].end):
            calm.add(sentence)
    # The last sentence after a question or a wish tells why it was asked: "...можно заказать? В приложении такого
    # пункта не нашёл", "Small wish: the app could remember my car. Typing the reg with frozen fingers isn't fun".
    last = max(sentences, default=-1)
    if last - 1 in calm and last not in calm:
        explaining = [cue for cue in found if cue.sentence == last]
        if explaining and all(-1.2 < cue.weight <= 0 and not cue.extra.get("minutes") for cue in explaining):
            calm.add(last)
    for cue in found:
        if cue.sentence in calm and cue.extra.get("wait") and 0 < cue.extra.get("minutes", 0) <= 120:
            # "Is it normal to wait over an hour on a Sunday?" states the wait and asks about it.
            cue.base = cue.weight if cue.base is None else cue.base
            cue.weight = 0.0
        elif cue.sentence in calm and cue.topic in (Topic.SAFETY, Topic.PRICE) and cue.weight < 0:
            # "Добавьте кнопку «я в опасном месте»": a danger named in a wish is what the wish is for; "is there a
            # surcharge?", "это нормально или дорого?" ask about the price.
            cue.base = cue.weight if cue.base is None else cue.base
            cue.weight = 0.0
        elif cue.sentence in calm and (cue.base if cue.base is not None else cue.weight) > -1.2:
            cue.weight = cue.base = 0.0
            if cue.topic in COMPLAINT_TOPICS or cue.topic is Topic.PRAISE:
                cue.topic = None
    # A question or a wish about the app is about what it tells the driver and the technician.
    for position, token in enumerate(tokens):
        if token.sentence in calm and (token.norm in _APP_WORDS or token.norm.startswith(_CONTACT_STEMS)):
            found.append(_Found(token.start, token.end, position, position, 0.0, Topic.COMMUNICATION, token.sentence))


# "ли" asks ("Можно ли..."); "или" asks to choose ("это нормально или дорого?").
_ASKING = frozenset({"ли", "или"})
_APP_WORDS = frozenset({"app", "apps", "app's", "ring", "call", "phone", "text", "chat", "sms", "eta"})
_CONTACT_STEMS = ("приложени", "notif", "звон", "телефон", "связ", "смс", "чат", "уведомл")


_AS_PROMISED = re.compile(
    r"\bas (?:promised|expected|quoted|agreed|estimated|(?:the app|they|he|she|it|dispatch) (?:had )?"
    r"(?:said|told me|promised|showed|estimated))\b|\bwhich (?:is|was) (?:what|exactly what) (?:the app|they|he|she|it)"
    r"|как (?:и )?(?:обещали|обещал|сказали|сказал|говорили|было обещано|было указано|показывало|писали|написали|указали|договаривались)"
    r"|(?<![а-яё])так и (?:показывал\w*|обещал\w*|говорил\w*|писал\w*)",
    re.IGNORECASE,
)


_WAIT_ACCEPTED = re.compile(
    r"\bwhich (?:is|was) (?:fine|ok|okay|reasonable|acceptable|not bad|fair|expected)\b|\bfair enough\b"
    r"|\bno (?:big deal|drama|biggie|bother)\b|\bnot a (?:problem|big deal)\b"
    r"|(?<![а-яё])(?:нормально|приемлемо|терпимо|неплохо|простительно|не страшно|не критично|без драмы"
    r"|ничего страшного)(?![а-яё])"
    # "час двадцать, это ещё быстро для пятницы", "which is quick for a Sunday": the wait measured against the day.
    r"|\b(?:which|that)(?:'s| is| was) (?:still |actually |pretty |quite )?(?:quick|fast|good|not bad|decent) for\b"
    r"|(?<![а-яё])(?:это|что) (?:ещ[её]|вполне|даже) (?:быстро|неплохо|нормально)(?![а-яё])"
    r"|(?<![а-яё])(?:это )?по-честному|(?<![а-яё])(?:это )?справедливо(?![а-яё])",
    re.IGNORECASE,
)
# A wait the writer had guessed longer, which may follow in a sentence of its own: "Fifty minutes, at rush hour. I'd
# have guessed double", "Час. Думала, будет дольше".
_WAIT_UNDER_GUESS = re.compile(
    r"\b(?:i'?d|i would|we'?d) have (?:guessed|expected|bet on|said) (?:double|twice|longer|more|an hour|hours)\b"
    r"|думал[аи]?,? (?:что )?(?:будет )?(?:дольше|вдвое дольше)",
    re.IGNORECASE,
)


def _strong(cue: "_Found") -> bool:
    """A complaint too strong to shrug off: a wait of an hour and a half or more, or a strong word other than a plain
    "late" ("Опоздал на 15 минут, ничего страшного" shrugs the lateness off; "Waited 3 hours, which is fine I guess"
    does not)."""
    base = cue.base if cue.base is not None else cue.weight
    return cue.extra.get("minutes", 0) >= 90 or (base <= -1.3 and cue.topic is not Topic.LATE)


def _opens_sentence(tokens: list[_Token], position: int) -> bool:
    return position == 0 or tokens[position - 1].sentence != tokens[position].sentence


_ETA_NEWS = re.compile(r"said|told|promised|showed|estimated|app|обещ|сказал|говорил|показывал|писал")


def _waits_as_promised(lowered: str, tokens: list[_Token], found: list[_Found]) -> list[_Found]:
    """A wait that matched what the app or the dispatcher promised is no lateness ("arrived after about 50 minutes,
    as the app had said"); the promise kept is news about the ETA. A wait under an hour the writer calls fine
    ("Waited 35 minutes, which is fine for a Saturday night") is none either."""
    accepted = [(match, False) for match in _WAIT_ACCEPTED.finditer(lowered)]
    accepted += [(match, True) for match in _WAIT_UNDER_GUESS.finditer(lowered)]
    for match, reaching_back in accepted:
        position = _token_at(tokens, match.start())
        sentence = tokens[position].sentence
        reach = (sentence, sentence - 1) if reaching_back and _opens_sentence(tokens, position) else (sentence,)
        complaints = [cue for cue in found if cue.sentence in reach and cue.weight < 0]
        if not any(cue.extra.get("wait") or cue.topic is Topic.LATE for cue in complaints) or any(
            _strong(cue) for cue in complaints
        ):
            continue  # "Waited 3 hours, which is fine I guess" is no acceptance
        for cue in complaints:
            # The complaint weighs nothing; a stated wait of about an hour is still named ("Waited about an hour
            # in a warm café, no drama").
            cue.base = cue.weight if cue.base is None else cue.base
            cue.weight = 0.0
            if cue.topic is Topic.LATE and cue.extra.get("wait") and cue.extra.get("minutes", 0) < 50:
                cue.topic = None
    extra: list[_Found] = []
    # "ETA said 45 min, he came in 45 min": the same wait promised and then kept.
    waits = [cue for cue in found if cue.topic is Topic.LATE and cue.extra.get("minutes")]
    promised = {token.sentence for token in tokens if token.norm in _PROMISES}
    for cue in waits:
        twins = [other for other in waits if other is not cue and other.extra["minutes"] == cue.extra["minutes"]]
        if twins and (cue.sentence in promised or any(other.sentence in promised for other in twins)):
            cue.weight = cue.base = 0.0
            cue.topic = None
            if cue.sentence in promised:
                extra.append(
                    _Found(cue.start, cue.end, cue.first_token, cue.last_token, 0.0, Topic.COMMUNICATION, cue.sentence)
                )
    for match in _AS_PROMISED.finditer(lowered):
        index = _token_at(tokens, match.start())
        sentence = tokens[index].sentence
        waits = [cue for cue in found if cue.sentence == sentence and cue.topic is Topic.LATE and cue.extra.get("wait")]
        for cue in waits:
            cue.weight = cue.base = 0.0
            cue.topic = None
        if waits or _ETA_NEWS.search(match.group()):
            last = _token_at(tokens, match.end() - 1)
            extra.append(_Found(match.start(), match.end(), index, last, 0.0, Topic.COMMUNICATION, sentence))
    return extra


_HOME = frozenset({"home", "дома", "домой"})


def _journeys_are_not_waits(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Home within the hour", "Дома были через час": a duration in a sentence about getting home measures the whole
    trip, not a wait for the technician."""
    homeward = {token.sentence for token in tokens if token.norm in _HOME}
    for cue in found:
        homeward_wait = cue.sentence in homeward and cue.topic is Topic.LATE and cue.extra.get("wait")
        if homeward_wait and not tokens[cue.first_token].norm.startswith(_WAIT_STEMS):
            cue.weight = cue.base = 0.0
            cue.topic = None


_VERDICT_WORDS = {
    "тройка": 0,
    "троечка": 0,
    "трояк": 0,
    "двойка": -1,
    "единица": -1,
    "четверка": 1,
    "четверочка": 1,
    "пятерка": 1,
    "one": -1,
    "two": -1,
    "three": 0,
    "four": 1,
    "five": 1,
    "один": -1,
    "одна": -1,
    "две": -1,
    "два": -1,
    "три": 0,
    "четыре": 1,
    "пять": 1,
}
_VERDICT = re.compile(
    r"(?<![\d/.,])(?P<stars>[0-5]|one|two|three|four|five|один|одна|две|два|три|четыре|пять)\s?"
    r"(?:stars?|\*|⭐|зв[её]зд\w*|из 5|/\s?5(?!\d))|(?<![\d/.,])(?P<tens>\d{1,2})\s?(?:/\s?|из |out of )10(?!\d)"
    r"|(?P<even>not (?:great|good),? (?:but )?not (?:terrible|awful|bad)|ни хорошо,? ни плохо|ни плохо,? ни хорошо"
    r"|evens? (?:it )?out|swings and roundabouts|ни рыба,? ни мясо)"
    # "Bit of a mixed one. Arrived quickly, but...": a verdict that comes out even, whose "but" is the mixture.
    r"|(?P<mixed>\bmixed (?:one|bag|experience|feelings)\b|смешанн\w* (?:чувств\w*|впечатлени\w*)|двоякое впечатление)"
    r"|^\s*(?P<solo>один|одна|два|две|три|четыре|пять|one|two|three|four|five)(?=\s*[.!])"
    # "Поставлю 5, хотя...", "Оценка 4", "I'd give it a 4": a mark given without its scale.
    r"|(?<![а-яё])(?:поставлю|ставлю|поставила?|оценка|оценку|моя оценка)\s*:?\s*(?P<given>[1-5])"
    r"(?![\d/.,]?\d|\s*(?:из|/|звезд|зв[её]зд))"
    r"|\bi'?d give (?:it|them|him|her|you) (?:a )?(?P<given_en>[1-5])(?![\d/.,]?\d|\s*(?:/|out of|stars?))"
    r"|(?<!\w)(?P<word>тройка|троечка|трояк|двойка|единица|четв[её]рка|четв[её]рочка|пят[её]рка)(?!\w)",
    re.IGNORECASE,
)


_COUNTERFACTUAL = re.compile(r"(?:would|could)(?:'ve| have)? been\s*$|(?:было|были|поставил\w*) бы\s*$")


_LATER_CONTRAST = re.compile(r"\b(?:but|however)\b|(?<![а-яё])(?:но|однако|зато)(?![а-яё])")


def _verdicts(lowered: str) -> list[_Found]:
    """An explicit mark decides the sentiment: "3 stars", "Тройка", "6/10"; below the middle is negative."""
    found = []
    for match in _VERDICT.finditer(lowered):
        if _COUNTERFACTUAL.search(lowered, max(0, match.start() - 24), match.start()):
            # "Would've been 5 stars if the pushes worked": short of the mark, and no praise.
            found.append(_Found(match.start(), match.end(), 0, 0, 0.0, None, -1, extra={"verdict": 0.5}))
            continue
        if match.group("even") is not None or match.group("mixed") is not None:
            if match.group("even") is not None and _LATER_CONTRAST.search(lowered, match.end()):
                continue  # "Not great, not terrible, but the 3 hour wait was awful"
            found.append(_Found(match.start(), match.end(), 0, 0, 0.0, None, -1, extra={"verdict": 0.0, "top": 0.0}))
            continue
        key = ""
        if match.group("tens") is not None:
            tens = int(match.group("tens"))
            value = -1 if tens <= 4 else 0 if tens <= 6 else 1
        else:
            key = (
                match.group("stars")
                or match.group("word")
                or match.group("solo")
                or match.group("given")
                or match.group("given_en")
                or ""
            ).replace("ё", "е")
            value = (-1 if int(key) <= 2 else 0 if key == "3" else 1) if key.isdigit() else _VERDICT_WORDS[key]
        top = (
            match.group(0).startswith(("5", "five", "пять", "10"))
            or (match.group("word") or "").startswith("пят")
            or key == "5"
        )
        extra = {"verdict": float(value), "top": 1.0 if top else 0.0}
        found.append(_Found(match.start(), match.end(), 0, 0, float(value), None, -1, extra=extra))
    return found


_EXCULPATION = re.compile(
    r"\bnot (?:your|their|his|her|the driver'?s|the technician'?s) fault\b|\bno fault of\b"
    r"|(?<![а-яё])не (?:ваша|ваш|их|его)(?: вина| проблема)?(?![а-яё])|не по (?:вашей|их|его) вине|вы не виноват"
    r"|\bmy (?:own )?fault,? (?:really|honestly)\b|\bmy own fault\b|\bmy bad\b"
    r"|виноват\w*(?: \w+)?,? (?:а )?не (?:он|она|они|мастер|водитель)(?![а-яё])"
    r"|\bfault,? not (?:his|hers|theirs|yours|the driver'?s)\b"
    # "that's not on you lot", "that's on the car not him", "the problem was entirely the car's".
    r"|\bnot on (?:you|you lot|you guys|him|her|them|the driver|the tech\w*)\b|\bon the car,? not (?:him|her|them|you)\b"
    r"|\b(?:problem|issue|fault) was (?:\w+ )?(?:the|my) car'?s\b"
    # "Претензии к АЗС, не к вам", "Insurance company was a nightmare, but that's on them".
    r"|(?<![а-яё])не к вам(?![а-яё])|\b(?:that'?s|that is|that was) on them\b",
    re.IGNORECASE,
)
# Blame the writer takes for one part of the story: "my own stupid fault", "сам дурак", "totally on me".
_SELF_BLAME = re.compile(
    r"\bmy own \w+ fault\b|\bmy (?:stupid |silly )?fault for\b|сам(?:а)? (?:дура|дурак|балда|виноват)"
    r"|\b(?:that'?s|totally|all|entirely|completely) on me\b|моя (?:вина|ошибка)|\bmy (?:own )?mistake\b"
    r"|\bi (?:gave|put|entered|typed) (?:him |them |it )?the wrong\b"
    r"|(?<![а-яё])(?:я )?сам(?:а)? (?:дал[аи]?|указал[аи]?|перепутал[аи]?|забыл[аи]?|не заметил[аи]?)(?![а-яё])"
    # "My own stupidity, left the keys in", "я сама проколола колесо".
    r"|\bmy own (?:stupidity|doing|silliness)\b|\b(?:my|pure) stupidity\b"
    # "Left it a bit late to call, sat in the cold for an hour trying to sort it myself".
    r"|\bleft it (?:a bit |a little |too |far too |rather )?late\b"
    r"|(?<![а-яё])я сам(?:а)? (?:\w+ )?(?:проколол\w*|пробил\w*|оставил\w*|захлопнул\w*|разрядил\w*|посадил\w*)"
    # "My fault entirely, left the lights on", "Сел аккумулятор, мой косяк": the blame opening its sentence or clause.
    r"|(?:^|(?<=[.!?…\n])|(?<=[.!?…\n] ))my (?:own )?fault\b(?! (?:is|was) (?:that|to|for)\b)"
    r"|(?<![а-яё])(?:мой|сам(?:а)?) (?:косяк|промах|накосячил\w*)(?![а-яё])",
)


_MINOR = re.compile(
    r"\b(?:only|one|minor|small|tiny|slight) (?:gripe|niggle|complaint|issue|thing|downside|minus|quibble)\b"
    r"|единственн\w*(?: (?:минус|замечани\w*|претензи\w*|недостат\w*))?|(?<=[,—-]) ?только(?![а-яё])|мелочь",
    re.IGNORECASE,
)


def _minor_complaints(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Solid service, only gripe is the app kept logging me out", "Всё хорошо, только приложение выкидывает": a
    complaint the writer calls the only one, after good words, weighs less."""
    for match in _MINOR.finditer(lowered):
        position = _token_at(tokens, match.start())
        sentence = tokens[position].sentence
        praised = any(cue.weight > 0 and cue.sentence in (sentence, sentence - 1) for cue in found)
        if not praised:
            continue
        for cue in found:
            if cue.weight < 0 and cue.sentence == sentence and cue.first_token >= position:
                cue.base = cue.weight if cue.base is None else cue.base
                cue.weight *= 0.4


# "Мастер сказал, что я сама виновата": blame reported, not taken.
_REPORTED = re.compile(r"(?:said|told me|blamed|claimed|сказал\w*|заявил\w*|намекнул\w*)\W+(?:\w+\W+){0,3}$")


def _exculpate(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Battery died again a week later, but that's the battery, not your fault": a complaint the writer excuses
    is still named, but does not weigh. Blame the writer takes for one part ("Keys locked in the boot, my own stupid
    fault") excuses that sentence only: "My fault for trusting your app. Never again." still complains. A "but" after
    the excuse brings a complaint it does not cover: "I know it's not your fault the car died but 4 hours is
    ridiculous"."""
    excuses = [
        match
        for match in _EXCULPATION.finditer(lowered)
        if not _REPORTED.search(lowered, max(0, match.start() - 40), match.start())
    ]
    whole = bool(excuses)
    resumed = min(
        (_resumed_after(tokens, _token_at(tokens, match.end() - 1)) for match in excuses),
        default=len(tokens),
    )
    blamed = [
        match
        for match in _SELF_BLAME.finditer(lowered)
        if not _REPORTED.search(lowered, max(0, match.start() - 40), match.start())
    ]
    # The blame covers its sentence up to a "but" after it: "Мой косяк, но мастер мог бы и предупредить" complains.
    blamed_until: dict[int, int] = {}
    for match in blamed:
        position = _token_at(tokens, match.start())
        sentence = tokens[position].sentence
        blamed_until[sentence] = max(blamed_until.get(sentence, 0), _resumed_after(tokens, position))
    for cue in found:
        excused = whole and not (cue.sentence >= 0 and resumed <= cue.first_token)
        own = cue.sentence in blamed_until and cue.first_token < blamed_until[cue.sentence]
        if cue.weight < 0 and (excused or own):
            cue.base = cue.weight if cue.base is None else cue.base
            cue.weight = 0.0
            if any(match.start() <= cue.start < match.end() for match in blamed):
                cue.topic = None  # "My fault entirely", "мой косяк": the blame itself names no fault of the job


def _resumed_after(tokens: list[_Token], position: int) -> int:
    """The index of the first "but" after `position` in its sentence, or past the end."""
    sentence = tokens[position].sentence
    return next(
        (
            other
            for other in range(position + 1, len(tokens))
            if tokens[other].norm in lexicon.CONTRAST and tokens[other].sentence == sentence
        ),
        len(tokens),
    )


_EXCUSE = re.compile(
    r"\b(?:totally |completely |perfectly |very )?understandable\b|\bi (?:totally |completely )?(?:get|understand) "
    r"(?:it|that|why)\b|\bcan'?t (?:really )?blame (?:him|her|them|anyone)\b|\bnobody'?s fault\b"
    r"|\bi (?:know|realise|realize|appreciate) (?:it was|it's|they were|they're|you were|you're) (?:a )?busy\b"
    r"|\b(?:wasn'?t|not) expecting miracles\b|\bno surprise\b|\bto be expected\b"
    r"|\b(?:didn'?t|did not|wasn'?t|not) expect(?:ing)? (?:\w+ ){0,2}(?:sooner|quicker|faster|earlier)\b"
    r"|ничего удивительного|(?<![а-яё])не ?удивительно|быстрее (?:и )?не (?:ждал\w*|ожидал\w*)"
    r"|\b(?:they|he|she|dispatch) warned (?:me|us) (?:\w+ ){0,4}(?:busy|delays?|long|queue|backlog)\b"
    r"|(?<!не )(?<![а-яё])предупредил[иа]?,? (?:что|о|об|про) (?:[\w-]+ ){0,3}(?:долг|задерж|загруж|пробк|очеред|занят)"
    r"|чудес не ждал\w*|(?<![а-яё])ожидаемо(?![а-яё])"
    r"|иначе никак|ни при ч[её]м|(?<![а-яё])(?:всё|все|вполне) понятно"
    r"|(?:выбирать|выбора) не (?:приходится|приходилось|было)|выхода не было|не было выхода|деваться (?:было )?некуда"
    r"|\bno (?:other )?(?:choice|option)\b|\bhad no (?:other )?(?:choice|option)\b"
    r"|(?<![а-яё])понимаю(?![а-яё])|никто не виноват|не винов[аы]т"
    r"|(?:так что|поэтому),? (?:никаких )?(?:вопросов|претензий)(?: нет| ноль| никаких)?(?![а-яё])|\bso no complaints\b",
)


def _excused(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Took over an hour but it was sleeting, so I get it", "Ждали 2 часа, но мастер ни при чём": a complaint the
    writer explains away is still named but weighs nothing, unless a "but" after the excuse brings a new one ("I
    understand it's busy, but 3 hours..." still complains)."""
    for match in _EXCUSE.finditer(lowered):
        position = _token_at(tokens, match.start())
        sentence = tokens[position].sentence
        resumed = next(
            (
                other
                for other in range(position + 1, len(tokens))
                if tokens[other].norm in lexicon.CONTRAST and tokens[other].sentence == sentence
            ),
            len(tokens),
        )
        for cue in found:
            shrug = cue.sentence == sentence + 1 and any(
                token.norm in _INDIFFERENT for token in tokens if token.sentence == cue.sentence
            )
            if cue.weight < 0 and ((0 <= cue.sentence <= sentence and cue.first_token < resumed) or shrug):
                cue.base = cue.weight if cue.base is None else cue.base
                cue.weight = 0.0


_PLANNED_TOW = re.compile(
    r"на месте|on the spot|(?:at|by) the (?:roadside|side of the road)|\broadside\b|needed a garage|нужен сервис"
    r"|what i (?:asked|wanted|needed) for|as i asked|как (?:и )?просил",
)
_ONGOING = lexicon.word_set(
    """again still after anyway later then couldnt cant cannot unable опять снова всё все равно так после потом
    через смог смогли смог мог могли может"""
)
_STARTING = ("start", "restart", "crank", "turn", "завел", "завод", "схват")
_STALLING = ("stall", "cut", "conk", "заглох", "глох")
# "after" names the service only when what follows it does: "wouldn't start after his jump", not "after the ferry".
_AFTER = frozenset({"after", "после"})
_SERVICE_ACTS = (
    "jump", "fix", "visit", "repair", "tow", "his", "her", "your", "their", "he", "she", "they", "him", "them",
    "прикур", "ремонт", "визит", "его", "он", "она", "они", "ваш", "вас", "мастер", "отъезд", "замен", "зарядк",
)  # fmt: skip


def _ongoing(tokens: list[_Token], token: _Token) -> bool:
    """A word saying the trouble went on after someone had come ("again", "still", "потом", "after his jump")."""
    if token.norm not in _ONGOING:
        return False
    if token.norm not in _AFTER:
        return True
    index = tokens.index(token)
    return any(other.norm.startswith(_SERVICE_ACTS) for other in tokens[index + 1 : index + 4])


def _that_is_all(tokens: list[_Token], index: int) -> bool:
    """ "заглохла и всё": "всё" ends the story here, it is not "всё равно" or "всё ещё"."""
    following = tokens[index + 1].norm if index + 1 < len(tokens) else ""
    return tokens[index].norm == "все" and following not in ("равно", "еще")


def _own_breakdown(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """The driver's own breakdown told as a failure is no failed fix: "Не завелась утром, ...", "Car wouldn't start, he
    ..." opening the comment before anyone came; and "couldn't be fixed on the spot, towed to a garage" is the planned
    tow, not a repair that failed."""
    planned = {tokens[_token_at(tokens, match.start())].sentence for match in _PLANNED_TOW.finditer(lowered)}
    cutoff = next(
        (
            index
            for index, token in enumerate(tokens)
            if token.sentence > 0 or token.norm in _SERVICE_PEOPLE or token.norm.startswith(_ARRIVALS)
        ),
        len(tokens),
    )
    opening_words = tokens[:cutoff]
    # "Двигатель застучал и заглох", "машина заглохла на светофоре и всё, не заводится": the car stalling or not
    # starting, told in the opening sentence before anyone from the service is named, is the breakdown itself.
    # Denials of the service's faults ("Не хамил, не опоздал, но и машину не завёл") tell of the help already there.
    before_help = not any(
        _ongoing(tokens, token) and not _that_is_all(tokens, index) for index, token in enumerate(opening_words)
    ) and not any(cue.extra.get("denial") and cue.first_token < cutoff for cue in found if cue.sentence == 0)
    for cue in found:
        if cue.topic is not Topic.NOT_FIXED or cue.weight >= 0 or cue.sentence < 0:
            continue
        span = tokens[cue.first_token : cue.last_token + 1]
        clause = [token for token in tokens if token.clause == tokens[cue.first_token].clause]
        starting = any(token.norm.startswith(_STARTING) for token in span)
        opening = (
            tokens[cue.first_token].clause == 0
            and starting
            and not any(_ongoing(tokens, token) or token.norm in _SERVICE_PEOPLE for token in clause)
        ) or (
            before_help
            and cue.last_token < cutoff
            and (starting or any(token.norm.startswith(_STALLING) for token in span))
        )
        if cue.sentence in planned or opening:
            cue.weight = cue.base = 0.0
            cue.topic = None
    # "Snapped a fan belt on the way to work", "Треснул патрубок, потекло всё", "Hit a pothole and bent the rim": an
    # opening sentence about a part of the car or the driver's own mishap, before anyone came, tells the breakdown.
    told = any(token.norm.startswith(_OWN_TROUBLE) for token in opening_words) and any(
        token.norm.startswith(_GAVE_WAY) for token in opening_words
    )
    if not told or any(token.norm in _CAUSES for token in tokens if token.sentence == 0):
        return  # "The belt snapped because he over-tightened it" blames him
    for cue in found:
        if (
            cue.sentence == 0
            and cue.last_token < cutoff
            and cue.weight < 0
            and cue.topic in (None, Topic.DAMAGE, Topic.NOT_FIXED, Topic.NO_SHOW_OR_STALL)
        ):
            if cue.topic is None and cue.base is not None and cue.base <= -1.2:
                continue  # "Clutch went, absolutely terrible day" keeps its feeling
            cue.weight = cue.base = 0.0
            cue.topic = None


# Damage the writer says the car already had: "that was there before", "это было ещё до вызова".
_ALREADY_THERE = re.compile(
    r"\b(?:that|it|which|they|this|those)(?:'s| was| were| had been| has been| have been) (?:already )?there"
    r"(?: before| already)\b|\b(?:was|were) already there\b"
    r"|(?<![а-яё])(?<!не )(?:было|были|был|была) (?:ещ[её] |уже )?до (?:этого|того|вызова|приезда|него|вас)(?![а-яё])"
    r"|(?<![а-яё])(?<!не )(?:было|были|был|была) уже раньше(?![а-яё])"
)


_IN_DOUBT = re.compile(
    r"\b(?:if|whether|maybe|perhaps)\s*$|(?<![а-яё])(?:уверен\w*|может|вроде|наверное),?\s*(?:что\s*)?$"
)


def _already_there(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Slight scuff on the bumper but that was there before": damage the writer says the car already had is not
    damage done by the job. Told as what someone else said ("he said it was there before") it still complains."""
    for match in _ALREADY_THERE.finditer(lowered):
        if _REPORTED.search(lowered, max(0, match.start() - 40), match.start()):
            continue
        if _IN_DOUBT.search(lowered, max(0, match.start() - 25), match.start()):
            continue  # "not sure if it was there before" still suspects the job
        sentence = tokens[_token_at(tokens, match.start())].sentence
        for cue in found:
            if cue.sentence == sentence and cue.topic is Topic.DAMAGE and cue.weight < 0:
                cue.weight = cue.base = 0.0
                cue.topic = None


_OWN_TROUBLE = (
    "belt", "hose", "radiator", "clutch", "gearbox", "alternator", "exhaust", "pipe", "suspension", "spring", "pothole",
    "ремен", "ремн", "патруб", "шланг", "радиатор", "сцеплен", "коробк", "генератор", "глушител", "подвеск", "пружин",
    "ям", "бордюр", "кочк", "handbrake", "ручник", "rim", "диск", "nail", "debris",
    "гвозд", "железяк",
)  # fmt: skip
# The verbs of a part giving way or of the driver's own mishap: "snapped", "went", "hit a pothole", "лопнул", "пробил".
_GAVE_WAY = (
    "snap", "went", "gone", "pack", "burst", "blew", "died", "hit", "split", "fell", "порвал", "лопнул", "треснул",
    "полетел", "сломал", "накрыл", "пробил", "наехал", "влетел", "отвалил", "froze", "frozen", "примерз", "shred",
    "погнул",
)  # fmt: skip
_CAUSES = lexicon.word_set("because cause since when after потому из-за после когда")
_ARRIVALS = ("came", "come", "arriv", "show", "turned", "приех", "пришел", "пришла", "появ", "подъех", "tow", "эваку")
_SERVICE_PEOPLE = _PEOPLE - {"work", "job", "работа"}


def _fear_before_help(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Колесо спустило на мосту, было страшновато. Мастер выставил знак...": fear on the road side told before anyone
    came is the driver's situation, not a complaint about the help; it weighs half (and is still named), and nothing
    when the help is told apart from it, in a later sentence or after a "but". The measures the help then took
    ("Страшновато было на обочине, но мастер выставил знак и конусы") answer the fear: they are good news."""
    helper = _help_arrives(tokens)
    if helper is None:
        _fear_beside_thanks(tokens, found)
        return
    feared = False
    for cue in found:
        if cue.topic is Topic.SAFETY and cue.weight < 0 and cue.sentence >= 0 and cue.last_token < helper:
            cue.base = cue.weight if cue.base is None else cue.base
            apart = cue.sentence < tokens[helper].sentence or any(
                _contrasting(tokens, index) for index in range(cue.last_token + 1, helper)
            )
            cue.weight = 0.0 if apart else cue.weight * 0.5
            feared = True
    for cue in found:
        if (
            feared
            and cue.topic is Topic.SAFETY
            and 0 <= cue.weight < 0.8
            and cue.first_token > helper
            and not cue.extra.get("negated")
            and any(token.norm.startswith(_MEASURES) for token in tokens[cue.first_token : cue.last_token + 1])
        ):
            cue.weight = 0.8


_FEAR_STEMS = (
    "scar", "terrif", "frighten", "afraid", "panick", "nervous", "shak", "страш", "боял", "побоял", "испуг", "жутк",
    "напуган", "паник",
)  # fmt: skip


def _fear_conceded(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Ни царапины, хотя я переживала", "Came back without a mark, though I was worried": a fear told in a
    concession after good news or a denied complaint is a fear that did not come true."""
    for position, token in enumerate(tokens):
        if token.norm not in lexicon.CONCESSION or position == 0 or tokens[position - 1].clause == token.clause:
            continue
        clause = [index for index in range(position, len(tokens)) if tokens[index].clause == token.clause]
        if not any(tokens[index].norm in _FEARING or tokens[index].norm.startswith(_FEAR_STEMS) for index in clause):
            continue
        if len(clause) > 6 or any(
            tokens[index].norm in _CAUSES
            or tokens[index].norm in _NAMING_THE_SERVICE
            or tokens[index].norm.startswith(_SERVICE_STEMS)
            for index in clause
        ):
            continue  # "although I was nervous the whole time because he drove like a maniac" says why
        good_before = any(
            cue.weight > 0 and cue.sentence == token.sentence and cue.last_token < position for cue in found
        )
        if not good_before:
            continue
        for cue in found:
            if cue.weight < 0 and cue.first_token in clause and cue.sentence >= 0:
                cue.weight = cue.base = 0.0
                if cue.topic is Topic.SAFETY:
                    cue.topic = None


# Something from outside that did the damage before anyone came: "Someone had reversed into me", "a stone".
_OUTSIDE_AGENT = re.compile(
    r"\b(?:(?:someone|somebody|some (?:idiot|clown|lorry|van|car))(?: had| has)? (?:reversed|backed|crashed|drove|ran"
    r"|bumped|hit|went|scraped|keyed|dinged|smashed|clipped|pranged)|(?:by|from) a (?:stone|rock|pebble)"
    r"|hit[- ]and[- ]run|vandals?)\b|(?<![а-яё])(?:кто-то (?:въехал|врезал|задел|поцарапал|стукнул|разбил|помял|проколол)"
    r"\w*|камн\w*|камень|вандал\w*)(?![а-яё])"
)


def _outside_damage(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Someone had reversed into me and the wheel was bent", "Smashed windscreen from a stone": damage that a stranger
    or the road did, in a sentence that names nobody from the service, is the driver's trouble, not the job's."""
    for match in _OUTSIDE_AGENT.finditer(lowered):
        sentence = tokens[_token_at(tokens, match.start())].sentence
        if any(
            token.sentence == sentence and (token.norm in _NAMING_THE_SERVICE or token.norm.startswith(_SERVICE_STEMS))
            for token in tokens
        ):
            continue
        for cue in found:
            if cue.sentence == sentence and cue.weight < 0 and cue.topic in (Topic.DAMAGE, Topic.NOT_FIXED, None):
                _weightless(cue)


def _fear_beside_thanks(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Спасибо, что не бросили одну ночью на трассе, очень страшно было": fear told beside thanks, in a clause that
    names nobody from the service, is what the help answered; it weighs half."""
    if not any(cue.thanks and cue.weight > 0 for cue in found):
        return
    serviced = {token.clause for token in tokens if token.norm in _SERVICE_PEOPLE}
    for cue in found:
        span = tokens[cue.first_token : cue.last_token + 1] if cue.sentence >= 0 else []
        if (
            cue.topic is Topic.SAFETY
            and cue.weight < 0
            and tokens[cue.first_token].clause not in serviced
            and any(token.norm.startswith(_FEAR_STEMS) for token in span)
        ):
            cue.base = cue.weight if cue.base is None else cue.base
            cue.weight *= 0.5


# What the help does against a danger: cones, a triangle, hazard lights, beacons, a vest.
_MEASURES = (
    "cone", "triangl", "hi-vis", "high-vis", "vest", "hazard", "flasher", "barrier", "reflect", "beacon", "flashing",
    "конус", "знак", "аварийк", "треугольн", "жилет", "светоотраж", "мигалк",
)  # fmt: skip


def _help_arrives(tokens: list[_Token]) -> int | None:
    """The index of the first word naming someone from the service or the help coming, if any does."""
    return next(
        (
            index
            for index, token in enumerate(tokens)
            if (token.norm in _SERVICE_PEOPLE or token.norm.startswith(_ARRIVALS)) and not _awaited(tokens, index)
        ),
        None,
    )


_TROUBLE = (
    *_OWN_TROUBLE, *_GAVE_WAY, *_STALLING, "broke", "breakdown", "stuck", "strand", "flat", "punctur", "dead",
    "overheat", "engine", "tyre", "tire", "battery", "crash", "заглох", "слома", "сел", "спустил", "застрял",
    "аккумулятор", "колес", "двигател", "мотор", "дтп", "авари", "встал", "встала",
)  # fmt: skip


def _bad_day_before_help(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Car broke down on the motorway, horrible experience, lorries flying past. Recovery came in 40 mins": a mood
    word in a sentence that tells the breakdown, before anyone from the service comes into the story, is about the
    driver's day, not the help (the help told after it decides)."""
    helper = _help_arrives(tokens)
    if helper is None:
        return
    troubled = {
        token.sentence
        for token in tokens[:helper]
        if token.sentence < tokens[helper].sentence and token.norm.startswith(_TROUBLE)
    }
    troubled -= {cue.sentence for cue in found if cue.topic in COMPLAINT_TOPICS and cue.weight < 0}
    for cue in found:
        if cue.sentence in troubled and cue.weight < 0 and cue.topic is None:
            cue.weight = cue.base = 0.0


def _awaited(tokens: list[_Token], index: int) -> bool:
    """ "Ждали эвакуатор на обочине", "waiting for the tow": the help named as what the writer waited for has not come."""
    clause = tokens[index].clause
    return any(
        token.clause == clause and token.norm.startswith(_WAIT_STEMS) for token in tokens[max(0, index - 3) : index]
    )


_EXPECTING = lexicon.word_set(
    """expected expecting thought feared assumed braced думал думала думали ожидал ожидала ожидали рассчитывал
    рассчитывала боялся боялась готовилась готовился"""
)
_COMPARING = lexicon.word_set("than longer later чем дольше позже")
# What ends the reach of a fear: "Думала, приедут быстро, а ждала 2 часа", "thought..., then waited".
_FEAR_ENDS = lexicon.word_set("а then instead actually но потом")
# "Expected arrival 8:15" names the promise, not a fear.
_EXPECTED_NOUNS = lexicon.word_set("arrival time eta at by in время прибытия к через")


def _expectations(tokens: list[_Token], found: list[_Found]) -> None:
    """ "I expected a long wait, he was there in 35 min", "Думала буду ждать час, а приехали через 25": a wait the
    writer only feared is no lateness ("longer than expected" still is)."""
    for cue in found:
        if cue.topic is not Topic.LATE or cue.sentence < 0:
            continue
        first = cue.first_token
        feared = [
            position
            for position in range(first)
            if tokens[position].sentence == cue.sentence
            and tokens[position].norm in _EXPECTING
            and tokens[position + 1].norm not in _EXPECTED_NOUNS
        ]
        if not feared:
            continue
        fear = tokens[feared[-1]]
        # The fear reaches its own clause, or the next when it ends its clause ("Думала, всю ночь буду куковать"), and
        # stops at "but": "thought they'd be quick but it took 2 hours".
        reach = {fear.clause, fear.clause + 1} if tokens[feared[-1] + 1].clause != fear.clause else {fear.clause}
        words = [token.norm for token in tokens[feared[-1] + 1 : first]]
        if tokens[first].clause not in reach or any(word in lexicon.CONTRAST or word in _FEAR_ENDS for word in words):
            continue
        if not any(word in _COMPARING for word in words) and not any(
            token.norm in _COMPARING for token in tokens[cue.first_token : cue.last_token + 1]
        ):
            cue.weight = cue.base = 0.0
            cue.topic = None
            for other in found:
                # "Thought I'd be there all night. He turned up in 40 min.": the wait that came was short of the fear.
                if (
                    other.sentence >= cue.sentence
                    and other.topic is Topic.LATE
                    and 0 < other.extra.get("minutes", 0) < 60
                ):
                    other.weight = other.base = 0.0
                    other.topic = None


# Words of a fear or an expectation that may not come true: "Was dreading the bill", "Боялся, что придётся ночевать".
_FEARING = _EXPECTING | lexicon.word_set(
    """dreading dreaded worried worrying prepared боялся боялась боялись опасался опасалась переживал переживала
    переживали мыслью"""
)
# What opens the news that the fear did not come true: "Nope, 40 min", "Оказалось, клемма".
_RELIEF = lexicon.word_set("nope nah turned оказалось")


def _fears_that_passed(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Ожидала, что сдерут втридорога, а взяли по тарифу", "Was worried he wouldn't find me but he phoned ahead",
    "Honestly expected to be ripped off. Wasn't.": a complaint the writer only feared, when what follows turns away
    from it (a "but", a denial, good words) and does not repeat it, is no complaint; nor is the fear, and a wait under
    an hour told after it is the relief, not lateness."""
    for position, token in enumerate(tokens[:-1]):
        if token.norm not in _FEARING or tokens[position + 1].norm in _EXPECTED_NOUNS:
            continue
        reach = {token.clause, token.clause + 1} if tokens[position + 1].clause != token.clause else {token.clause}
        end = position + 1
        while (
            end < len(tokens)
            and tokens[end].sentence == token.sentence
            and tokens[end].clause in reach
            and not (_contrasting(tokens, end) or tokens[end].norm in _FEAR_ENDS)
        ):
            end += 1
        if end >= len(tokens):
            continue
        feared = [
            cue
            for cue in found
            if cue.sentence == token.sentence
            and position <= cue.first_token
            and cue.last_token < end
            and cue.weight < 0
        ]
        later = [cue for cue in found if cue.sentence >= 0 and cue.first_token >= end]
        after = tokens[end]
        turned = (
            _contrasting(tokens, end)
            or after.norm in _FEAR_ENDS
            or after.norm in _RELIEF
            or (after.sentence != token.sentence and _denial_opens(tokens, end))
            or any(cue.weight > 0 for cue in later)
        )
        repeated = {cue.topic for cue in feared if cue.topic is not None} & {
            cue.topic for cue in later if cue.weight < 0 and not cue.extra.get("wait")
        }
        if not turned or repeated:
            continue
        safety_named = any(cue.topic is Topic.SAFETY and cue.first_token > position for cue in feared)
        for cue in feared:
            cue.weight = 0.0
            if cue.topic in (Topic.PRICE, Topic.COMMUNICATION):
                continue  # "expected to be ripped off" still speaks of the price
            if cue.first_token > position or not safety_named:
                cue.base = 0.0
                cue.topic = None
        for cue in later:
            if cue.topic is Topic.LATE and 0 < cue.extra.get("minutes", 0) < 60:
                cue.weight = cue.base = 0.0
                cue.topic = None
            elif (
                feared  # "Thought it would be cheap. It wasn't": a hope denied is no fear that passed
                and end <= cue.first_token <= end + 1
                and cue.weight < 0
                and cue.topic is None
                and tokens[cue.first_token].norm in _VERBAL_NEGATORS
                and _denial_opens(tokens, end)
            ):
                cue.weight = cue.base = 0.5  # "Wasn't.", "It didn't.": the fear denied


# The bare subjects of an elliptic denial: "It didn't.", "Он не опоздал."
_DENIAL_SUBJECTS = lexicon.word_set("it he she they that this он она они оно это")


def _denial_opens(tokens: list[_Token], index: int) -> bool:
    """The sentence at `index` opens with a denial, bare or after a pronoun: "Wasn't.", "It didn't."."""
    if tokens[index].norm in _VERBAL_NEGATORS:
        return True
    return (
        tokens[index].norm in _DENIAL_SUBJECTS
        and index + 1 < len(tokens)
        and tokens[index + 1].sentence == tokens[index].sentence
        and tokens[index + 1].norm in _VERBAL_NEGATORS
    )


# Another company, or an earlier job elsewhere: "Last time (different company) I waited 3 hours. This time 20 min".
# Only as where it happened ("with another outfit", "(different firm, ...)", "в другой фирме"): "the tow would be a
# different company" and "приедет другая компания" tell of this job.
_ELSEWHERE = re.compile(
    r"(?:\b(?:with|from|by|at|using)|\() ?(?:another|a different|different|other|some other|my old|my previous"
    r"|the previous) (?:company|firm|outfit|provider|insurer|recovery|breakdown)\w*|\bmy old insurer"
    r"|(?<![а-яё])(?:с|в|у) друг(?:ой|их|ими) (?:контор\w*|фирм\w*|компани\w*|служб\w*|страхов\w*)|у конкурентов",
)
_PAST_TIME = re.compile(r"\blast (?:time|year|winter)\b|в прошлый раз|в прошлом году|прошлой зимой")
_THIS_TIME = re.compile(r"\bthis (?:time|one)\b|в этот раз|(?<![а-яё])а (?:тут|сейчас|здесь|у вас|вы)(?![а-яё])")
# "Called another company because you never came" tells of this job.
_SWITCHING = re.compile(
    r"(?:call\w*|rang|phoned|booked|tried|went with|switch\w* to|вызва\w*|вызыва\w*|позвонил\w*|обратил\w*"
    r"|заказа\w*|пришлось)"
    r"\W+(?:\w+\W+){0,2}$"
)
_ELSEWHERE_ENDS = frozenset({"а", "this", "whereas"})


def _elsewhere(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "В прошлый раз с другой конторой ждал часа три, а тут через 25 минут": what another company did, or an earlier
    job did when this one is set against it, is no complaint about this job and names none of its topics."""
    starts = [
        match.start()
        for match in _ELSEWHERE.finditer(lowered)
        if not _SWITCHING.search(lowered, max(0, match.start() - 30), match.start())
    ]
    starts += [match.start() for match in _PAST_TIME.finditer(lowered) if _THIS_TIME.search(lowered, match.end())]
    for start in starts:
        position = _token_at(tokens, start)
        sentence = tokens[position].sentence
        stop = next(
            (
                other
                for other in range(position + 1, len(tokens))
                if tokens[other].sentence == sentence
                and (tokens[other].norm in lexicon.CONTRAST or tokens[other].norm in _ELSEWHERE_ENDS)
            ),
            len(tokens),
        )
        for cue in found:
            if cue.sentence != sentence or cue.first_token >= stop:
                continue
            if cue.weight < 0 or (cue.weight == 0 and cue.topic is not None):
                cue.weight = cue.base = 0.0
                cue.topic = None


_SUPPOSING = re.compile(r"\bif (?:he|she|they|it|you|the \w+)(?:'d| had)\b|(?<![а-яё])если бы(?! не)(?![а-яё])")
_WOULD = lexicon.word_set("бы would i'd we'd would've wouldve")


def _supposed(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Если бы он опоздал хоть на полчаса, я бы там околел": a complaint only supposed did not happen, nor did what
    would have followed it. "If he'd come on time I'd have made my flight" supposes the good thing, and complains."""
    for match in _SUPPOSING.finditer(lowered):
        position = _token_at(tokens, match.start())
        clauses = {tokens[position].clause}
        if any(token.norm in _WOULD for token in tokens if token.clause == tokens[position].clause + 1):
            clauses.add(tokens[position].clause + 1)
        supposed = [
            cue
            for cue in found
            if cue.sentence >= 0 and cue.first_token >= position and tokens[cue.first_token].clause in clauses
        ]
        if any(cue.weight > 0 for cue in supposed):
            continue
        for cue in supposed:
            if cue.weight < 0:
                cue.weight = cue.base = 0.0
                cue.topic = None


_WEATHER = lexicon.word_set(
    """weather rain raining rainy snow snowing snowy storm stormy wind windy sleet hail fog foggy icy blizzard downpour
    погода погодка погоды погоде дождь дожди дождя ливень ливня снег снегопад метель метели мороз морозы ветер
    ветром ветра гололед гололедица слякоть"""
)


def _bad_weather(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Ну и погодка была, жесть.": a mood word with no topic in a sentence about the weather that names nobody from
    the service is about the day, not the job."""
    sentences = {token.sentence for token in tokens if token.norm in _WEATHER}
    sentences -= {token.sentence for token in tokens if token.norm in _PEOPLE}
    for cue in found:
        if cue.sentence in sentences and cue.weight < 0 and cue.topic is None:
            cue.weight = cue.base = 0.0


# Others on the road side whose failings are no complaint about the service: the police, the insurer, the council.
_THIRD_PARTIES = lexicon.word_set(
    """police cops insurer insurers insurance council полиция полиции полицию полицейские гаишники гаи дпс страховая
    страховой страховую страховщик страховщики"""
)
_NAMING_THE_SERVICE = _PEOPLE | lexicon.word_set("you your yours truck tow вы вас вам")
_DETERMINERS = frozenset({"the", "my", "our", "моя", "наша", "местная"})
_SERVICE_STEMS = ("мастер", "водител", "эвакуатор", "диспетчер", "оператор", "механик", "парн", "ваш")


# Other road users and the staff of other places: "The other driver who hit me", "Водитель другой машины",
# "The tunnel staff".
_OTHER_PARTIES = re.compile(
    # Each alternative opens a word: a long run of letters or digits is tried once, not from each of its letters.
    r"(?<!\w)(?:"
    r"(?:(?:the|an?|some|that) )?(?:other|another) (?:driver|drivers|car|motorist|guy|bloke|van|lorry|party)\b"
    r"|(?:(?:the|some|an?) )?(?:\w+ )?(?:idiot|driver|guy|bloke|woman|man|lorry|van) (?:who|that) "
    r"(?:hit|rear[- ]ended|crashed|went into|drove into|clipped|cut)"
    r"|(?:(?:the|some) )?(?:tunnel|station|garage|car park|parking|ferry|airport|toll|services) "
    r"(?:staff|people|guys|attendants?|security)\b"
    r"|водител\w* (?:другой|той|второй|встречной|соседней) машины|(?:друг(?:ой|ие)|второй) водител\w*"
    r"|виновник\w*|(?:сотрудник|работник|охранник)\w* (?:тоннеля|парковки|заправки|азс|стоянки)"
    r")",
)


def _segments(tokens: list[_Token]) -> list[int]:
    """Per token, its stretch of the comment: a new one begins at each clause break and after each "but"."""
    segments: list[int] = []
    segment = 0
    for index, token in enumerate(tokens):
        if index and (token.clause != tokens[index - 1].clause or tokens[index - 1].norm in lexicon.CONTRAST):
            segment += 1
        segments.append(segment)
    return segments


def _third_parties(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Полиция приехала раньше вас, но от неё толку ноль", "Insurance company was a nightmare to deal with", "The
    other driver who hit me was screaming at everyone": the complaints of a sentence that opens with the police, the
    insurer, the council, another road user or the staff of another place, in its clauses that name nobody from the
    service (the words naming the other party aside), are about them, not the job (a price or the app they name is
    still named)."""
    sentences = {
        token.sentence
        for index, token in enumerate(tokens)
        if token.norm in _THIRD_PARTIES
        and (
            _opens_sentence(tokens, index)
            or (index > 0 and tokens[index - 1].norm in _DETERMINERS and _opens_sentence(tokens, index - 1))
        )
    }
    others: set[int] = set()
    for match in _OTHER_PARTIES.finditer(lowered):
        first = _token_at(tokens, match.start())
        if tokens[first].start == match.start() and _opens_sentence(tokens, first):
            sentences.add(tokens[first].sentence)
            others.update(index for index, token in enumerate(tokens) if match.start() <= token.start < match.end())
    segments = _segments(tokens)
    serviced = {
        segments[index]
        for index, token in enumerate(tokens)
        if index not in others and (token.norm in _NAMING_THE_SERVICE or token.norm.startswith(_SERVICE_STEMS))
    }
    for cue in found:
        if cue.sentence in sentences and cue.weight < 0 and segments[cue.first_token] not in serviced:
            _weightless(cue)


# The writer called off the help: no longer needed, or asked to cancel.
_NOT_NEEDED = re.compile(
    r"\b(?:didn'?t|did not|don'?t|do not|no longer|won'?t) need\w*\b|\bplease cancel\b|\bcancel (?:my|the|this) "
    r"(?:job|booking|request|call|callout|call-out)(?:,? please)?\s*[.!]?$|не понадоби\w*|уже не (?:нужн\w*|надо)"
    r"|(?<![а-яё])отмените(?![а-яё])|(?<![а-яё])(?:сам|сама|сами) (?:\w+ )?(?:починил\w*|завел\w*|справил\w*)",
)


def _called_off(lowered: str, tokens: list[_Token], found: list[_Found]) -> None:
    """ "Didn't need the tow in the end, cancelled in the app", "Я уже сама починила, отмените заявку": help the writer
    no longer needed and called off is no no-show."""
    if not _NOT_NEEDED.search(lowered):
        return
    for cue in found:
        # The cue's span holds its negator too: "Didn't need the tow".
        words = lowered[cue.start : cue.end].split()
        if (
            cue.topic is Topic.NO_SHOW_OR_STALL
            and cue.weight < 0
            and cue.sentence >= 0
            and any(word.startswith(_CALLING_OFF) for word in words)
        ):
            cue.weight = cue.base = 0.0
            cue.topic = None


_CALLING_OFF = ("cancel", "need", "отмен", "понадоб", "нужн")


def _topicalised(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Хамить не хамил": the verb put first only names what the denial that follows it denies."""
    for cue in found:
        after = cue.last_token + 1
        denied_again = (
            after + 1 < len(tokens)
            and tokens[after].norm == "не"
            and tokens[after + 1].norm[:4] == tokens[cue.first_token].norm[:4]
        )
        if cue.weight < 0 and cue.sentence >= 0 and denied_again:
            cue.weight = cue.base = 0.0
            cue.topic = None


def _soften_slight_lateness(tokens: list[_Token], found: list[_Found]) -> None:
    """ "5 min late", "опоздал на 10 минут", "late by ten minutes": lateness of a few minutes is hardly a complaint."""
    short_ends = {cue.last_token for cue in found if cue.extra.get("short")}
    short_starts = {cue.first_token for cue in found if cue.extra.get("short")}
    for cue in found:
        after = cue.last_token + 1
        by_short = after + 1 in short_starts and after < len(tokens) and tokens[after].norm in ("на", "by")
        if cue.topic is Topic.LATE and (cue.first_token - 1 in short_ends or by_short):
            # It weighs little, and is still named: the technician came later than promised.
            cue.base = cue.weight if cue.base is None else cue.base
            cue.weight *= 0.3


# A sentence that only shrugs off the one before it: "Fair enough.", "Но это мелочи.", "Бывает."
_SHRUG_SENTENCE = re.compile(
    r"(?:(?:but|and|so|но|а|ну|да|и) )?(?:(?:that's|that|it's|это|то) )?(?:(?:all|just|really|всё|все|просто|уже) )?"
    r"(?:fair enough|no (?:big deal|drama|biggie|bother|harm done)|not a (?:big )?(?:problem|deal)|it happens"
    r"|these things happen|(?:a )?minor(?: thing)?|мелочи|мелочь|пустяки|пустяк|ерунда|бывает|ничего страшного"
    r"|не страшно|не критично|без драмы|переживу|with it)"
)


def _trailing_shrugs(tokens: list[_Token], found: list[_Found]) -> None:
    """ "Had to wait a bit longer, he was stuck behind a crash. Fair enough.", "...просит обновиться. Но это мелочи.": a
    sentence that only shrugs takes the weight off the mild complaints of the sentence before it (they are still
    named)."""
    sentences: dict[int, list[str]] = {}
    for token in tokens:
        sentences.setdefault(token.sentence, []).append(token.norm)
    for sentence, words in sentences.items():
        if sentence == 0 or not _SHRUG_SENTENCE.fullmatch(" ".join(words)):
            continue
        for cue in found:
            if cue.sentence == sentence - 1 and cue.weight < 0 and not _strong(cue):
                cue.base = cue.weight if cue.base is None else cue.base
                cue.weight = 0.0


def _after_but(tokens: list[_Token], found: list[_Found]) -> float:
    """The sign of "X but Y" when Y decides: the comment's feeling is all in one sentence with "but"/"но"/"зато" (or
    in one sentence and the "But ..." that follows it), the words before it lean one way and those after it the
    other ("долговато, но сделал" is positive, "Быстро, но дорого" negative). 0 when no such contrast decides."""
    contrasts = [index for index, token in enumerate(tokens) if _contrasting(tokens, index) and not token.used]
    if not contrasts:
        return 0.0
    position = contrasts[-1]
    sentence = tokens[position].sentence
    opens = position == 0 or tokens[position - 1].sentence != sentence
    weighed = [cue for cue in found if cue.weight != 0 and "verdict" not in cue.extra]
    if any(cue.sentence not in (sentence, sentence - 1 if opens else sentence) for cue in weighed):
        return 0.0
    after = sum(cue.weight for cue in weighed if cue.sentence == sentence and cue.first_token > position)
    before = [cue.weight for cue in weighed if not (cue.sentence == sentence and cue.first_token > position)]
    if not before or after == 0 or any(weight * after > 0 for weight in before):
        return 0.0
    return after


_INDIFFERENT = lexicon.word_set("fine ok okay alright i guess whatever ок норм нормально пойдет сойдет ладно")
# The job got done, and no more is said of it: "...but got there", "...но доехали".
_GOT_THERE = re.compile(
    r"\b(?:got|get|gets) (?:there|here|it done|the job done|me (?:home|going|moving))\b"
    r"|(?<![а-яё])(?:доехал\w*|добрал\w*|дотащил\w*|довез\w*|справил\w*)(?![а-яё])"
)


def _shrugged_off(lowered: str, tokens: list[_Token], found: list[_Found]) -> bool:
    """ "Could've been quicker but fine", "Дороговато, но нормально", "Not the fastest, but honestly fine for 2am",
    "Annoying but they got there": a mild complaint and then, after the last "but", only a shrug or the bare news
    that the job got done, with nothing that weighs, is an indifferent reply, neither praise nor a complaint."""
    contrasts = [index for index, token in enumerate(tokens) if token.norm in lexicon.CONTRAST]
    if not contrasts or any("verdict" in cue.extra for cue in found):
        return False
    rest = tokens[contrasts[-1] + 1 :]
    if not rest:
        return False
    weighed_after = any(cue.weight != 0 and cue.sentence >= 0 and cue.first_token > contrasts[-1] for cue in found)
    shrug = any(token.norm in _INDIFFERENT for token in rest) or _GOT_THERE.search(lowered, rest[0].start, rest[-1].end)
    if any(token.norm not in _INDIFFERENT for token in rest) and (weighed_after or not shrug):
        return False
    before = [cue for cue in found if cue.first_token < contrasts[-1] and cue.sentence >= 0]
    return (
        all(cue.weight <= 0 for cue in before)
        and -1.5 <= sum(cue.weight for cue in before) < 0
        # A mood word ("Annoying but they got there") is tempered by the shrug; a strong named complaint is not.
        and not any(_strong(cue) and cue.topic is not None for cue in before)
    )


def _sentiment(found: list[_Found], decided: float = 0.0) -> tuple[Sentiment, float]:
    verdicts = [cue.extra["verdict"] for cue in found if "verdict" in cue.extra]
    if verdicts:
        others = [cue for cue in found if "verdict" not in cue.extra]
        _, score = _sentiment(others) if others else ("neutral", 0.0)
        if verdicts[-1] > 0:
            return "positive", max(score, 0.3)
        if verdicts[-1] < 0:
            return "negative", min(score, -0.3)
        return "neutral", max(-0.3, min(0.3, score))
    positive = sum(cue.weight for cue in found if cue.weight > 0)
    negative = -sum(cue.weight for cue in found if cue.weight < 0)
    total = positive - negative
    score = max(-1.0, min(1.0, total / (1.0 + abs(total)) * 1.5))
    if positive == 0 and negative == 0:
        return "neutral", 0.0
    if decided > 0:
        return "positive", max(score, 0.05)
    if decided < 0:
        return "negative", min(score, -0.05)
    if negative == 0 and (positive < 0.5 or all(cue.extra.get("denial") for cue in found if cue.weight > 0)):
        # "Привезли 10 литров, машина завелась": a plain report of the job, not praise.
        return "neutral", 0.0
    if negative == 0:
        return "positive", max(score, 0.05)
    if positive == 0:
        return "negative", min(score, -0.05)
    if total > 0.05:
        return "positive", max(score, 0.05)
    return "negative", min(score, -0.05)


def _topics(found: list[_Found], sentiment: Sentiment) -> tuple[Topic, ...]:
    sums: dict[Topic, float] = {}
    bases: dict[Topic, float] = {}
    priced = {cue.sentence for cue in found if cue.topic is Topic.PRICE and cue.sentence >= 0}
    overcharged = {cue.sentence for cue in found if cue.topic is Topic.PRICE and cue.weight < 0}
    for cue in found:
        if cue.topic is Topic.COMMUNICATION and cue.weight == 0 and cue.sentence in priced:
            continue  # "the app showed one price and I was billed another" is about the price
        if cue.topic is Topic.COMMUNICATION and cue.tells and overcharged & {cue.sentence, cue.sentence - 1}:
            continue  # "£20 extra because it was a Sunday. Nobody told me." is about the price
        if cue.topic is Topic.PRAISE and sentiment == "negative" and not cue.thanks and (cue.base or 0.0) < 1.2:
            continue  # "Nice guy but the price was a joke": a mild compliment conceded in a complaint
        if cue.topic is not None:
            sums[cue.topic] = sums.get(cue.topic, 0.0) + cue.weight
            bases[cue.topic] = bases.get(cue.topic, 0.0) + (cue.weight if cue.base is None else cue.base)
    if sums.get(Topic.NO_SHOW_OR_STALL, 0.0) <= -1.0 and all(
        0 < cue.extra.get("minutes", 0) < 45 for cue in found if cue.topic is Topic.LATE and cue.weight < 0
    ):
        # "Stood on the map for 40 minutes, then cancelled": the stall is the point, 40 minutes no lateness.
        sums.pop(Topic.LATE, None)
    topics = []
    for topic, total in sums.items():
        if topic is Topic.PRAISE:
            # Sincere thanks or praise is named in a complaint too ("thanks for trying, but 2 hours...").
            keep = total > 0
        elif topic in COMPLAINT_TOPICS:
            # A complaint is named whatever the verdict ("took 2 hrs but he was a star"), if the words say it
            # plainly enough: a lone "waited" in a happy comment is not lateness, "a bit slow" is.
            keep = total <= -0.75 if sentiment == "negative" else total <= -1.0 or bases[topic] <= -0.9
        else:
            keep = True
        if keep:
            topics.append(topic)
    return tuple(sorted(topics, key=_TOPIC_ORDER.__getitem__))


def analyze(text: str, *, learned_opinion: bool = True) -> CommentAnalysis:
    """Language, sentiment, topics and the cues behind them, for one free-text comment; `learned_opinion=False` gives
    the rules' verdict alone, without the learned model's second opinion."""
    tokens = _tokenise(text)
    language = detect_language(text, tokens)
    if not tokens and not text.strip():
        return CommentAnalysis(language, "neutral", 0.0, (), ())
    lowered = _lowered(text)
    found = _lexicon_cues(text, tokens) + _duration_cues(lowered, tokens) + _symbol_cues(text)
    _degree_moods(tokens, found)
    found.extend(_bare_negations(tokens, found))
    found.extend(_question_complaints(text, tokens))
    found.extend(_price_mismatch(text, tokens, found))
    found.extend(_waits_as_promised(lowered, tokens, found))
    found.extend(_app_status(found, tokens))
    _feature_praise(found, tokens)
    _journeys_are_not_waits(tokens, found)
    _calm_questions_and_suggestions(text, lowered, tokens, found)
    # What the writer excuses, only feared or tells of their own breakdown is settled before sarcasm is looked for:
    # thanks after an excused wait is sincere.
    _excused(lowered, tokens, found)
    _own_breakdown(lowered, tokens, found)
    _already_there(lowered, tokens, found)
    _fear_before_help(tokens, found)
    _bad_day_before_help(tokens, found)
    _expectations(tokens, found)
    _fears_that_passed(tokens, found)
    _fear_conceded(tokens, found)
    _outside_damage(lowered, tokens, found)
    _elsewhere(lowered, tokens, found)
    _supposed(lowered, tokens, found)
    _bad_weather(tokens, found)
    _third_parties(lowered, tokens, found)
    _topicalised(tokens, found)
    _called_off(lowered, tokens, found)
    _apply_sarcasm(found, tokens)
    _soften_slight_lateness(tokens, found)
    _trailing_shrugs(tokens, found)
    _exculpate(lowered, tokens, found)
    _minor_complaints(lowered, tokens, found)
    _balanced(found)
    found.extend(_claims_proved_wrong(lowered, tokens, found))
    _conceded(lowered, tokens, found)
    _not_regretted(tokens, found)
    verdicts = _verdicts(lowered)
    if any(not cue.extra.get("top") for cue in verdicts):
        # "3 stars" is a middling mark, not the praise a lone "stars" would be.
        spans = [(cue.start, cue.end) for cue in verdicts]
        found = [cue for cue in found if not any(start <= cue.start < end for start, end in spans)]
    found.extend(verdicts)
    found = [cue for cue in found if cue.weight != 0 or cue.topic is not None or "verdict" in cue.extra]
    found.sort(key=lambda cue: cue.start)
    sentiment, score = _sentiment(found, _after_but(tokens, found))
    if _shrugged_off(lowered, tokens, found):
        sentiment, score = "neutral", max(-0.3, min(0.3, score))
    cues = [Cue(text[cue.start : cue.end], cue.topic, round(cue.weight, 3)) for cue in found]
    # The learned model is asked only where it can be sure of anything: not on words it has no stems for, nor on a
    # comment of a few words.
    second = learned.opinion(text) if learned_opinion and language != "other" else None
    if second is None or second.words < learned.MIN_WORDS:
        pass
    elif (
        sentiment == "negative"
        and score > -1.0
        and all(cue.weight > -1.5 for cue in found)
        and second.log_odds < learned.OVERTURN_BELOW
    ):
        # The rules call many comments negative that are not, on text they have not seen; the learned model, when
        # sure, overturns them ("My fault entirely, left the lights on"): good words the rules found make it good.
        sentiment, score = ("positive", 0.05) if any(cue.weight > 0 for cue in found) else ("neutral", 0.0)
        cues.append(Cue(_second_opinion("no complaint", second.toward_no_complaint), None, -second.log_odds))
    elif sentiment != "negative" and second.log_odds > learned.RAISE_ABOVE:
        sentiment, score = "negative", min(score, -0.05)
        cues.append(Cue(_second_opinion("a complaint", second.toward_complaint), None, -second.log_odds))
    return CommentAnalysis(language, sentiment, round(score, 3), _topics(found, sentiment), tuple(cues))


def _second_opinion(verdict: str, phrases: tuple[str, ...]) -> str:
    """The cue for a verdict of the learned model's that overrode the rules, with the words that weighed most."""
    return f"learned model: {verdict} ({', '.join(phrases)})" if phrases else f"learned model: {verdict}"
