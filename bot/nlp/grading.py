"""The graded safety response: the rules and the risk model together decide how sure we are.

- ``clear``: a rule fired and the risk model sees some risk too, or the risk model is confident
  (on a message long enough to judge, seconded by the intent classifier). The crisis (or
  colleague-at-risk) reply takes over in that turn.
- ``possible``: the model sees some risk but is not confident, or a rule fired where the model
  sees none. The person gets the normal
  answer plus a direct, kind question with the crisis numbers, in the same turn: asking
  directly is what suicide-prevention training teaches, and it does not raise risk.
- ``none``: nothing to act on.

A risk told as history, with nothing saying it is now ("she self-harmed as a teenager and is
doing well"), is at most possible: a kind question fits, a takeover does not.

Whose risk it is matters: the writer (crisis), a colleague (colleague at risk), or a patient in
an incident the manager is describing, which the rules and the model both read as no one at risk
now: a concern to reflect on, not a crisis.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot.nlp.risk import COLLEAGUE, WRITER, RiskScores
from bot.nlp.safety import SafetySignal

CLEAR = "clear"
POSSIBLE = "possible"
NO_RISK = "none"
# A model's confident verdict on a few words rests on too little: "no they wouldn't" shares
# letters with "they wouldn't even notice". Below this many words only a rule takes over; the
# model can still ask the check-in.
MIN_WORDS_FOR_MODEL_TAKEOVER = 4


@dataclass(frozen=True)
class Thresholds:
    """Where the risk model's scores become a possible, then a clear, risk."""

    possible: float
    clear: float

    def __post_init__(self) -> None:
        if not 0.0 < self.possible <= self.clear <= 1.0:
            raise ValueError(f"thresholds must satisfy 0 < possible <= clear <= 1, not {self}")


@dataclass(frozen=True)
class SafetyAssessment:
    """How sure we are that someone is at risk, who, and what said so."""

    level: str
    about: Optional[str]
    by_rules: bool
    by_model: bool

    @property
    def takes_over(self) -> bool:
        return self.level == CLEAR

    def as_dict(self) -> Dict[str, Any]:
        return {"level": self.level, "about": self.about, "by_rules": self.by_rules, "by_model": self.by_model}


def grade(
    signal: SafetySignal,
    scores: Optional[RiskScores],
    thresholds: Thresholds,
    words: int = MIN_WORDS_FOR_MODEL_TAKEOVER,
    seconded: bool = True,
) -> SafetyAssessment:
    """Combine the rules' signal and the model's scores into one graded assessment.

    ``words`` is the message's length; ``seconded`` says whether a second, independent reading
    (the intent classifier) also sees a risk. The model takes over on its own word only for a
    message long enough to judge and seconded; otherwise a confident score still asks the
    check-in. The writer comes first: if both the writer and a colleague may be at risk, the
    writer's own safety is answered. Without a risk model (``scores`` is None) the rules
    decide alone, as they did before there was one: a rule that fires takes over.
    """
    if scores is None:
        return _told_as_history(signal, _by_rules_alone(signal))
    return _told_as_history(signal, _graded(signal, scores, thresholds, words, seconded))


def _graded(signal: SafetySignal, scores: RiskScores, thresholds: Thresholds, words: int, seconded: bool) -> SafetyAssessment:
    trusted = words >= MIN_WORDS_FOR_MODEL_TAKEOVER and seconded
    model_writer = trusted and scores.writer >= thresholds.clear
    model_colleague = trusted and scores.colleague >= thresholds.clear and not model_writer
    # A rule takes over when the model sees some risk too; a rule the model finds no risk in
    # (a quoted patient, a turn of phrase the rules misread) asks the check-in instead.
    agreed = scores.any >= thresholds.possible
    if (signal.crisis and agreed) or model_writer:
        return SafetyAssessment(CLEAR, WRITER, by_rules=signal.crisis, by_model=model_writer or agreed)
    if (signal.colleague_at_risk and agreed) or model_colleague:
        return SafetyAssessment(CLEAR, COLLEAGUE, by_rules=signal.colleague_at_risk, by_model=True)
    if signal.crisis or signal.colleague_at_risk:
        about = WRITER if signal.crisis else COLLEAGUE
        return SafetyAssessment(POSSIBLE, about, by_rules=True, by_model=False)
    if agreed:
        about = WRITER if scores.writer >= scores.colleague else COLLEAGUE
        return SafetyAssessment(POSSIBLE, about, by_rules=False, by_model=True)
    return SafetyAssessment(NO_RISK, None, by_rules=False, by_model=False)


def _told_as_history(signal: SafetySignal, assessment: SafetyAssessment) -> SafetyAssessment:
    """A risk told as history ("I was suicidal years ago") is asked about kindly, not taken over."""
    if signal.history and assessment.level == CLEAR:
        return SafetyAssessment(POSSIBLE, assessment.about, assessment.by_rules, assessment.by_model)
    return assessment


def _by_rules_alone(signal: SafetySignal) -> SafetyAssessment:
    if signal.crisis:
        return SafetyAssessment(CLEAR, WRITER, by_rules=True, by_model=False)
    if signal.colleague_at_risk:
        return SafetyAssessment(CLEAR, COLLEAGUE, by_rules=True, by_model=False)
    return SafetyAssessment(NO_RISK, None, by_rules=False, by_model=False)
