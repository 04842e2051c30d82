"""Table-driven tests of the Just Culture rule engine: every Guide exit, urgent route and unsure path."""
import pytest

from bot.reflection import Route, next_questions, route_for
from bot.reflection.engine import decisive_unknowns
from bot.reflection.questions import QUESTIONS

CLEAR = {
    "concern_type": "conduct",
    "urgent_screen": "none",
    "health_substance": "no",
    "health_physical": "no",
    "health_mental": "no",
    "protocol_exists": "yes",
    "protocol_workable": "yes",
    "knowingly_departed": "yes",
    "peers_same": "no",
    "missed_training": "no",
    "lacked_supervision": "no",
    "mitigation": "no",
    "informal_conversation": "yes",
    "pattern": "yes",
    "good_outcome": "behaviour_change",
}


def with_(**changes):
    answers = dict(CLEAR)
    answers.update(changes)
    return answers


ROUTE_CASES = [
    # id, answers, route, guide exit, urgent route, reasons
    ("urgent danger", with_(urgent_screen="danger"), Route.ESCALATE_NOW, None, "danger", ("urgent_danger",)),
    ("urgent safeguarding", with_(urgent_screen="safeguarding"), Route.ESCALATE_NOW, None, "safeguarding", ("urgent_safeguarding",)),
    ("urgent fraud", with_(urgent_screen="fraud"), Route.ESCALATE_NOW, None, "fraud", ("urgent_fraud",)),
    ("urgent crime", with_(urgent_screen="crime"), Route.ESCALATE_NOW, None, "crime", ("urgent_crime",)),
    ("A deliberate harm from screen", with_(urgent_screen="deliberate_harm"), Route.ESCALATE_NOW, "A", "deliberate_harm", ("urgent_deliberate_harm",)),
    ("A deliberate harm when screen unsure", with_(urgent_screen="unsure", urgent_doubt="deliberate_harm", deliberate_harm="yes"), Route.ESCALATE_NOW, "A", "deliberate_harm", ("urgent_deliberate_harm",)),
    ("unsure about danger is treated as danger", with_(urgent_screen="unsure", urgent_doubt="danger"), Route.ESCALATE_NOW, None, "danger", ("urgent_danger",)),
    ("unsure about fraud: check first", with_(urgent_screen="unsure", urgent_doubt="fraud"), Route.CHECK_FIRST, None, None, ("check_first_fraud",)),
    ("unsure about safeguarding: check first", with_(urgent_screen="unsure", urgent_doubt="safeguarding"), Route.CHECK_FIRST, None, None, ("check_first_safeguarding",)),
    ("unsure about crime: check first", with_(urgent_screen="unsure", urgent_doubt="crime"), Route.CHECK_FIRST, None, None, ("check_first_crime",)),
    ("unsure about several: check first", with_(urgent_screen="unsure", urgent_doubt="several"), Route.CHECK_FIRST, None, None, ("check_first_several",)),
    ("unsure, kind not named yet: check first", with_(urgent_screen="unsure"), Route.CHECK_FIRST, None, None, ("check_first_several",)),
    ("deliberate harm unsure: check first", with_(urgent_screen="unsure", urgent_doubt="deliberate_harm", deliberate_harm="unsure"), Route.CHECK_FIRST, None, None, ("check_first_deliberate_harm",)),
    ("deliberate harm doubt cleared", with_(urgent_screen="unsure", urgent_doubt="deliberate_harm", deliberate_harm="no"), Route.FORMAL_LAST_RESORT, "G", None, ("no_exit_applies", "pattern_despite_support")),
    ("fraud concern type", {"concern_type": "fraud"}, Route.ESCALATE_NOW, None, "fraud", ("urgent_fraud",)),
    ("safeguarding concern type", {"concern_type": "safeguarding"}, Route.ESCALATE_NOW, None, "safeguarding", ("urgent_safeguarding",)),
    ("crime concern type", {"concern_type": "crime"}, Route.ESCALATE_NOW, None, "crime", ("urgent_crime",)),
    ("B substance", with_(health_substance="yes", health_spotted_earlier="no"), Route.HEALTH_SUPPORT, "B", None, ("health_substance",)),
    ("C physical", with_(health_physical="yes", health_spotted_earlier="yes"), Route.HEALTH_SUPPORT, "C", None, ("health_physical", "health_spotted_earlier")),
    ("C mental", with_(health_mental="yes", health_spotted_earlier="no"), Route.HEALTH_SUPPORT, "C", None, ("health_mental",)),
    ("D no protocol", with_(protocol_exists="no"), Route.SYSTEM_LEARNING, "D", None, ("protocol_exists_no",)),
    ("D unworkable", with_(protocol_workable="no"), Route.SYSTEM_LEARNING, "D", None, ("protocol_workable_no",)),
    ("D not knowingly", with_(knowingly_departed="no"), Route.SYSTEM_LEARNING, "D", None, ("knowingly_departed_no",)),
    ("E peers same", with_(peers_same="yes"), Route.SYSTEM_LEARNING, "E", None, ("peers_same",)),
    ("E missed training", with_(missed_training="yes"), Route.SYSTEM_LEARNING, "E", None, ("missed_training",)),
    ("E no supervision", with_(lacked_supervision="yes"), Route.SYSTEM_LEARNING, "E", None, ("lacked_supervision",)),
    ("F mitigation", with_(mitigation="yes"), Route.SENIOR_HR_ADVICE, "F", None, ("mitigation",)),
    ("G no informal conversation", with_(informal_conversation="no"), Route.INFORMAL_RESOLUTION, "G", None, ("no_exit_applies", "no_informal_conversation")),
    ("G informal unknown", with_(informal_conversation="unsure"), Route.INFORMAL_RESOLUTION, "G", None, ("no_exit_applies", "informal_conversation_unknown")),
    ("G first occurrence", with_(pattern="no"), Route.DEVELOPMENT, "G", None, ("no_exit_applies", "first_occurrence")),
    ("G pattern unknown", with_(pattern="unsure"), Route.DEVELOPMENT, "G", None, ("no_exit_applies", "pattern_unknown")),
    ("G formal last resort", CLEAR, Route.FORMAL_LAST_RESORT, "G", None, ("no_exit_applies", "pattern_despite_support")),
    ("G formal, capability", with_(concern_type="performance"), Route.FORMAL_LAST_RESORT, "G", None, ("no_exit_applies", "pattern_despite_support", "capability_route")),
    ("G informal unknown blocks formal", with_(informal_conversation="unsure", pattern="yes"), Route.INFORMAL_RESOLUTION, "G", None, ("no_exit_applies", "informal_conversation_unknown")),
    # An unsure exit answer that could change the route: find out first, nothing aimed at the individual.
    ("health unsure: find out first", with_(health_mental="unsure"), Route.FIND_OUT_FIRST, None, None, ("unsure_could_change_route",)),
    ("substance unsure, first time: find out first", with_(health_substance="unsure", pattern="no"), Route.FIND_OUT_FIRST, None, None, ("unsure_could_change_route",)),
    ("foresight unsure: find out first", with_(knowingly_departed="unsure"), Route.FIND_OUT_FIRST, None, None, ("unsure_could_change_route",)),
    ("substitution unsure: find out first", with_(peers_same="unsure", informal_conversation="no"), Route.FIND_OUT_FIRST, None, None, ("unsure_could_change_route",)),
    ("mitigation unsure: find out first", with_(mitigation="unsure"), Route.FIND_OUT_FIRST, None, None, ("unsure_could_change_route",)),
    # Unsure whether a protocol exists cannot change a route that its unworkability already decides.
    ("protocol unsure but unworkable: D stands", with_(protocol_exists="unsure", protocol_workable="no"), Route.SYSTEM_LEARNING, "D", None, ("protocol_workable_no",)),
]


