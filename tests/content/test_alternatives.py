"""The alternatives catalogue: its ids, which alternatives each route suggests, ranking and matching."""
import logging

import pytest

from bot.content.alternatives import (
    ROUTES,
    TITLE_MAX_LENGTH,
    Alternative,
    alternatives_for,
    get_alternative,
    load_catalogue,
    match_alternative,
    read_catalogue,
)
from bot.content.files import ContentError
from bot.reflection import Route
from content_fixtures import content_copy, edit, real_content_dir  # noqa: F401 - pytest fixtures

CATALOGUE_IDS = {
    "informal_conversation",
    "restorative_conversation",
    "mediation",
    "coaching",
    "reflective_supervision",
    "training",
    "increased_supervision",
    "change_of_duties",
    "occupational_health",
    "reasonable_adjustments",
    "wellbeing_support",
    "capability_route",
    "system_review",
    "fact_find",
    "senior_hr_advice",
    "specialist_check",
    "being_open",
    "speak_up_support",
    "team_learning",
    "support_after_incident",
}
# Offered only for the people the restorative question says were hurt or affected.
FOR_THOSE_AFFECTED = {
    "restorative_conversation": {"colleagues", "raised_concern", "patient_family"},
    "being_open": {"patient_family"},
    "speak_up_support": {"raised_concern"},
    "team_learning": {"colleagues"},
    "support_after_incident": {"the_person"},
}

ROUTE_FITS = {
    "check_first": {"specialist_check"},
    "find_out_first": {"fact_find", "senior_hr_advice"},
    "health_support": {"occupational_health", "reasonable_adjustments", "wellbeing_support", "informal_conversation"},
    "system_learning": {"system_review", "training", "reflective_supervision", "informal_conversation"},
    # A restorative conversation is for when people have been hurt (or a relationship or bullying concern).
    "informal_resolution": {"informal_conversation", "mediation", "fact_find"},
    "development": {"coaching", "training", "reflective_supervision", "increased_supervision", "capability_route"},
    "senior_hr_advice": {"senior_hr_advice", "fact_find", "wellbeing_support", "change_of_duties"},
    "formal_last_resort": {"fact_find", "capability_route", "change_of_duties", "wellbeing_support"},
}


def ids(alternatives):
    return [alternative.id for alternative in alternatives]


def test_the_catalogue_holds_exactly_the_agreed_alternatives():
    catalogue = load_catalogue()
    assert {item.id for item in catalogue.items} == CATALOGUE_IDS
    assert len(catalogue.items) == len(CATALOGUE_IDS)


def test_every_alternative_has_a_button_title_and_a_plain_line_on_when_it_helps():
    for item in load_catalogue().items:
        assert 0 < len(item.title) <= TITLE_MAX_LENGTH, item.id
        assert item.when.endswith("."), item.id
        assert "\n" not in item.when, item.id


def test_the_routes_with_alternatives_are_every_route_but_escalating_now():
    assert set(ROUTES) == {route.value for route in Route} - {"escalate_now"}
    assert set(ROUTE_FITS) == set(ROUTES)


@pytest.mark.parametrize("route", sorted(ROUTE_FITS))
def test_each_route_suggests_the_alternatives_that_fit_it(route):
    assert set(ids(alternatives_for(route, limit=20))) == ROUTE_FITS[route]


@pytest.mark.parametrize("route", sorted(ROUTE_FITS))
def test_at_most_four_alternatives_by_default_and_never_one_twice(route):
    suggested = ids(alternatives_for(route))
    assert len(suggested) == min(4, len(ROUTE_FITS[route]))
    assert len(suggested) == len(set(suggested))


TALKS_TO_THE_PERSON = {"informal_conversation", "restorative_conversation", "mediation", "coaching",
                       "reflective_supervision", "fact_find"}


@pytest.mark.parametrize("concern_type", [None, "conduct", "relationships", "bullying", "other"])
def test_a_doubt_to_check_first_never_offers_talking_to_the_person(concern_type):
    offered = set(ids(alternatives_for("check_first", concern_type, limit=20)))
    assert offered == {"specialist_check"}
    assert not offered & TALKS_TO_THE_PERSON


