"""Choose the risk model's two thresholds on a tuning split, never on the evaluation sets.

The tuning split is (1) out-of-fold scores on the model's own training data (five folds, so no
message is scored by a model that saw it) and (2) the development sets under tests/nlu/dev/
and the earlier labelled sets, scored by a model trained on all the training data. The frozen
sets under tests/nlu/frozen/ are never read here.

    .venv/bin/python scripts/tune_risk.py [--regularisation C ...]

For each threshold it prints, with the rules alongside as they run in Pause:
- recall: crisis and colleague messages that get crisis numbers (rules, or model >= possible);
- takeover: look-alikes that get the full crisis reply (rules, or model >= clear);
- prompt: look-alikes that get any crisis prompt (rules, or model >= possible).
It then proposes the thresholds:
- ``possible``: the highest threshold at which dev recall (rules and model, as in Pause) is still
  whole and the model alone still catches at least 96.5% of the out-of-fold crises: unseen crises
  must all get the numbers, and the check-in is the cheaper mistake;
- ``clear``: the lowest threshold at which the model alone takes over on at most 1% of the
  out-of-fold messages and 0.5% of the dev look-alikes (the full takeover is the costly mistake).
The out-of-fold half is the harder one: its negatives were written to look like crises.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.nlp.pipeline import get_nlp  # noqa: E402
from bot.nlp.risk import (  # noqa: E402
    COLLEAGUE,
    NONE,
    SEED,
    WRITER,
    RiskModel,
    load_risk_examples,
    reading_of,
    training_set,
)
from bot.nlp.safety import assess  # noqa: E402

ENTITY_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
LABEL_OF_INTENT = {"crisis": WRITER, "colleague_at_risk": COLLEAGUE}
DEV_DIR = REPO / "tests" / "nlu" / "dev"
GRID = [round(value, 3) for value in np.arange(0.05, 1.0, 0.025)]
OUT_OF_FOLD_RECALL = 0.965


@dataclass
class Scored:
    """Messages with their label, the rules' verdict and the model's risk score."""

    labels: List[str]
    rules: List[bool]
    writer: np.ndarray
    colleague: np.ndarray

    @property
    def any(self) -> np.ndarray:
        return self.writer + self.colleague


def nlu_examples() -> List[Tuple[str, str]]:
    """(text, risk label) for every NLU training example."""
    pairs = []
    for path in sorted((REPO / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            label = LABEL_OF_INTENT.get(block["intent"], NONE)
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    pairs.append((ENTITY_ANNOTATION.sub(r"\1", line[2:]), label))
    return pairs


def dev_messages() -> List[Tuple[str, str]]:
    """(text, risk label) for the development sets."""
    pairs: List[Tuple[str, str]] = []
    crisis = yaml.safe_load((DEV_DIR / "crisis.yml").read_text(encoding="utf-8"))["crisis"]
    pairs += [(item["text"], WRITER if item["about"] == "writer" else COLLEAGUE) for item in crisis]
    lookalikes = yaml.safe_load((DEV_DIR / "lookalikes.yml").read_text(encoding="utf-8"))["lookalikes"]
    pairs += [(item["text"], NONE) for item in lookalikes]
    labelled = yaml.safe_load((DEV_DIR / "labelled_safety.yml").read_text(encoding="utf-8"))
    pairs += [(text, WRITER) for text in labelled["crisis"]]
    pairs += [(text, COLLEAGUE) for text in labelled["colleague_at_risk"]]
    pairs += [(text, NONE) for text in labelled["not_crisis"]]
    return pairs


def rules_fire(texts: Sequence[str]) -> List[bool]:
    nlp = get_nlp()
    return [bool((signal := assess(nlp(text))).crisis or signal.colleague_at_risk) for text in texts]


def out_of_fold(texts: List[str], labels: List[str], regularisation: float) -> Scored:
    writer = np.zeros(len(texts))
    colleague = np.zeros(len(texts))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train, held in folds.split(texts, labels):
        model = RiskModel.train([texts[i] for i in train], [labels[i] for i in train], regularisation)
        for index, scores in zip(held, model.scores([texts[i] for i in held])):
            writer[index], colleague[index] = scores.writer, scores.colleague
    return Scored(labels, [False] * len(texts), writer, colleague)


def scored_by(model: RiskModel, pairs: List[Tuple[str, str]]) -> Scored:
    texts = [text for text, _ in pairs]
    scores = model.scores([reading_of(text) for text in texts])
    return Scored(
        [label for _, label in pairs], rules_fire(texts),
        np.array([s.writer for s in scores]), np.array([s.colleague for s in scores]),
    )


def rates(scored: Scored, possible: float, clear: float) -> Dict[str, float]:
    labels = np.array(scored.labels)
    rules = np.array(scored.rules)
    positive = labels != NONE
    caught = rules | (scored.any >= possible)
    takeover = rules | (scored.writer >= clear) | (scored.colleague >= clear)
    return {
        "recall": float(caught[positive].mean()) if positive.any() else 1.0,
        "missed": int((~caught[positive]).sum()),
        "takeover": float(takeover[~positive].mean()) if (~positive).any() else 0.0,
        "prompt": float(caught[~positive].mean()) if (~positive).any() else 0.0,
    }


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regularisation", type=float, nargs="+", default=[RiskModel.DEFAULT_REGULARISATION])
    arguments = parser.parse_args(argv)
    texts, labels = training_set(load_risk_examples(), nlu_examples())
    dev = dev_messages()
    print(f"training messages: {len(texts)} ({sum(l != NONE for l in labels)} at risk); dev messages: {len(dev)}")
    for regularisation in arguments.regularisation:
        oof = out_of_fold(texts, labels, regularisation)
        on_dev = scored_by(RiskModel.train(texts, labels, regularisation), dev)
        print(f"\nC={regularisation}")
        print(" threshold | out-of-fold recall takeover prompt | dev recall (missed) takeover prompt")
        for threshold in GRID:
            a, b = rates(oof, threshold, threshold), rates(on_dev, threshold, threshold)
            print(f"   {threshold:5.3f}   |   {a['recall']:.3f}   {a['takeover']:.3f}   {a['prompt']:.3f}  |"
                  f"  {b['recall']:.3f} ({b['missed']:2d})   {b['takeover']:.3f}   {b['prompt']:.3f}")
        whole = [
            t for t in GRID
            if all(rates(on_dev, lower, 1.0)["missed"] == 0 for lower in GRID if lower <= t)
            and rates(oof, t, 1.0)["recall"] >= OUT_OF_FOLD_RECALL
        ]
        possible = max(whole) if whole else GRID[0]
        clear = min(
            (t for t in GRID if t >= possible and rates(on_dev, 1.0, t)["takeover"] <= 0.005
             and rates(oof, 1.0, t)["takeover"] <= 0.01),
            default=GRID[-1],
        )
        dev_rates, oof_rates = rates(on_dev, possible, clear), rates(oof, possible, clear)
        print(f"proposed: possible {possible}, clear {clear}")
        print(f"  dev: recall {dev_rates['recall']:.3f}, look-alike takeover {dev_rates['takeover']:.3f}, any prompt {dev_rates['prompt']:.3f}")
        print(f"  out-of-fold: recall {oof_rates['recall']:.3f}, takeover {oof_rates['takeover']:.3f}, any prompt {oof_rates['prompt']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