@pytest.mark.parametrize("answers,route,guide_exit,urgent,reasons", [c[1:] for c in ROUTE_CASES], ids=[c[0] for c in ROUTE_CASES])
def test_route_for(answers, route, guide_exit, urgent, reasons):
    assessment = route_for(answers)
    assert assessment.route == route
    assert assessment.guide_exit == guide_exit
    assert assessment.urgent_route == urgent
    assert assessment.reasons == reasons


def test_all_unsure_health_is_not_development_for_the_individual():
    answers = with_(health_substance="unsure", health_physical="unsure", health_mental="unsure",
                    protocol_exists="unsure", peers_same="unsure", pattern="no")
    assessment = route_for(answers)
    assert assessment.route == Route.FIND_OUT_FIRST
    assert assessment.unknowns == ("health_substance", "health_physical", "health_mental", "protocol_exists", "peers_same")
    assert decisive_unknowns(answers) == ("health_substance", "health_physical", "health_mental", "protocol_exists", "peers_same")


@pytest.mark.parametrize("question", ["health_substance", "health_physical", "health_mental", "protocol_exists",
                                      "protocol_workable", "knowingly_departed", "peers_same", "missed_training",
                                      "lacked_supervision", "mitigation"])
@pytest.mark.parametrize("later", [dict(), dict(pattern="no"), dict(informal_conversation="no")])
def test_unsure_at_an_exit_never_routes_like_no(question, later):
    answers = with_(**{question: "unsure"}, **later)
    as_no = with_(**{question: "no" if question not in ("protocol_exists", "protocol_workable", "knowingly_departed") else "yes"}, **later)
    assert route_for(answers).route == Route.FIND_OUT_FIRST
    assert route_for(as_no).route != Route.FIND_OUT_FIRST
    assert question in route_for(answers).unknowns


