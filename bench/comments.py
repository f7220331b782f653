"""Comment analysis against labelled comments: negative precision and recall, sentiment and language accuracy,
topic micro-F1 (and per topic), latency per comment, against the rules alone (`rules_alone`: without the learned
second opinion); and the time hostile texts take, at the longest a rating's comment (2,000 characters) and the
on-demand analysis (10,000) accept.

    python -m bench.comments --data data/comments/dev.jsonl --json bench/results/comments.json
"""

import json
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import parser, report
from feedback.comments import Topic, analyze


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def quality(comments: list[dict[str, Any]], show_misses: bool, learned_opinion: bool = True) -> dict[str, Any]:
    counts = {"tp": 0, "fp": 0, "fn": 0}
    sentiment_right = language_right = 0
    per_topic = {topic: {"tp": 0, "fp": 0, "fn": 0} for topic in Topic}
    for comment in comments:
        analysis = analyze(comment["text"], learned_opinion=learned_opinion)
        predicted_negative = analysis.sentiment == "negative"
        actual_negative = comment["sentiment"] == "negative"
        counts["tp"] += predicted_negative and actual_negative
        counts["fp"] += predicted_negative and not actual_negative
        counts["fn"] += actual_negative and not predicted_negative
        sentiment_right += analysis.sentiment == comment["sentiment"]
        language_right += analysis.language == comment["lang"]
        predicted_topics = set(analysis.topics)
        actual_topics = {Topic(topic) for topic in comment["topics"]}
        for topic in Topic:
            per_topic[topic]["tp"] += topic in predicted_topics and topic in actual_topics
            per_topic[topic]["fp"] += topic in predicted_topics and topic not in actual_topics
            per_topic[topic]["fn"] += topic in actual_topics and topic not in predicted_topics
        wrong = analysis.sentiment != comment["sentiment"] or predicted_topics != actual_topics
        if show_misses and wrong:
            print(
                f"{comment['id']} want {comment['sentiment']} {sorted(actual_topics)} "
                f"got {analysis.sentiment} {sorted(predicted_topics)}: {comment['text']}\n"
                f"    {[(cue.phrase, cue.topic, cue.weight) for cue in analysis.cues]}"
            )
    precision = ratio(counts["tp"], counts["tp"] + counts["fp"])
    recall = ratio(counts["tp"], counts["tp"] + counts["fn"])
    totals = {key: sum(topic_counts[key] for topic_counts in per_topic.values()) for key in ("tp", "fp", "fn")}
    topic_precision = ratio(totals["tp"], totals["tp"] + totals["fp"])
    topic_recall = ratio(totals["tp"], totals["tp"] + totals["fn"])
    topics = {}
    for topic, topic_counts in per_topic.items():
        p = ratio(topic_counts["tp"], topic_counts["tp"] + topic_counts["fp"])
        r = ratio(topic_counts["tp"], topic_counts["tp"] + topic_counts["fn"])
        topics[topic.value] = {
            "precision": p,
            "recall": r,
            "f1": f1(p, r),
            "support": topic_counts["tp"] + topic_counts["fn"],
        }
    return {
        "comments": len(comments),
        "negative_precision": precision,
        "negative_recall": recall,
        "negative_f1": f1(precision, recall),
        "sentiment_accuracy": ratio(sentiment_right, len(comments)),
        "language_accuracy": ratio(language_right, len(comments)),
        "topic_micro_precision": topic_precision,
        "topic_micro_recall": topic_recall,
        "topic_micro_f1": f1(topic_precision, topic_recall),
        "topics": topics,
    }


def latency(comments: list[dict[str, Any]], repeat: int) -> dict[str, float]:
    """Milliseconds per comment over every timed run; `slowest_comment_ms` is the slowest comment's fastest run, what
    the analysis costs without the machine's other work."""
    samples: list[float] = []
    fastest_per_comment: list[float] = []
    for comment in comments:
        analyze(comment["text"])
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            analyze(comment["text"])
            runs.append(time.perf_counter() - started)
        samples.extend(runs)
        fastest_per_comment.append(min(runs))
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 4),
        "p99_ms": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000, 4),
        "max_ms": round(ordered[-1] * 1000, 4),
        "slowest_comment_ms": round(max(fastest_per_comment) * 1000, 4),
        "runs": len(ordered),
    }


# Texts shaped to make a pattern try every position again: long runs of one character, of a short unit, of words a
# rule looks for, each ending in a word (a text of spaces alone is answered before any pattern runs). A shape that
# takes time quadratic in its length (10,000 digits took 12.9 s before three patterns were anchored) shows as a
# 10k/2k ratio far above 5.
HOSTILE_UNITS = {
    "digits": "1", "spaces": " ", "cyrillic letter": "\N{CYRILLIC SMALL LETTER A}", "latin letter": "a",
    "newlines": "\n", "commas": ",", "exclamations": "!", "closing brackets": ")", "opening brackets": "(",
    "quotes": '"', "pound signs": "£", "emoji": "\N{POUTING FACE}", "number and space": "1 ", "number and colon": "1:",
    "number and dash": "1-", "number and comma": "1,", "sum": "£1 ", "dot and space": ". ", "negations": "не ",
    "hyphenated": "слово-", "clock times": "в 18:00 1h15 £45 £110 10/10 ",
    "russian complaint": "мастер нагрубил но приехал быстро, ",
    "english complaint": "wasn't late but rude, 40 min after I called, as promised. ",
}  # fmt: skip


def hostile_text(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[: length - 4] + " end"


def hostile(repeat: int) -> dict[str, Any]:
    """Median ms per shape at 2,000 and 10,000 characters, and their ratio (linear: about 5)."""
    shapes: dict[str, dict[str, float]] = {}
    for name, unit in HOSTILE_UNITS.items():
        timed = {}
        for length in (2000, 10_000):
            text = hostile_text(unit, length)
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                analyze(text)
                runs.append(time.perf_counter() - started)
            timed[length] = statistics.median(runs) * 1000
        shapes[name] = {
            "ms_2000": round(timed[2000], 2), "ms_10000": round(timed[10_000], 2),
            "ratio": round(timed[10_000] / timed[2000], 2),
        }  # fmt: skip
    return {
        "shapes": shapes,
        "slowest_ms_2000": max(shape["ms_2000"] for shape in shapes.values()),
        "slowest_ms_10000": max(shape["ms_10000"] for shape in shapes.values()),
        "largest_ratio": max(shape["ratio"] for shape in shapes.values()),
    }


def main() -> None:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--data", type=Path, default=Path("data/comments/eval.jsonl"), help="labelled comments")
    arguments.add_argument("--show-misses", action="store_true", help="print each comment the analysis got wrong")
    arguments.set_defaults(repeat=5)
    options = arguments.parse_args()
    comments = load(options.data)
    figures = quality(comments, options.show_misses)
    # The baseline: the rules' verdicts alone, without the learned model's second opinion.
    alone = quality(comments, show_misses=False, learned_opinion=False)
    figures["rules_alone"] = {key: value for key, value in alone.items() if key != "topics"}
    figures["latency"] = latency(comments, options.repeat)
    figures["hostile"] = hostile(3)
    figures["data"] = str(options.data)
    report("comments", figures, options.json)


if __name__ == "__main__":
    main()
