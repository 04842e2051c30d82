"""How the rules' signal and the risk model's scores combine into one graded assessment."""
import pytest

from bot.nlp.grading import CLEAR, NO_RISK, POSSIBLE, SafetyAssessment, Thresholds, grade
from bot.nlp.risk import RiskScores
from bot.nlp.safety import SafetySignal

THRESHOLDS = Thresholds(possible=0.4, clear=0.9)
QUIET = SafetySignal(crisis=False, colleague_at_risk=False, matches=())
WRITER_RULE = SafetySignal(crisis=True, colleague_at_risk=False, matches=("writer:kill_self",))
OTHER_RULE = SafetySignal(crisis=False, colleague_at_risk=True, matches=("other:suicidal",))
BOTH_RULES = SafetySignal(crisis=True, colleague_at_risk=True, matches=("writer:kill_self", "other:suicidal"))


def signal_of(crisis: bool = False, colleague_at_risk: bool = False, history: bool = False) -> SafetySignal:
    matches = (("writer:kill_self",) if crisis else ()) + (("other:suicidal",) if colleague_at_risk else ())
    return SafetySignal(crisis=crisis, colleague_at_risk=colleague_at_risk, matches=matches, history=history)


@pytest.mark.parametrize(
    "signal, writer, colleague, expected",
    [
        (QUIET, 0.0, 0.0, (NO_RISK, None, False, False)),
        (QUIET, 0.2, 0.19, (NO_RISK, None, False, False)),
        (QUIET, 0.2, 0.2, (POSSIBLE, "writer", False, True)),  # the two together reach "possible"
        (QUIET, 0.1, 0.5, (POSSIBLE, "colleague", False, True)),
        (QUIET, 0.89, 0.0, (POSSIBLE, "writer", False, True)),
        (QUIET, 0.9, 0.0, (CLEAR, "writer", False, True)),
        (QUIET, 0.0, 0.95, (CLEAR, "colleague", False, True)),
        # A rule takes over when the model sees some risk too, and asks the check-in when not.
        (WRITER_RULE, 0.0, 0.0, (POSSIBLE, "writer", True, False)),
        (WRITER_RULE, 0.4, 0.0, (CLEAR, "writer", True, True)),
        (WRITER_RULE, 0.95, 0.0, (CLEAR, "writer", True, True)),
        (OTHER_RULE, 0.0, 0.0, (POSSIBLE, "colleague", True, False)),
        (OTHER_RULE, 0.0, 0.5, (CLEAR, "colleague", True, True)),
        (OTHER_RULE, 0.95, 0.0, (CLEAR, "writer", False, True)),  # the writer's own risk comes first
        (BOTH_RULES, 0.0, 0.0, (POSSIBLE, "writer", True, False)),
        (BOTH_RULES, 0.2, 0.2, (CLEAR, "writer", True, True)),
    ],
)
def test_grading(signal: SafetySignal, writer: float, colleague: float, expected: tuple) -> None:
    level, about, by_rules, by_model = expected
    assert grade(signal, RiskScores(writer, colleague), THRESHOLDS) == SafetyAssessment(level, about, by_rules, by_model)


def test_only_a_clear_risk_takes_over() -> None:
    assert grade(WRITER_RULE, RiskScores(0.5, 0), THRESHOLDS).takes_over
    assert not grade(QUIET, RiskScores(0.5, 0), THRESHOLDS).takes_over


@pytest.mark.parametrize("possible, clear", [(0.0, 0.5), (0.6, 0.5), (0.5, 1.1)])
def test_thresholds_must_be_in_order(possible: float, clear: float) -> None:
    with pytest.raises(ValueError):
        Thresholds(possible, clear)


def test_the_model_alone_never_takes_over_on_a_few_words() -> None:
    assert grade(QUIET, RiskScores(0.99, 0.0), THRESHOLDS, words=3) == SafetyAssessment(POSSIBLE, "writer", False, True)
    assert grade(QUIET, RiskScores(0.99, 0.0), THRESHOLDS, words=4).takes_over
    assert grade(WRITER_RULE, RiskScores(0.5, 0.0), THRESHOLDS, words=1).takes_over


def test_the_model_alone_takes_over_only_when_seconded() -> None:
    assert grade(QUIET, RiskScores(0.99, 0.0), THRESHOLDS, seconded=False) == SafetyAssessment(POSSIBLE, "writer", False, True)
    assert grade(WRITER_RULE, RiskScores(0.5, 0.0), THRESHOLDS, seconded=False).takes_over


@pytest.mark.parametrize("signal", [signal_of(crisis=True, history=True), signal_of(colleague_at_risk=True, history=True)])
def test_a_risk_told_as_history_is_asked_about_not_taken_over(signal: SafetySignal) -> None:
    assessment = grade(signal, RiskScores(0.99, 0.99), THRESHOLDS, words=12)
    assert (assessment.level, assessment.takes_over) == (POSSIBLE, False)
    assert grade(signal, None, THRESHOLDS).level == POSSIBLE


def test_without_a_risk_model_the_rules_decide_alone() -> None:
    assert grade(signal_of(crisis=True), None, THRESHOLDS).level == CLEAR
    assert grade(signal_of(colleague_at_risk=True), None, THRESHOLDS).about == "colleague"
    assert grade(signal_of(), None, THRESHOLDS).level == NO_RISK
