"""A learned second opinion on whether a comment complains: multinomial naive Bayes over word stems.

The lexicon and its rules (`analysis`) are tuned on the labelled dev set, and on text they have not seen they call
many comments negative that are not (fresh batches: negative precision 0.45 to 0.78). This model reads the same
comments differently, by how often each stem, pair and triple of stems appears in complaints and in the rest of the
dev set, and `analysis` lets it overturn the rules only when it is confident (see `OVERTURN_BELOW`, `RAISE_ABOVE`).

- Features: each comment's words (lowered, "ё" as "е", digits as 0) reduced to Snowball stems (Russian for words with
  Cyrillic letters, English otherwise); the set of stems, adjacent pairs and triples; "?" and "!"; symbols and emoji.
- Weights: log P(feature | negative) - log P(feature | not negative), additive smoothing 0.3, over features seen in two
  comments or more; a feature counts once per comment.
- Log-odds of a complaint: the prior log-odds plus the sum of the comment's known feature weights divided by the square
  root of their number (long comments would otherwise always be certain).

The weights are generated from `data/comments/dev.jsonl` into `learned_weights.py`, so that the package carries no
data file, the model changes only when it is regenerated (in the same change as the labels it learns from) and the
analysis does no training at run time:

    python -m feedback.comments.train            # regenerate from data/comments/dev.jsonl
    python -m feedback.comments.train --check    # exit 1 if the shipped weights are stale

Training is counting and is deterministic: the same dev set gives the same file byte for byte.
"""

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from feedback.comments.stemming import stem

# Chosen by leave-one-batch-out validation on the dev set (see data/comments/README.md): the rules' negative call is
# overturned below this log-odds, their other calls are made negative above `RAISE_ABOVE`.
OVERTURN_BELOW = -2.0
RAISE_ABOVE = 2.0
# It says nothing on comments shorter than this, and the rules' negative call stands when they are at their surest
# (a score of -1): short twins such as "Der Mechaniker kam nie." are what the rules' distinctions are made of.
MIN_WORDS = 8

SMOOTHING = 0.3
MIN_COMMENTS = 2
DEV_SET = Path(__file__).resolve().parents[2] / "data" / "comments" / "dev.jsonl"
WEIGHTS_FILE = Path(__file__).with_name("learned_weights.py")

_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_DIGIT = re.compile(r"\d")
_CYRILLIC = re.compile(r"[а-я]")


def _stem(word: str) -> str:
    return stem(word, "ru" if _CYRILLIC.search(word) else "en")


def features(text: str) -> dict[str, str]:
    """The comment's features, each with the words that first showed it (as written, for explanations)."""
    lowered = _DIGIT.sub("0", text.lower().replace("ё", "е").replace("’", "'"))
    # Lowering keeps offsets in these scripts, so a match in `lowered` points at the same words in `text`.
    aligned = len(lowered) == len(text)
    spans = [(match.start(), match.end()) for match in _WORD.finditer(lowered)]
    stems = [_stem(lowered[start:end]) for start, end in spans]
    found: dict[str, str] = {}
    for size, prefix in ((1, "w:"), (2, "b:"), (3, "t:")):
        for first in range(len(stems) - size + 1):
            key = prefix + " ".join(stems[first : first + size])
            if key not in found:
                start, end = spans[first][0], spans[first + size - 1][1]
                found[key] = (text if aligned else lowered)[start:end]
    for char in lowered:
        if char in "?!":
            found.setdefault("p:" + char, char)
        elif ord(char) > 0x2000 and not char.isalnum() and not char.isspace():
            found.setdefault("e:" + char, char)
    return found


@dataclass(frozen=True, slots=True)
class Model:
    prior: float  # log-odds of a complaint before reading the comment
    weights: dict[str, float]


def train(comments: Iterable[tuple[str, bool]]) -> Model:
    """Naive Bayes from (text, is negative) pairs; weights rounded as they are shipped."""
    counts: dict[str, list[int]] = {}
    documents = [0, 0]
    for text, negative in comments:
        documents[negative] += 1
        for key in features(text):
            counts.setdefault(key, [0, 0])[negative] += 1
    kept = {key: pair for key, pair in counts.items() if pair[0] + pair[1] >= MIN_COMMENTS}
    totals = [sum(pair[side] for pair in kept.values()) + SMOOTHING * len(kept) for side in (0, 1)]
    weights = {
        key: round(math.log((pair[1] + SMOOTHING) / totals[1]) - math.log((pair[0] + SMOOTHING) / totals[0]), 4)
        for key, pair in sorted(kept.items())
    }
    return Model(round(math.log(documents[1] / documents[0]), 4), weights)


def train_on(path: Path) -> Model:
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return train((row["text"], row["sentiment"] == "negative") for row in rows)


def render(model: Model) -> str:
    """The source of `learned_weights.py`: the prior and one "feature<TAB>weight" line a feature."""
    table = "".join(f"{key}\t{weight}\n" for key, weight in model.weights.items())
    return (
        '"""Generated by `python -m feedback.comments.train` from data/comments/dev.jsonl: do not edit."""\n\n'
        f"PRIOR = {model.prior}\n"
        f"FEATURES = {len(model.weights)}\n"
        f'TABLE = """\\\n{table}"""\n'
    )


@cache
def load() -> Model:
    from feedback.comments import learned_weights

    weights = {}
    for line in learned_weights.TABLE.split("\n")[:-1]:
        key, weight = line.rsplit("\t", 1)
        weights[key] = float(weight)
    return Model(learned_weights.PRIOR, weights)


@dataclass(frozen=True, slots=True)
class Opinion:
    log_odds: float  # of a complaint: below 0 the model leans to "not negative"
    words: int
    toward_complaint: tuple[str, ...]  # the comment's words weighing most toward a complaint, strongest first
    toward_no_complaint: tuple[str, ...]  # and away from one


def opinion(text: str, model: Model | None = None, shown: int = 3) -> Opinion:
    model = model or load()
    found = features(text)
    known = [(model.weights[key], phrase) for key, phrase in found.items() if key in model.weights]
    scale = math.sqrt(max(len(known), 1))
    log_odds = model.prior + sum(weight for weight, _ in known) / scale
    return Opinion(
        round(log_odds, 3),
        len(_WORD.findall(text.lower())),
        _strongest([(weight, phrase) for weight, phrase in known if weight > 0], shown),
        _strongest([(-weight, phrase) for weight, phrase in known if weight < 0], shown),
    )


def _strongest(pulls: list[tuple[float, str]], shown: int) -> tuple[str, ...]:
    phrases: list[str] = []
    for _, phrase in sorted(pulls, key=lambda pull: (-pull[0], pull[1])):
        lowered = phrase.lower()
        if not any(lowered in other.lower() or other.lower() in lowered for other in phrases):
            phrases.append(phrase)
        if len(phrases) == shown:
            break
    return tuple(phrases)
