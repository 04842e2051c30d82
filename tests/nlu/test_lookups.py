"""The lookup tables and the synonyms stay in step: every synonym phrase is looked up, nothing else is."""
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[2] / "data" / "nlu"
ENTITY_VALUES = {
    "concern_type": {"clinical", "conduct", "attendance", "performance", "relationships", "bullying",
                     "fraud", "safeguarding", "crime", "other"},
    "follow_up_status": {"resolved_informally", "alternative_in_progress", "formal_started",
                         "formal_concluded_sanction", "formal_concluded_no_sanction", "withdrawn"},
}


def items():
    for path in sorted(DATA.glob("*.yml")):
        yield from yaml.safe_load(path.read_text())["nlu"]


def phrases(block):
    return {line.strip()[2:].strip().lower() for line in block.splitlines() if line.strip()}


def test_every_synonym_is_in_its_entitys_lookup_and_nothing_else():
    synonyms = {item["synonym"]: phrases(item["examples"]) for item in items() if "synonym" in item}
    lookups = {item["lookup"]: phrases(item["examples"]) for item in items() if "lookup" in item}
    for entity, values in ENTITY_VALUES.items():
        # Canonical values that are plain words name themselves; "other" would match too much.
        plain_words = {value for value in values if "_" not in value and value != "other"}
        expected = set().union(plain_words, *(synonyms.get(value, set()) for value in values))
        assert lookups[entity] == expected, entity


def test_every_synonym_maps_to_a_known_value():
    known = set().union(*ENTITY_VALUES.values())
    assert {item["synonym"] for item in items() if "synonym" in item} <= known
