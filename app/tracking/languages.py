"""The reader's languages from the browser's Accept-Language (RFC 9110 §12.5.4), for pages that know nothing
else about who opens them."""

from collections.abc import Sequence


def by_preference(accept_language: str | None, offered: Sequence[str]) -> list[str]:
    """The offered languages, the reader's most wanted first (a regional variant counts for its language:
    de-CH wants de; a language named twice counts by its higher weight, ties by the first mention); those he
    did not name, or refused with q=0, follow in their own order."""
    weights: dict[str, tuple[float, int]] = {}
    for position, part in enumerate((accept_language or "").split(",")):
        tag, *parameters = part.split(";")
        language = tag.strip().split("-")[0].lower()
        weight = _quality(parameters)
        if language in offered and weight > 0:
            first = weights[language][1] if language in weights else position
            weights[language] = (max(weight, weights.get(language, (0.0, 0))[0]), first)
    return sorted(
        offered,
        key=lambda language: (
            -weights[language][0] if language in weights else 0.0,
            weights[language][1] if language in weights else len(offered) + offered.index(language),
        ),
    )


def _quality(parameters: list[str]) -> float:
    """The q weight among a tag's parameters (1 when it has none); a weight that is not one counts as no wish."""
    for parameter in parameters:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                return 0.0
            return weight if 0 <= weight <= 1 else 0.0
    return 1.0
