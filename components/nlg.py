"""Rasa's response generator, without trying to fill slot values into button payloads.

Pause's buttons carry JSON payloads such as /inform{"concern_type": "clinical"}. Rasa's stock
generator reads every {...} in a payload as a slot placeholder and logs an error for each button
on every turn. Titles and texts are still filled; payloads are sent exactly as written.

National wording (safeguarding procedures, NHS 111 option 2) follows the organisation's nation:
the generator sets the ``nation`` slot that those responses' variations are conditioned on, from
the organisation's content file, on every turn and without the action server.
"""
import logging
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.content.directory import SignpostDirectory
from bot.content.files import ContentError
from bot.settings import SettingsError

logger = logging.getLogger(__name__)


def configured_nation() -> Optional[str]:
    """The nation named in the configured organisation's file, or None if it cannot be read."""
    try:
        return SignpostDirectory.load().nation
    except (ContentError, SettingsError):
        logger.warning("The organisation's nation could not be read; national wording uses its default.")
        return None


class PauseNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Fills responses from domain.yml; button payloads are left untouched."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
        nation: Optional[str] = None,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.nation = nation or configured_nation()

    def generate_from_slots(
        self, utter_action: Text, filled_slots: Dict[Text, Any], output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        """A response in the organisation's nation's variation, where it has one."""
        slots = {**(filled_slots or {}), "nation": self.nation}
        return super().generate_from_slots(utter_action, slots, output_channel, **kwargs)

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
