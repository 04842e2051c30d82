"""An NLU component that cuts people's names and other personal details out of extracted entities.

It runs after the entity extractor and before the synonym mapper, so that "clinical practice -
Okonkwo-" becomes "clinical practice" and maps to the concern type "clinical". The redaction of the
message text, which the tracker store repeats on its way to disk, is remembered, so each message's
names are recognised once.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_VALUE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.entities import without_personal_details


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class NameFreeEntities(GraphComponent):
    """Trims each extracted entity to its part without personal details; drops one that is all detail."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NameFreeEntities":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            entities = message.get(ENTITIES)
            if not text or not entities:
                continue
            kept = []
            for entity in entities:
                start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
                if not isinstance(start, int) or not isinstance(end, int):
                    kept.append(entity)
                    continue
                span = without_personal_details(text, start, end)
                if span is None:
                    continue
                if span != (start, end):
                    entity = {
                        **entity,
                        ENTITY_ATTRIBUTE_START: span[0],
                        ENTITY_ATTRIBUTE_END: span[1],
                        ENTITY_ATTRIBUTE_VALUE: text[span[0] : span[1]],
                    }
                kept.append(entity)
            message.set(ENTITIES, kept, add_to_output=True)
        return messages
