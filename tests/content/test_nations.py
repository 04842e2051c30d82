"""Right for each nation: the organisation file names its nation, national services and texts follow
it, and every number the bot's own words show comes from an in-date entry for that nation."""
from datetime import date

import pytest
import yaml

from bot.content.check import check_content
from bot.content.directory import SignpostDirectory, read_directory_file
from bot.content.responses import read_responses, response_number_problems, shown_numbers
from bot.settings import REPO_ROOT
from content_fixtures import content_copy, edit, real_content_dir, write_file  # noqa: F401 - pytest fixtures

TODAY = date(2026, 11, 29)
RESPONSES = read_responses(REPO_ROOT / "domain.yml")
NATIONAL = read_directory_file(REPO_ROOT / "content", "signposting/national.yml", "national").entries


def ids(directory: SignpostDirectory) -> set:
    return {entry.id for entry in directory.current(TODAY)}


def directory_for(content_dir, nation: str) -> SignpostDirectory:
    label = "organisations/example-trust.yml"
    path = content_dir / label
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["nation"] = nation
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return SignpostDirectory.load(content_dir, "example-trust")


def test_the_example_health_board_is_welsh_and_the_example_trust_english(real_content_dir):
    wales = SignpostDirectory.load(real_content_dir, "example-health-board")
    england = SignpostDirectory.load(real_content_dir, "example-trust")
    assert (wales.nation, england.nation) == ("wales", "england")
    # NHS Practitioner Health is for doctors and dentists in England only.
    assert "nhs_practitioner_health" in ids(england)
    assert "nhs_practitioner_health" not in ids(wales)
    # NHS 111 option 2 is urgent mental health help in England and Wales.
    assert "nhs_111_mental_health" in ids(england) & ids(wales)
    practitioner = england.get("nhs_practitioner_health", TODAY)
    assert "doctors and dentists" in practitioner.purpose and "not a service for all staff" in practitioner.purpose


@pytest.mark.parametrize("nation", ["scotland", "northern_ireland"])
def test_scotland_and_northern_ireland_get_no_england_and_wales_services(content_copy, nation):
    directory = directory_for(content_copy, nation)
    assert directory.nation == nation
    assert not {"nhs_111_mental_health", "nhs_practitioner_health", "nhs_counter_fraud_authority"} & ids(directory)
    assert {"samaritans", "shout", "emergency_services"} <= ids(directory)


def test_an_organisation_file_without_its_nation_fails_the_check(edit, content_copy):
    edit("organisations/example-trust.yml", lambda data: data.pop("nation"))
    problems = check_content(content_copy, TODAY)
    assert any("example-trust.yml" in problem and "'nation:'" in problem for problem in problems)


def test_every_number_in_the_bots_words_is_found_and_the_real_domain_passes():
    numbers = {shown.number for shown in shown_numbers(RESPONSES)}
    assert {"999", "111", "116 123", "85258", "0800 028 4060", "101"} <= numbers
    assert response_number_problems(RESPONSES, NATIONAL, TODAY) == []


def test_an_expired_entry_fails_the_check_for_the_responses_that_show_its_number():
    problems = response_number_problems(RESPONSES, NATIONAL, date(2027, 6, 1))
    assert any("'utter_crisis' shows 116 123" in problem and "expired" in problem for problem in problems)


def test_a_number_without_an_entry_or_in_the_wrong_nation_fails():
    responses = {
        "utter_new": [{"text": "Call 0300 000 0000 now."}],
        "utter_help_line": [
            {"text": "Call NHS 111 and choose option 2."},
            {"text": "Call 116 123.", "condition": [{"type": "slot", "name": "nation", "value": "scotland"}]},
        ],
    }
    problems = response_number_problems(responses, NATIONAL, TODAY)
    assert any("'utter_new' shows 0300 000 0000, which no directory entry gives" in p for p in problems)
    # The unconditioned wording is shown in Northern Ireland, where NHS 111 option 2 is not a service.
    assert any("'utter_help_line' shows 111 in Northern Ireland" in p for p in problems)
    assert not any("Scotland" in p for p in problems)
