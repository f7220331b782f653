"""Snowball stems, shared by the rules and the learned model: one stemmer per language, cached, and locked because
a Snowball stemmer keeps its state between calls (the on-demand analysis runs in threads)."""

import threading
from functools import lru_cache
from typing import Literal

import snowballstemmer

_stemmers = {"en": snowballstemmer.stemmer("english"), "ru": snowballstemmer.stemmer("russian")}
_lock = threading.Lock()


@lru_cache(maxsize=65536)
def stem(word: str, language: Literal["en", "ru"] = "en") -> str:
    with _lock:
        return str(_stemmers[language].stemWord(word))
