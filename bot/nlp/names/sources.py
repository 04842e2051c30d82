"""People's names of many origins, from the names-dataset package, for training the recogniser.

Build time only: the package's tables take about 15 seconds and 2 GB of memory to load, so nothing
that runs while Pause answers imports this module. Its names come from public profiles in over a
hundred countries; they are grouped into origins (``origins.yml``) so that training draws on every
background equally. Names in non-Latin scripts, fragments without a vowel and words that look like
names but must not be redacted (``look_alikes`` in ``templates.yml``) are left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Tuple

import yaml

ORIGINS_FILE = Path(__file__).with_name("origins.yml")

# Latin letters with their accents, and the apostrophes, hyphens and spaces of multi-part names.
_LATIN_NAME = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]+(?:['’ -][A-Za-zÀ-ÖØ-öø-ɏ]+)*")
_VOWEL = re.compile(r"[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿāăąēĕėęěīĭįıōŏőœūŭůűų]", re.IGNORECASE)
# "Obrien", "Oconnor": the dataset drops the apostrophe of Irish names, which people do type.
_IRISH_O = re.compile(r"O([bcdfghklmnrst][a-z]{3,})")
_MC = re.compile(r"Mc([a-z]{3,})")


@dataclass(frozen=True)
class NamePool:
    """The first names and surnames of one origin, most common first."""

    origin: str
    first_names: Tuple[str, ...]
    surnames: Tuple[str, ...]


def load_origins(path: Path = ORIGINS_FILE) -> Dict[str, Any]:
    """The origin groups and how many names each country gives."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def is_usable_name(name: str, excluded: FrozenSet[str]) -> bool:
    """True for a name in Latin script, with a vowel, at least two letters, and not a look-alike."""
    if len(name) < 2 or _LATIN_NAME.fullmatch(name) is None or _VOWEL.search(name) is None:
        return False
    return not any(part.lower() in excluded for part in re.split(r"[ '’-]", name))


def restore_spelling(name: str, known: FrozenSet[str]) -> str:
    """Put back the capital of "McCarthy" and the apostrophe of "O'Brien" that the dataset drops."""
    mc = _MC.fullmatch(name)
    if mc:
        return "Mc" + mc.group(1).capitalize()
    irish = _IRISH_O.fullmatch(name)
    if irish and irish.group(1).capitalize() in known:
        return "O'" + irish.group(1).capitalize()
    return name


def _ordered_unique(names: Iterable[str]) -> Tuple[str, ...]:
    seen = set()
    ordered = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            ordered.append(name)
    return tuple(ordered)


def pools_from_tables(
    first_by_country: Mapping[str, Mapping[str, List[str]]],
    surnames_by_country: Mapping[str, List[str]],
    origins: Mapping[str, Any],
    excluded: FrozenSet[str],
) -> Dict[str, NamePool]:
    """Group the dataset's most common names by origin, interleaving countries and genders."""
    first_count = int(origins["first_names_per_country"])
    surname_count = int(origins["surnames_per_country"])
    pools = {}
    for origin, countries in origins["origins"].items():
        first_lists, surname_lists = [], []
        for country in countries:
            genders = first_by_country.get(country, {})
            first_lists.extend(list(genders.get(gender, []))[:first_count] for gender in ("F", "M"))
            surname_lists.append(list(surnames_by_country.get(country, []))[:surname_count])
        known = frozenset(name for names in first_lists + surname_lists for name in names)

        def interleave(lists: List[List[str]]) -> Tuple[str, ...]:
            ranked = [name for rank in zip_longest_all(lists) for name in rank]
            usable = (restore_spelling(name, known) for name in ranked if is_usable_name(name, excluded))
            return _ordered_unique(usable)

        pools[origin] = NamePool(origin, interleave(first_lists), interleave(surname_lists))
    return pools


def zip_longest_all(lists: List[List[str]]) -> Iterable[List[str]]:
    """The names of equal rank across the lists, rank by rank, skipping lists that ran out."""
    longest = max((len(names) for names in lists), default=0)
    for rank in range(longest):
        yield [names[rank] for names in lists if rank < len(names)]


def gazetteer_from_tables(
    first_by_country: Mapping[str, Mapping[str, List[str]]],
    surnames_by_country: Mapping[str, List[str]],
    excluded: FrozenSet[str],
) -> FrozenSet[str]:
    """Every usable name of every country, and each part of a multi-part one, in lower case."""
    names = [name for genders in first_by_country.values() for ranked in genders.values() for name in ranked]
    names.extend(name for ranked in surnames_by_country.values() for name in ranked)
    words = set()
    for name in names:
        if is_usable_name(name, excluded):
            words.update(part.lower() for part in re.split(r"[ -]", name) if len(part) >= 2)
    return frozenset(words - excluded)


def load_names(excluded: FrozenSet[str]) -> Tuple[Dict[str, NamePool], FrozenSet[str]]:
    """Every origin's names for training, and the gazetteer of names of every country.

    Slow (build time only): the whole names-dataset package is read once for both.
    """
    from names_dataset import NameDataset

    origins = load_origins()
    dataset = NameDataset()
    largest = max(int(origins[key]) for key in ("first_names_per_country", "surnames_per_country", "gazetteer_per_country"))
    first_by_country = dataset.get_top_names(n=largest, use_first_names=True)
    surnames_by_country = dataset.get_top_names(n=largest, use_first_names=False)
    pools = pools_from_tables(first_by_country, surnames_by_country, origins, excluded)
    per_country = int(origins["gazetteer_per_country"])
    gazetteer = gazetteer_from_tables(
        {country: {gender: ranked[:per_country] for gender, ranked in genders.items()} for country, genders in first_by_country.items()},
        {country: ranked[:per_country] for country, ranked in surnames_by_country.items()},
        excluded,
    )
    return pools, gazetteer


def place_and_language_words() -> FrozenSet[str]:
    """Words of the names of countries, their regions and the major languages, in lower case.

    "Kerala", "Hungarian", "Tameside": capitalised like names, and never a colleague.
    """
    import pycountry

    names = [country.name for country in pycountry.countries]
    names.extend(getattr(country, "common_name", "") for country in pycountry.countries)
    names.extend(region.name for region in pycountry.subdivisions)
    names.extend(language.name for language in pycountry.languages if hasattr(language, "alpha_2"))
    return frozenset(word.lower() for name in names for word in re.findall(r"[^\W\d_]{3,}", name))
