"""Action server replies are checked as strictly as Rasa checks them, with a validator built once."""
from __future__ import annotations

from typing import Any, Dict

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from components import action_results

VALID = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "concern_type", "value": "conduct", "timestamp": None},
            {"event": "active_loop", "name": "reflection_form"},
        ],
        "responses": [{"response": "utter_ask_urgent_screen"}],
    },
    {},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "utter_greet"},
    {"responses": ["utter_greet"]},
    [],
    "a string",
]


def rasa_message(result: Any) -> str:
    """The error Rasa's own check gives (jsonschema.validate, schema re-checked on every call)."""
    with pytest.raises(jsonschema.ValidationError) as error:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    return error.value.message


def action() -> RemoteAction:
    return RemoteAction("validate_reflection_form", None)


@pytest.mark.parametrize("result", VALID)
def test_valid_replies_pass(result: Dict[str, Any]) -> None:
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert action_results.validate_action_result(action(), result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_replies_fail_with_rasas_own_error(result: Any) -> None:
    with pytest.raises(jsonschema.ValidationError) as error:
        action_results.validate_action_result(action(), result)
    assert error.value.message.startswith(rasa_message(result) + ". Failed to validate Action server response")


def test_the_schema_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    action_results.action_result_validator.cache_clear()
    checks = []
    validator_class = type(action_results.action_result_validator())
    original = validator_class.check_schema
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, schema: checks.append(1) or original(schema)))
    action_results.action_result_validator.cache_clear()
    for _ in range(5):
        action_results.validate_action_result(action(), VALID[1])
    assert checks == [1]


def test_installing_makes_rasa_use_the_kept_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_results.install()
    assert RemoteAction._validate_action_result is action_results.validate_action_result
    with pytest.raises(jsonschema.ValidationError):
        action()._validate_action_result({"events": "not a list"})
