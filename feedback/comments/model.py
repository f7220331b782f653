"""What an analysis says about one comment."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Language = Literal["en", "ru", "other"]
Sentiment = Literal["negative", "neutral", "positive"]


class Topic(StrEnum):
    """What a comment is about; the order of the members is the order of `CommentAnalysis.topics`."""

    LATE = "late"
    NO_SHOW_OR_STALL = "no_show_or_stall"
    RUDE = "rude"
    NOT_FIXED = "not_fixed"
    DAMAGE = "damage"
    PRICE = "price"
    COMMUNICATION = "communication"
    SAFETY = "safety"
    PRAISE = "praise"


COMPLAINT_TOPICS = frozenset({Topic.LATE, Topic.NO_SHOW_OR_STALL, Topic.RUDE, Topic.NOT_FIXED, Topic.DAMAGE})


@dataclass(frozen=True, slots=True)
class Cue:
    """Words of the comment that counted: `phrase` as written, what they are about and how much they weighed
    (negative for a complaint, positive for praise, zero for a mere mention of a topic)."""

    phrase: str
    topic: Topic | None
    weight: float


@dataclass(frozen=True, slots=True)
class CommentAnalysis:
    language: Language
    sentiment: Sentiment
    score: float
    topics: tuple[Topic, ...]
    cues: tuple[Cue, ...]
