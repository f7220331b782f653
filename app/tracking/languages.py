"""The reader's languages from the browser's Accept-Language (RFC 9110 §12.5.4), for pages that know nothing
else about who opens them."""

from collections.abc import Sequence


def by_preference(accept_language: str | None, offered: Sequence[str]) -> list[str]:
    """The offered languages, the reader's most wanted first (a regional variant counts for its language:
    de-CH wants de); those he did not name, or refused with q=0, follow in their own order."""
    weights: dict[str, float] = {}
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, parameters = part.partition(";")
        language = tag.strip().split("-")[0].lower()
        weight = _quality(parameters)
        if language in offered and weight > 0 and language not in weights:
            weights[language] = weight - position * 1e-6  # equal weights: the order they were named in
    return sorted(offered, key=lambda language: (-weights.get(language, 0.0), offered.index(language)))


def _quality(parameters: str) -> float:
    name, _, value = parameters.strip().partition("=")
    if name.strip().lower() != "q":
        return 1.0
    try:
        weight = float(value)
    except ValueError:
        return 0.0
    return weight if 0 <= weight <= 1 else 0.0
