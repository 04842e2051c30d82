"""Rasa's response generator, without trying to fill slot values into button payloads.

Pause's buttons carry JSON payloads such as /inform{"concern_type": "clinical"}. Rasa's stock
generator reads every {...} in a payload as a slot placeholder and logs an error for each button
on every turn. Titles and texts are still filled; payloads are sent exactly as written.
"""
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig


class PauseNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Fills responses from domain.yml; button payloads are left untouched."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    def _fill_response(
        self, response: Dict[Text, Any], filled_slots: Optional[Dict[Text, Any]] = None, **kwargs: Any
    ) -> Dict[Text, Any]:
        buttons = response.pop("buttons", None)
        filled = super()._fill_response(response, filled_slots, **kwargs)
        if buttons is not None:
            titles_only = super()._fill_response({"text": [b.get("title", "") for b in buttons]}, filled_slots, **kwargs)
            filled["buttons"] = [
                {**button, "title": title} for button, title in zip(buttons, titles_only["text"])
            ]
        return filled
