"""The NLU component that cuts names out of extracted entities, on Rasa messages."""
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.name_free_entities import NameFreeEntities


def test_the_concern_type_runs_no_further_than_the_surname() -> None:
    text = "clinical practice - Okonkwo-Bell gave the wrong dose"
    entity = {"entity": "concern_type", "start": 0, "end": 28, "value": text[:28], "extractor": "CRFEntityExtractor"}
    other = {"entity": "case_reference", "value": "P-7K3Q-9MXD"}
    message = Message(data={TEXT: text, ENTITIES: [entity, other]})

    NameFreeEntities.create({}, None, None, None).process([message])

    assert message.get(ENTITIES) == [
        {**entity, "end": 17, "value": "clinical practice"},
        other,
    ]


def test_an_entity_that_is_only_a_name_is_dropped() -> None:
    text = "it was Adeyemi-Clarke again"
    entity = {"entity": "concern_type", "start": 7, "end": 21, "value": "Adeyemi-Clarke"}
    message = Message(data={TEXT: text, ENTITIES: [entity]})

    NameFreeEntities.create({}, None, None, None).process([message])

    assert message.get(ENTITIES) == []
