"""The demo scenarios: the real ones load and cover the workshop's themes; malformed ones are named."""
import shutil
from pathlib import Path

import pytest
import yaml

from bot.content.check import check_content, main
from bot.content.scenarios import (
    Expect,
    Scenario,
    Turn,
    UnknownScenario,
    get_scenario,
    load_scenarios,
    read_scenario_file,
    read_scenarios,
)
from bot.reflection.engine import Route

REAL_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"

GOOD = {
    "title": "A short test scenario",
    "concern_type": "clinical",
    "context": "A fictional ward.\nA fictional nurse.",
    "learning_points": ["One point.", "Another point."],
    "turns": [
        {"say": "I have a concern about a nurse", "narrate": "Say what happens."},
        {"say": '/inform{"urgent_screen": "none"}'},
    ],
    "expect": {"route": "system_learning"},
}


def write(folder: Path, name: str, data) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def changed(**fields):
    data = {key: value for key, value in GOOD.items()}
    for key, value in fields.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


def problems_of(tmp_path, data, name="test-scenario"):
    scenario, problems = read_scenario_file(write(tmp_path, name, data))
    assert (scenario is None) == bool(problems)
    return problems


# The real scenarios


def test_the_real_scenarios_are_well_formed_and_there_are_at_least_eight():
    scenarios, problems = read_scenarios(REAL_CONTENT_DIR / "scenarios")
    assert problems == []
    assert len(scenarios) >= 8
    assert [s.name for s in scenarios] == sorted(s.name for s in scenarios)


def test_the_real_scenarios_cover_the_workshop_themes_and_routes():
    by_name = {s.name: s for s in load_scenarios(REAL_CONTENT_DIR)}
    themes = {
        "medication-error-under-pressure": ("clinical", "system_learning"),
        "lateness-and-caring-duties": ("attendance", "senior_hr_advice"),
        "conflict-between-colleagues": ("relationships", "informal_resolution"),
        "bullying-allegation": ("bullying", "formal_last_resort"),
        "timesheet-fraud": ("fraud", "escalate_now"),
        "social-media-post": ("conduct", "development"),
        "health-related-decline": ("performance", "health_support"),
        "deliberate-harm": ("clinical", "escalate_now"),
    }
    for name, (concern_type, route) in themes.items():
        assert (by_name[name].concern_type, by_name[name].expect_route) == (concern_type, route), name
    # Between them, the scenarios reach every route the engine has.
    assert {s.expect_route for s in by_name.values()} == {route.value for route in Route}


def test_every_real_scenario_reads_well_on_a_projector():
    for scenario in load_scenarios(REAL_CONTENT_DIR):
        assert 2 <= len(scenario.learning_points) <= 5, scenario.name
        assert scenario.turns, scenario.name
        assert "\n" not in scenario.context, "context is joined into one paragraph"
        assert 2 <= scenario.context.count(". ") + 1 <= 6, f"{scenario.name}: context should be 2-4 sentences"


def test_get_scenario_finds_one_by_name_with_its_turns_in_order():
    scenario = get_scenario("timesheet-fraud", REAL_CONTENT_DIR)
    assert scenario.title == "Suspected timesheet fraud"
    assert scenario.expect_route == "escalate_now"
    assert [turn.say for turn in scenario.turns] == ["hello", "I think one of my band 5s has falsified her timesheets"]


def test_a_scenario_becomes_the_pause_demo_message(tmp_path):
    write(tmp_path / "scenarios", "test-scenario", GOOD)
    scenario = get_scenario("test-scenario", tmp_path)
    assert scenario == Scenario(
        name="test-scenario",
        title="A short test scenario",
        concern_type="clinical",
        context="A fictional ward. A fictional nurse.",
        learning_points=("One point.", "Another point."),
        turns=(
            Turn(say="I have a concern about a nurse", narrate="Say what happens."),
            Turn(say='/inform{"urgent_screen": "none"}'),
        ),
        expect=Expect(route="system_learning"),
    )
    assert scenario.turns[1].is_payload and not scenario.turns[0].is_payload
    assert scenario.as_message() == {
        "name": "test-scenario",
        "title": "A short test scenario",
        "context": "A fictional ward. A fictional nurse.",
        "learning_points": ["One point.", "Another point."],
        "turns": [
            {"say": "I have a concern about a nurse", "narrate": "Say what happens."},
            {"say": '/inform{"urgent_screen": "none"}', "narrate": None},
        ],
    }


def test_an_unknown_name_lists_the_names_there_are(tmp_path):
    write(tmp_path / "scenarios", "test-scenario", GOOD)
    with pytest.raises(UnknownScenario) as raised:
        get_scenario("no-such-thing", tmp_path)
    assert raised.value.names == ["test-scenario"]
    assert "no-such-thing" in str(raised.value) and "test-scenario" in str(raised.value)