def test_unsure_urgent_screen_asks_which_kind_and_waits():
    answers = {"concern_type": "conduct", "urgent_screen": "unsure"}
    assert next_questions(answers) == ["concern_type", "urgent_screen", "urgent_doubt"]
    assessment = route_for(answers)
    assert assessment.route == Route.CHECK_FIRST
    assert "urgent_screen" in assessment.unknowns


def test_a_cleared_doubt_is_no_longer_unknown():
    answers = with_(urgent_screen="unsure", urgent_doubt="deliberate_harm", deliberate_harm="no")
    assert "deliberate_harm" in next_questions(answers)
    assert "urgent_screen" not in route_for(answers).unknowns


def test_answered_no_on_the_screen_does_not_ask_deliberate_harm():
    assert "deliberate_harm" not in next_questions(CLEAR)


# After the Guide's questions: who has been hurt or affected, a good outcome, the fairness check.
CLOSING = ["affected", "good_outcome", "fairness_check"]
NOT_ASKED_UNLESS_SOMEONE_AFFECTED = ("affected_need", "whose_job")

SKIP_CASES = [
    ("empty", {}, ["concern_type", "urgent_screen", "health_substance", "health_physical", "health_mental",
                   "protocol_exists", "protocol_workable", "knowingly_departed", "peers_same", "missed_training",
                   "lacked_supervision", "mitigation", "informal_conversation", *CLOSING]),
    ("urgent concern type", {"concern_type": "fraud"}, ["concern_type"]),
    ("urgent screen", {"concern_type": "conduct", "urgent_screen": "danger"}, ["concern_type", "urgent_screen"]),
    ("deliberate harm yes", {"concern_type": "conduct", "urgent_screen": "unsure", "urgent_doubt": "deliberate_harm", "deliberate_harm": "yes"},
     ["concern_type", "urgent_screen", "urgent_doubt", "deliberate_harm"]),
    ("deliberate harm unsure waits", {"concern_type": "conduct", "urgent_screen": "unsure", "urgent_doubt": "deliberate_harm", "deliberate_harm": "unsure"},
     ["concern_type", "urgent_screen", "urgent_doubt", "deliberate_harm"]),
    ("possible fraud waits", {"concern_type": "conduct", "urgent_screen": "unsure", "urgent_doubt": "fraud"},
     ["concern_type", "urgent_screen", "urgent_doubt"]),
    ("health exit skips steps 3 to 5 and pattern", {"concern_type": "conduct", "urgent_screen": "none", "health_substance": "yes"},
     ["concern_type", "urgent_screen", "health_substance", "health_spotted_earlier", "informal_conversation", *CLOSING]),
    ("foresight exit", {"urgent_screen": "none", "health_substance": "no", "health_physical": "no", "health_mental": "no",
                        "protocol_exists": "no"},
     ["concern_type", "urgent_screen", "health_substance", "health_physical", "health_mental", "protocol_exists",
      "informal_conversation", *CLOSING]),
    ("substitution exit", with_(missed_training="yes"),
     ["concern_type", "urgent_screen", "health_substance", "health_physical", "health_mental", "protocol_exists",
      "protocol_workable", "knowingly_departed", "peers_same", "missed_training", "informal_conversation", *CLOSING]),
    ("mitigation yes skips pattern", with_(mitigation="yes"),
     [q for q in QUESTIONS if q not in ("urgent_doubt", "deliberate_harm", "health_spotted_earlier", *NOT_ASKED_UNLESS_SOMEONE_AFFECTED, "pattern")]),
    ("no informal conversation skips pattern", with_(informal_conversation="no"),
     [q for q in QUESTIONS if q not in ("urgent_doubt", "deliberate_harm", "health_spotted_earlier", *NOT_ASKED_UNLESS_SOMEONE_AFFECTED, "pattern")]),
    ("informal conversation asks about a pattern", with_(pattern=None),
     [q for q in QUESTIONS if q not in ("urgent_doubt", "deliberate_harm", "health_spotted_earlier", *NOT_ASKED_UNLESS_SOMEONE_AFFECTED)]),
]


@pytest.mark.parametrize("answers,expected", [c[1:] for c in SKIP_CASES], ids=[c[0] for c in SKIP_CASES])
def test_next_questions_skip_logic(answers, expected):
    assert next_questions(answers) == expected


def test_questions_follow_the_guide_order():
    asked = next_questions({})
    assert asked == [q for q in QUESTIONS if q in asked]


