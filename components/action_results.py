"""Checking the action server's replies without re-checking their schema every time.

Rasa checks every reply from the action server against one fixed JSON schema, through
``jsonschema.validate``, which first checks the schema itself against the JSON Schema
meta-schema, on every call. Under load that re-check was about 30% of the Rasa server's CPU
time (measured with py-spy during `make load`; see docs/benchmarks.md). Here the schema is
checked once and its validator kept; each reply is still checked in full, and an invalid one
raises the same ``ValidationError`` with the same message as before.

Installed by ``install()``, one of the adjustments Pause's launcher applies before Rasa starts
(components/adjustments.py).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import exceptions
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def action_result_validator() -> Validator:
    """A validator for Rasa's action server reply schema, the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: Dict[Text, Any]) -> bool:
    """What ``RemoteAction._validate_action_result`` does, with the kept validator."""
    error = exceptions.best_match(action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Make Rasa's remote actions use the kept validator (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]