# Malformed scenarios


@pytest.mark.parametrize(
    "data, expected",
    [
        (changed(turns=None), ["missing turns"]),
        (changed(turns=[]), ["missing turns"]),
        (changed(concern_type="rudeness"), ["unknown concern_type 'rudeness' (one of: clinical, conduct"]),
        (changed(title=None, context=None), ["missing title", "missing context"]),
        (changed(learning_points=["Only one."]), ["learning_points has 1 points; give 2 to 5"]),
        (changed(learning_points=["a", "b", "c", "d", "e", "f"]), ["learning_points has 6 points; give 2 to 5"]),
        (changed(turns=[{"narrate": "Nothing said."}]), ["turn 1: missing say"]),
        (changed(turns=[{"say": False}]), ["turn 1: say is read as true or false; put yes or no in quotes"]),
        (changed(turns=["just a string"]), ["turn 1: expected 'say' (and optionally 'narrate')"]),
        (changed(turns=[{"say": "hi", "narate": "typo"}]), ["turn 1: unknown field 'narate'"]),
        (changed(turns=[{"say": '/inform{"urgent_screen": none}'}]), ["turn 1: the entities in"]),
        (changed(turns=[{"say": "/Inform please"}]), ["turn 1: '/Inform please' is not a button payload"]),
        (changed(expect={"route": "sack_them"}), ["expect: unknown route 'sack_them'"]),
        (changed(expect={"rout": "development"}), ["expect: missing route", "expect: unknown field 'rout'"]),
        (changed(concern_type="fraud"), ["expect: a fraud concern always escalates now"]),
        (changed(title="x" * 61), ["title is longer than 60 characters"]),
        (changed(learn_points=["a", "b"]), ["unknown field 'learn_points'"]),
    ],
)
def test_each_kind_of_malformed_scenario_is_named(tmp_path, data, expected):
    problems = problems_of(tmp_path, data)
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected):
        assert problem.startswith(f"scenarios/test-scenario.yml: {start}"), problem


def test_a_file_name_that_is_not_kebab_case_is_named(tmp_path):
    assert problems_of(tmp_path, GOOD, name="Medication_Error") == [
        "scenarios/Medication_Error.yml: the file name 'Medication_Error' is not kebab-case "
        "(lower-case letters, digits and hyphens)"
    ]


def test_a_file_that_is_not_a_scenario_is_named(tmp_path):
    assert problems_of(tmp_path, "- just\n- a list\n") == [
        "scenarios/test-scenario.yml: expected a scenario: title, concern_type, context, "
        "learning_points, turns and expect"
    ]


def test_malformed_files_are_left_out_and_the_rest_still_load(tmp_path, caplog):
    folder = tmp_path / "scenarios"
    write(folder, "good-one", GOOD)
    write(folder, "no-turns", changed(turns=None))
    write(folder, "broken-yaml", "title: [unclosed\n")
    scenarios, problems = read_scenarios(folder)
    assert [s.name for s in scenarios] == ["good-one"]
    assert problems[0].startswith("scenarios/broken-yaml.yml: not valid YAML")
    assert problems[1] == "scenarios/no-turns.yml: missing turns"
    assert [s.name for s in load_scenarios(tmp_path)] == ["good-one"]
    assert "scenarios/no-turns.yml: missing turns" in caplog.text


def test_no_scenarios_at_all_is_a_problem(tmp_path):
    assert read_scenarios(tmp_path / "scenarios") == (
        (),
        ["scenarios/: no scenario files (such as medication-error-under-pressure.yml)"],
    )


# The content check


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT_DIR, target)
    return target


def test_the_content_check_names_every_malformed_scenario(content_copy):
    write(content_copy / "scenarios", "broken-scenario", changed(concern_type="gossip", turns=None))
    problems = check_content(content_copy, organisation="example-trust")
    assert problems == [
        "scenarios/broken-scenario.yml: missing turns",
        "scenarios/broken-scenario.yml: unknown concern_type 'gossip' (one of: clinical, conduct, attendance, "
        "performance, relationships, bullying, fraud, safeguarding, crime, other)",
    ]


def test_the_content_check_counts_the_scenarios_and_fails_on_a_broken_one(content_copy, capsys):
    count = len(list((content_copy / "scenarios").glob("*.yml")))
    assert main(["--content-dir", str(content_copy)]) == 0
    assert f"; {count} demo scenarios;" in capsys.readouterr().out
    write(content_copy / "scenarios", "broken-scenario", changed(expect=None))
    assert main(["--content-dir", str(content_copy)]) == 1
    output = capsys.readouterr().out
    assert "scenarios/broken-scenario.yml: missing expect" in output
    assert "Content check failed: 1 problem to fix." in output
