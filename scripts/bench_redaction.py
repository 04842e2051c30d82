"""Time redaction per message: ``python scripts/bench_redaction.py [--repeat N]``.

Every user message and every event the tracker store writes passes through ``redact``, so its
cost is paid on each turn. This times it on the labelled redaction set (messages as managers and
staff type them), after a warm-up that loads the pipeline, and prints the median and p95 per
message in milliseconds.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import List

import yaml

from bot.nlp import redact as redaction

REDACTION_SET = Path(__file__).resolve().parents[1] / "tests" / "nlp" / "redaction_set.yml"


def messages() -> List[str]:
    """The texts of the labelled redaction set."""
    with open(REDACTION_SET, encoding="utf-8") as handle:
        return [str(message["text"]) for message in yaml.safe_load(handle)["messages"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="passes over the set")
    arguments = parser.parse_args()
    texts = messages()
    redaction.redact("warm-up: Priya spoke to Dr Okafor")
    timings = []
    for _ in range(arguments.repeat):
        for text in texts:
            # Each pass must do the work again, not read an earlier result.
            cache_clear = getattr(redaction.find_pii, "cache_clear", None)
            if cache_clear is not None:
                cache_clear()
            started = time.perf_counter()
            redaction.redact(text)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    print(
        f"redact(): {len(texts)} messages x {arguments.repeat}: median {statistics.median(timings):.3f} ms, "
        f"p95 {p95:.3f} ms, mean {statistics.mean(timings):.3f} ms"
    )


if __name__ == "__main__":
    main()