@pytest.mark.parametrize("affected", [(), ("patient_family", "colleagues", "the_person", "raised_concern")])
def test_a_doubt_to_check_first_offers_nothing_for_those_affected_either(affected):
    assert ids(alternatives_for("check_first", "conduct", affected=affected)) == ["specialist_check"]


@pytest.mark.parametrize("alternative,groups", sorted(FOR_THOSE_AFFECTED.items()))
def test_an_alternative_for_those_affected_is_offered_only_for_them(alternative, groups):
    for route in sorted(set(ROUTE_FITS) - {"check_first"}):
        assert alternative not in ids(alternatives_for(route, "conduct", limit=20))
        assert alternative not in ids(alternatives_for(route, "conduct", limit=20, affected=("other",)))
    assert get_alternative(alternative).affected and set(get_alternative(alternative).affected) == groups
    for group in groups:
        routes = get_alternative(alternative).routes
        assert any(alternative in ids(alternatives_for(route, "conduct", affected=(group,))) for route in routes)


@pytest.mark.parametrize("route", sorted(set(ROUTE_FITS) - {"check_first"}))
def test_those_affected_come_first_at_most_two_and_the_route_keeps_its_own(route):
    everyone = ("patient_family", "colleagues", "the_person", "raised_concern")
    offered = ids(alternatives_for(route, "clinical", affected=everyone))
    usual = ids(alternatives_for(route, "clinical"))
    first = [item for item in offered if item in FOR_THOSE_AFFECTED]
    assert 1 <= len(first) <= 2 and offered[: len(first)] == first
    assert offered[len(first):] == [item for item in usual if item not in first]
    assert len(offered) == len(set(offered))


@pytest.mark.parametrize("need,first", [
    ("explanation", "being_open"),
    ("support", "speak_up_support"),
    ("put_right", "restorative_conversation"),
])
def test_the_need_named_puts_what_meets_it_first(need, first):
    offered = ids(alternatives_for("system_learning", "clinical", affected=("patient_family", "raised_concern"), need=need))
    assert offered[0] == first


def test_a_patient_family_and_a_colleague_who_raised_it_change_what_a_clinical_incident_offers():
    usual = ids(alternatives_for("system_learning", "clinical"))
    offered = ids(alternatives_for("system_learning", "clinical", affected=("patient_family", "raised_concern"),
                                   need="explanation"))
    assert offered[:2] == ["being_open", "speak_up_support"]
    assert "being_open" not in usual and "speak_up_support" not in usual
    assert offered[2:] == usual


def test_a_restorative_conversation_is_still_first_for_relationship_concerns_with_no_one_named():
    assert ids(alternatives_for("informal_resolution", "relationships"))[0] == "restorative_conversation"


def test_escalating_now_has_no_alternatives():
    assert alternatives_for("escalate_now") == []
    assert alternatives_for(Route.ESCALATE_NOW, concern_type="fraud") == []
    assert alternatives_for(Route.ESCALATE_NOW, affected=("patient_family",)) == []


@pytest.mark.parametrize(
    "route, first",
    [
        ("health_support", "occupational_health"),
        ("system_learning", "system_review"),
        ("informal_resolution", "informal_conversation"),
        ("senior_hr_advice", "senior_hr_advice"),
        ("formal_last_resort", "fact_find"),
    ],
)
def test_without_a_concern_type_each_route_leads_with_its_most_useful_alternative(route, first):
    assert ids(alternatives_for(route))[0] == first


@pytest.mark.parametrize("concern_type", ["relationships", "bullying"])
def test_relationship_and_bullying_concerns_rank_restorative_conversation_and_mediation_first(concern_type):
    suggested = ids(alternatives_for("informal_resolution", concern_type))
    assert set(suggested[:2]) == {"restorative_conversation", "mediation"}
    assert ids(alternatives_for("informal_resolution"))[0] == "informal_conversation"


def test_a_performance_concern_ranks_the_capability_route_first():
    assert ids(alternatives_for("development", "performance"))[0] == "capability_route"
    # Without the concern type the capability route is fifth, so four suggestions leave it out.
    assert "capability_route" not in ids(alternatives_for("development"))