# The restorative questions: what they need and whose job it is are asked only when someone was affected.
@pytest.mark.parametrize("affected,asked", [
    ("patient_family", True),
    ("patient_family.raised_concern", True),
    ("other", True),
    ("no_one", False),
    ("unsure", False),
])
def test_restorative_follow_ups_only_when_someone_was_affected(affected, asked):
    questions = next_questions(with_(affected=affected))
    assert ("affected_need" in questions) is asked
    assert ("whose_job" in questions) is asked
    assert questions[-2:] == ["good_outcome", "fairness_check"]


@pytest.mark.parametrize("answers", [
    with_(affected="colleagues", affected_need="unsure", whose_job="unsure"),
    with_(affected="unsure"),
])
def test_restorative_answers_never_change_the_route_or_count_as_unknowns(answers):
    assessment = route_for(answers)
    assert assessment.route == Route.FORMAL_LAST_RESORT
    assert assessment.unknowns == ()


def test_the_fairness_check_is_asked_last_for_every_concern_that_reaches_the_guide():
    for concern in ("clinical", "conduct", "attendance", "performance", "relationships", "bullying", "other"):
        assert next_questions({"concern_type": concern, "urgent_screen": "none"})[-1] == "fairness_check"


@pytest.mark.parametrize("answers", [
    {"concern_type": "fraud", "fairness_check": "no"},
    {"concern_type": "conduct", "urgent_screen": "danger", "fairness_check": "no"},
    {"concern_type": "conduct", "urgent_screen": "unsure", "urgent_doubt": "safeguarding", "fairness_check": "unsure"},
])
def test_urgent_and_check_first_routes_never_wait_for_the_fairness_check(answers):
    assert "fairness_check" not in next_questions(answers)
    assessment = route_for(answers)
    assert assessment.route in (Route.ESCALATE_NOW, Route.CHECK_FIRST)
    assert "fairness_to_examine" not in assessment.reasons


FAIRNESS_CASES = [
    # id, answers without the fairness check, route when "yes", route when "no" or "not sure", reasons then
    ("formal becomes senior HR advice", CLEAR, Route.FORMAL_LAST_RESORT, Route.SENIOR_HR_ADVICE,
     ("no_exit_applies", "pattern_despite_support", "fairness_to_examine", "fairness_before_formal")),
    ("capability formal becomes senior HR advice", with_(concern_type="performance"), Route.FORMAL_LAST_RESORT,
     Route.SENIOR_HR_ADVICE, ("no_exit_applies", "pattern_despite_support", "fairness_to_examine", "fairness_before_formal")),
    ("development keeps its route", with_(pattern="no"), Route.DEVELOPMENT, Route.DEVELOPMENT,
     ("no_exit_applies", "first_occurrence", "fairness_to_examine")),
    ("informal resolution keeps its route", with_(informal_conversation="no"), Route.INFORMAL_RESOLUTION,
     Route.INFORMAL_RESOLUTION, ("no_exit_applies", "no_informal_conversation", "fairness_to_examine")),
    ("health support keeps its route", with_(health_mental="yes", health_spotted_earlier="no"), Route.HEALTH_SUPPORT,
     Route.HEALTH_SUPPORT, ("health_mental", "fairness_to_examine")),
    ("system learning keeps its route", with_(protocol_workable="no"), Route.SYSTEM_LEARNING, Route.SYSTEM_LEARNING,
     ("protocol_workable_no", "fairness_to_examine")),
    ("mitigation keeps senior HR advice", with_(mitigation="yes"), Route.SENIOR_HR_ADVICE, Route.SENIOR_HR_ADVICE,
     ("mitigation", "fairness_to_examine")),
    ("find out first keeps its route", with_(mitigation="unsure"), Route.FIND_OUT_FIRST, Route.FIND_OUT_FIRST,
     ("unsure_could_change_route", "fairness_to_examine")),
]


@pytest.mark.parametrize("answers,when_yes,when_doubt,reasons", [c[1:] for c in FAIRNESS_CASES],
                         ids=[c[0] for c in FAIRNESS_CASES])
def test_the_fairness_check(answers, when_yes, when_doubt, reasons):
    yes = route_for({**answers, "fairness_check": "yes"})
    assert yes == route_for(answers)
    assert yes.route == when_yes
    for doubt in ("no", "unsure"):
        assessment = route_for({**answers, "fairness_check": doubt})
        assert assessment.route == when_doubt
        assert assessment.guide_exit == yes.guide_exit
        assert assessment.unknowns == yes.unknowns
        assert "fairness_check" not in assessment.unknowns
        if yes.route != Route.FORMAL_LAST_RESORT:
            assert assessment.reasons == yes.reasons + ("fairness_to_examine",)
        assert [r for r in assessment.reasons if r.startswith("fairness")] == [
            r for r in reasons if r.startswith("fairness")
        ]
        if yes.route == Route.FORMAL_LAST_RESORT:
            assert "capability_route" not in assessment.reasons
