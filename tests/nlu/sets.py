"""The evaluation sets of the understanding work: frozen (judged, never tuned on) and dev (tuned on).

Each kind of set lives in tests/nlu/frozen/, tests/nlu/dev/, tests/nlu/dev2/ and tests/nlu/dev3/
(second and third development rounds by other writers):
- ``intents.yml``: Rasa NLU YAML, one intent per block, plain text examples;
- ``crisis.yml``: ``crisis:`` items with ``text``, ``about`` (writer or colleague) and ``kind``;
- ``lookalikes.yml``: ``lookalikes:`` items with ``text`` and ``kind`` (never anyone at risk now).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import yaml

HERE = Path(__file__).resolve().parent
SETS = ("frozen", "dev", "dev2", "dev3")
# The sets that are tuned on.
DEV_SETS = ("dev", "dev2", "dev3")


@dataclass(frozen=True)
class Labelled:
    """One evaluation message and what it is."""

    text: str
    label: str
    kind: str = ""


@dataclass(frozen=True, repr=False)
class EvaluationSets:
    """The three sets of one kind (frozen or dev)."""

    intents: List[Labelled]
    crisis: List[Labelled]
    lookalikes: List[Labelled]

    def everything(self) -> List[Labelled]:
        return self.intents + self.crisis + self.lookalikes

    def __repr__(self) -> str:
        # Only sizes: a failing test must never print a frozen message.
        return f"<sets: {len(self.intents)} intents, {len(self.crisis)} crisis, {len(self.lookalikes)} look-alikes>"


def load_intents(path: Path) -> List[Labelled]:
    """(text, intent) from a Rasa NLU YAML file."""
    items: List[Labelled] = []
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                items.append(Labelled(line[2:].strip(), block["intent"]))
    return items


def load_sets(name: str) -> EvaluationSets:
    """The frozen or dev sets."""
    if name not in SETS:
        raise ValueError(f"unknown evaluation set {name!r}; choose from {SETS}")
    folder = HERE / name
    crisis = yaml.safe_load((folder / "crisis.yml").read_text(encoding="utf-8"))["crisis"]
    lookalikes = yaml.safe_load((folder / "lookalikes.yml").read_text(encoding="utf-8"))["lookalikes"]
    return EvaluationSets(
        intents=load_intents(folder / "intents.yml"),
        crisis=[Labelled(item["text"], item["about"], item.get("kind", "")) for item in crisis],
        lookalikes=[Labelled(item["text"], "none", item.get("kind", "")) for item in lookalikes],
    )


def counts_by_label(items: List[Labelled]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for item in items:
        counts[item.label] = counts.get(item.label, 0) + 1
    return counts