def test_an_attendance_concern_ranks_occupational_health_first():
    assert ids(alternatives_for("health_support", "attendance"))[0] == "occupational_health"


def test_a_concern_type_reorders_but_never_adds_an_alternative_that_does_not_fit_the_route():
    suggested = ids(alternatives_for("system_learning", "performance", limit=20))
    assert set(suggested) == ROUTE_FITS["system_learning"]
    assert "capability_route" not in suggested


def test_the_route_may_be_given_as_the_engine_route():
    assert alternatives_for(Route.DEVELOPMENT) == alternatives_for("development")


def test_the_limit_is_respected():
    assert len(alternatives_for("development", limit=2)) == 2
    assert alternatives_for("development", limit=0) == []


@pytest.mark.parametrize("route, concern_type", [("formal", None), ("development", "gossip")])
def test_an_unknown_route_or_concern_type_is_an_error(route, concern_type):
    with pytest.raises(ValueError):
        alternatives_for(route, concern_type)


def test_get_alternative_by_id():
    mediation = get_alternative("mediation")
    assert isinstance(mediation, Alternative)
    assert mediation.title == "Mediation"
    assert "informal_resolution" in mediation.routes
    assert get_alternative("suspension") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mediation please", "mediation"),
        ("I'll try coaching", "coaching"),
        ("OH referral", "occupational_health"),
        ("refer them to occupational health", "occupational_health"),
        ("Let's do a fact-find first", "fact_find"),
        ("fact_find", "fact_find"),
        ("I think I'll talk to HR", "senior_hr_advice"),
        ("Senior HR advice", "senior_hr_advice"),
        ("a restorative conversation", "restorative_conversation"),
        ("restorative supervision with their supervisor", "reflective_supervision"),
        ("Reflective supervision", "reflective_supervision"),
        ("Capability route, not conduct", "capability_route"),
        ("put them on a capability process", "capability_route"),
        ("a learning response under PSIRF", "system_review"),
        ("I'll have a quiet word", "informal_conversation"),
        ("a change of duties for now", "change_of_duties"),
        ("not mediation, coaching", "coaching"),
        ("coaching rather than mediation", "coaching"),
        ("I don't want mediation but coaching would help", "coaching"),
        ("MEDIATION", "mediation"),
        ("talk to HR about it", "senior_hr_advice"),
    ],
)
def test_free_text_is_matched_to_an_alternative(text, expected):
    matched = match_alternative(text)
    assert matched is not None, text
    assert matched.id == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "oh, I'm not sure",
        "I want to suspend them",
        "I don't think mediation would work",
        "mediation or coaching",
        "mediation or a restorative conversation",
        "no mediation",
        "supervision",
    ],
)
def test_text_that_names_no_alternative_or_several_matches_none(text):
    assert match_alternative(text) is None


def test_the_catalogue_is_cached_per_folder(real_content_dir, content_copy):
    assert load_catalogue(real_content_dir) is load_catalogue(str(real_content_dir))
    assert load_catalogue(real_content_dir) is load_catalogue()
    copy = load_catalogue(content_copy)
    assert copy is not load_catalogue(real_content_dir)
    assert copy == load_catalogue(real_content_dir)


def test_a_malformed_alternative_is_left_out_and_named(edit, content_copy, caplog):
    def break_two(data):
        data["alternatives"][0]["routes"] = ["health_support", "sanction"]
        del data["alternatives"][1]["when"]

    edit("alternatives.yml", break_two)
    items, problems = read_catalogue(content_copy / "alternatives.yml")
    assert {item.id for item in items} == CATALOGUE_IDS - {"occupational_health", "reasonable_adjustments"}
    assert any("'occupational_health'" in p and "'sanction'" in p for p in problems)
    assert any("'reasonable_adjustments'" in p and "missing when" in p for p in problems)

    with caplog.at_level(logging.WARNING, logger="bot.content.alternatives"):
        catalogue = load_catalogue(content_copy)
    assert catalogue.get("occupational_health") is None
    assert catalogue.get("mediation") is not None
    assert "occupational_health" in caplog.text


def test_a_missing_catalogue_is_an_error(tmp_path):
    with pytest.raises(ContentError, match="alternatives.yml: file not found"):
        load_catalogue(tmp_path)
