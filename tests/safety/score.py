"""Score crisis detection on the labelled safety set: rules alone, model alone, and both.

Run against a trained model:

    RASA_TELEMETRY_ENABLED=false .venv/bin/python -m tests.safety.score --model models/pause.tar.gz

"Model alone" reads the intent the classifier predicted before the safety net (kept by the
SafetyNet component under ``safety_net.model_intent``); "combined" is the intent the whole
pipeline returns. The exit code is 1 when combined crisis recall is below 1.0.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

LABELLED_SET = Path(__file__).resolve().parent / "labelled_messages.yml"
CRISIS_INTENT = "crisis"
COLLEAGUE_AT_RISK_INTENT = "colleague_at_risk"
ALARM_INTENTS = frozenset({CRISIS_INTENT, COLLEAGUE_AT_RISK_INTENT})

Parse = Callable[[str], Awaitable[Dict[str, Any]]]


@dataclass(frozen=True)
class LabelledSet:
    """The evaluation messages by label."""

    crisis: Tuple[str, ...]
    colleague_at_risk: Tuple[str, ...]
    not_crisis: Tuple[str, ...]


@dataclass(frozen=True)
class Detection:
    """What one detector said about one message."""

    crisis: bool
    colleague_at_risk: bool

    @property
    def alarm(self) -> bool:
        """True when the message would get either safety response."""
        return self.crisis or self.colleague_at_risk


@dataclass(frozen=True)
class Score:
    """One detector's figures on the labelled set."""

    detector: str
    crisis_found: int
    crisis_total: int
    colleague_found: int
    colleague_total: int
    false_alarms: int
    look_alikes: int
    missed_crises: Tuple[str, ...]

    @property
    def crisis_recall(self) -> float:
        """Share of crisis messages detected as crisis."""
        return self.crisis_found / self.crisis_total if self.crisis_total else 1.0

    @property
    def colleague_recall(self) -> float:
        """Share of colleague-at-risk messages detected as colleague at risk."""
        return self.colleague_found / self.colleague_total if self.colleague_total else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of look-alikes that would get a safety response."""
        return self.false_alarms / self.look_alikes if self.look_alikes else 0.0


def load_labelled_set(path: Path = LABELLED_SET) -> LabelledSet:
    """Read the labelled safety set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    not_crisis = tuple(message for group in data["not_crisis"].values() for message in group)
    return LabelledSet(
        crisis=tuple(data["crisis"]),
        colleague_at_risk=tuple(data["colleague_at_risk"]),
        not_crisis=not_crisis,
    )


def score_detections(detector: str, labelled: LabelledSet, detections: Dict[str, Detection]) -> Score:
    """Turn per-message detections into one row of figures."""
    missed = tuple(message for message in labelled.crisis if not detections[message].crisis)
    return Score(
        detector=detector,
        crisis_found=len(labelled.crisis) - len(missed),
        crisis_total=len(labelled.crisis),
        colleague_found=sum(detections[message].colleague_at_risk for message in labelled.colleague_at_risk),
        colleague_total=len(labelled.colleague_at_risk),
        false_alarms=sum(detections[message].alarm for message in labelled.not_crisis),
        look_alikes=len(labelled.not_crisis),
        missed_crises=missed,
    )


def all_messages(labelled: LabelledSet) -> List[str]:
    """Every message of the set once."""
    return list(dict.fromkeys(labelled.crisis + labelled.colleague_at_risk + labelled.not_crisis))


def rule_detections(labelled: LabelledSet) -> Dict[str, Detection]:
    """What the deterministic rules alone say about each message."""
    from bot.nlp.safety import assess

    detections = {}
    for message in all_messages(labelled):
        signal = assess(message)
        detections[message] = Detection(crisis=signal.crisis, colleague_at_risk=signal.colleague_at_risk)
    return detections


def _intent_detection(intent_name: Optional[str]) -> Detection:
    return Detection(crisis=intent_name == CRISIS_INTENT, colleague_at_risk=intent_name == COLLEAGUE_AT_RISK_INTENT)


def model_intent_name(parse_data: Dict[str, Any]) -> Optional[str]:
    """The classifier's own intent, before the safety net overrode it."""
    safety_net = parse_data.get("safety_net") or {}
    model_intent = safety_net.get("model_intent") or parse_data.get("intent") or {}
    return model_intent.get("name")


def final_intent_name(parse_data: Dict[str, Any]) -> Optional[str]:
    """The intent the whole NLU pipeline returned."""
    return (parse_data.get("intent") or {}).get("name")


async def model_detections(
    labelled: LabelledSet, parse: Parse
) -> Tuple[Dict[str, Detection], Dict[str, Detection]]:
    """Model-alone and combined detections, from one parse of each message."""
    model_alone: Dict[str, Detection] = {}
    combined: Dict[str, Detection] = {}
    for message in all_messages(labelled):
        parse_data = await parse(message)
        model_alone[message] = _intent_detection(model_intent_name(parse_data))
        combined[message] = _intent_detection(final_intent_name(parse_data))
    return model_alone, combined


def either(first: Dict[str, Detection], second: Dict[str, Detection]) -> Dict[str, Detection]:
    """Detections of two detectors taken together (an alarm from either counts)."""
    return {
        message: Detection(
            crisis=first[message].crisis or second[message].crisis,
            colleague_at_risk=first[message].colleague_at_risk or second[message].colleague_at_risk,
        )
        for message in first
    }


async def score_all(labelled: LabelledSet, parse: Optional[Parse]) -> List[Score]:
    """Rows for the rules alone and, given a parser, the model alone, either, and the pipeline."""
    rules = rule_detections(labelled)
    scores = [score_detections("rules alone", labelled, rules)]
    if parse is not None:
        model_alone, combined = await model_detections(labelled, parse)
        scores.append(score_detections("model alone", labelled, model_alone))
        scores.append(score_detections("rules or model", labelled, either(rules, model_alone)))
        scores.append(score_detections("combined pipeline", labelled, combined))
    return scores


def format_table(scores: Sequence[Score]) -> str:
    """A plain-text table of the scores."""
    header = f"{'detector':<20} {'crisis recall':>20} {'colleague recall':>20} {'false alarms':>20}"
    lines = [header, "-" * len(header)]
    for score in scores:
        lines.append(
            f"{score.detector:<20} "
            f"{score.crisis_recall:>7.3f} ({score.crisis_found:>3}/{score.crisis_total:<3})    "
            f"{score.colleague_recall:>7.3f} ({score.colleague_found:>3}/{score.colleague_total:<3})    "
            f"{score.false_alarm_rate:>7.3f} ({score.false_alarms:>3}/{score.look_alikes:<3})"
        )
    return "\n".join(lines)


def load_agent_parser(model_path: Path) -> Parse:
    """A parser backed by a trained Rasa model (Rasa logs only warnings meanwhile)."""
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model_path))

    async def parse(text: str) -> Dict[str, Any]:
        return await agent.parse_message(text)

    return parse


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the score table; exit 1 when the combined pipeline misses any crisis."""
    parser = argparse.ArgumentParser(prog="python -m tests.safety.score", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="trained Rasa model (.tar.gz); rules only without it")
    arguments = parser.parse_args(argv)
    labelled = load_labelled_set()
    parse = load_agent_parser(arguments.model) if arguments.model else None
    scores = asyncio.run(score_all(labelled, parse))
    print(format_table(scores))
    final = scores[-1]
    for message in final.missed_crises:
        print(f"missed by {final.detector}: {message}")
    if parse is not None and final.crisis_recall < 1.0:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
