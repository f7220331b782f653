"""Regenerate the learned second opinion's weights (`learned_weights.py`) from the labelled dev set."""

import argparse
import sys
from pathlib import Path

from feedback.comments.learned import DEV_SET, WEIGHTS_FILE, render, train_on


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--data", type=Path, default=DEV_SET, help="labelled comments to learn from")
    arguments.add_argument("--check", action="store_true", help="only say whether the shipped weights are current")
    options = arguments.parse_args()
    model = train_on(options.data)
    source = render(model)
    if options.check:
        current = WEIGHTS_FILE.read_text(encoding="utf-8") == source
        print("learned weights are current" if current else "stale: run python -m feedback.comments.train")
        sys.exit(0 if current else 1)
    WEIGHTS_FILE.write_text(source, encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE} ({len(model.weights)} features) from {options.data}")


if __name__ == "__main__":
    main()
