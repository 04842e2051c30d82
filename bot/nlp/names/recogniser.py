"""The trained person-name recogniser, as the redactor runs it on a message's tokens.

The recogniser is a component of the project's spaCy pipeline, saved disabled so that nothing
else runs it (see ``training``). This module finds it in the loaded pipeline and applies it to a
doc the redactor has already tokenised, so each message is tokenised once and recognised once.
"""
from __future__ import annotations

import logging
from typing import Callable, FrozenSet, List, Optional, Tuple

from spacy.language import Language
from spacy.tokens import Doc

logger = logging.getLogger(__name__)

COMPONENT = "person_names"
LABEL = "PERSON"
GAZETTEER_FILE = "person_names_gazetteer.txt"
LOOK_ALIKES_FILE = "person_names_look_alikes.txt"
COMMON_WORDS_FILE = "person_names_common_words.txt"

Recogniser = Callable[[Doc], List[Tuple[int, int]]]


def recogniser_in(nlp: Language) -> Optional[Recogniser]:
    """A function giving the token spans of people in a doc, or None when nlp has no recogniser.

    Without it (a pipeline built in memory because none was built on disk) only the rules find
    names, which miss many surnames typed alone: say so in the log, once.
    """
    if COMPONENT not in nlp.component_names:
        logger.warning(
            "The spaCy pipeline has no trained name recogniser (run `make spacy`): "
            "names are found by rules alone and surnames typed alone may be missed."
        )
        return None
    component = nlp.get_pipe(COMPONENT)

    def people(doc: Doc) -> List[Tuple[int, int]]:
        doc = component(doc)
        return [(ent.start, ent.end) for ent in doc.ents if ent.label_ == LABEL]

    return people


def word_list(nlp: Language, file_name: str) -> FrozenSet[str]:
    """A word list saved beside a pipeline loaded from disk (lower case, one a line); empty otherwise.

    The build writes three: the gazetteer of known names, the known look-alikes and the common
    words.
    """
    if nlp.path is None or not (nlp.path / file_name).is_file():
        return frozenset()
    return frozenset((nlp.path / file_name).read_text(encoding="utf-8").split())
