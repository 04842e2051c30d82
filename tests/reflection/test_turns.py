"""The reflection's length, measured without Rasa over the trainer scenarios and answer sets."""
import pytest

from bot.content.scenarios import load_scenarios
from bot.reflection.__main__ import main
from bot.reflection.turns import (
    REPRESENTATIVE,
    Length,
    answer_set_length,
    lengths,
    medians,
    read_answer,
    scenario_answers,
    scenario_length,
)


@pytest.mark.parametrize("question,say,answer", [
    ("health_mental", "/affirm", "yes"),
    ("health_mental", "no, she's well as far as I know", "no"),
    ("health_mental", "not sure to be honest", "unsure"),
    ("urgent_screen", '/inform{"urgent_screen": "none"}', "none"),
    ("urgent_screen", "not sure", "unsure"),
    ("fairness_check", "yes, I'd do the same whoever it was", "yes"),
    ("fairness_check", "not sure, if I'm honest", "unsure"),
    ("affected", "the patient's family, and the HCA who raised it", "patient_family.raised_concern"),
    ("affected_need", "to be listened to", "put_right"),
    ("whose_job", '/inform{"whose_job": "me"}', "me"),
    ("good_outcome", "that they learn from it", "other"),
    ("health_mental", "banana", None),
])
def test_read_answer(question, say, answer):
    assert read_answer(question, say) == answer


def test_every_scenario_reads_as_answers_that_lead_to_its_expected_route():
    for scenario in load_scenarios():
        length = scenario_length(scenario)
        assert length.route == scenario.expect_route
        assert length.turns == len(scenario.turns)
        assert length.questions <= length.turns


def test_a_scenario_reaching_the_guide_meets_the_fairness_check_and_the_restorative_question():
    scenario = next(s for s in load_scenarios() if s.name == "fairness-check-changes-the-route")
    answers = scenario_answers(scenario)
    assert answers["fairness_check"] == "unsure" and answers["affected"] == "patient_family"


def test_a_scenario_whose_turns_lead_elsewhere_cannot_be_measured():
    scenario = next(s for s in load_scenarios() if s.name == "medication-error-under-pressure")
    wrong = scenario.copy(update={"expect": scenario.expect.copy(update={"route": "development"})})
    with pytest.raises(ValueError, match="medication-error-under-pressure: its turns read as system_learning"):
        scenario_length(wrong)


def test_answer_sets_count_the_decision_and_feedback_unless_escalated():
    escalated = answer_set_length("danger", {"concern_type": "clinical", "urgent_screen": "danger"})
    assert (escalated.questions, escalated.turns) == (2, 2)
    name, answers = REPRESENTATIVE[0]
    measured = answer_set_length(name, answers)
    assert measured.turns == measured.questions + 3


def test_medians_and_the_command(capsys):
    assert medians([Length("a", "x", "r", 10, 12), Length("a", "y", "r", 14, 18), Length("a", "z", "r", 15, 19)]) == (14, 18)
    measured = lengths()
    assert len(measured) == len(load_scenarios()) + len(REPRESENTATIVE)
    assert main(["turns"]) == 0
    out = capsys.readouterr().out
    assert "median of 13 trainer scenarios:" in out and "median of 20 reflections in all:" in out
