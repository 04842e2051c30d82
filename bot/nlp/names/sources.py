"""People's names of many origins, from the names-dataset package (and Faker's lists for the
countries it lacks), for training the recogniser.

Build time only: the package's tables take about 15 seconds and 2 GB of memory to load, so nothing
that runs while Pause answers imports this module. Its names come from public profiles in over a
hundred countries; they are grouped into origins (``origins.yml``) so that training draws on every
background equally. Names in non-Latin scripts, fragments without a vowel and words that look like
names but must not be redacted (``look_alikes`` in ``templates.yml``) are left out.
"""
from __future__ import annotations

import importlib
import re
import unicodedata
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
# Letters that keep no base letter under Unicode decomposition.
_UNACCENTED = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss", "æ": "ae"})


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


def _usable(names: Iterable[str], excluded: FrozenSet[str]) -> List[str]:
    return [name for name in names if is_usable_name(name, excluded)]


def faker_names(locale: str) -> Tuple[List[str], List[str]]:
    """The first names and surnames of one of the Faker package's locales.

    names-dataset has no Vietnam, Pakistan or Kenya, and few Nigerian names by people; Faker's
    person lists for those locales fill the gap.
    """
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider

    def names(attribute: str) -> List[str]:
        value = getattr(provider, attribute, ())
        return [] if isinstance(value, str) else [str(name) for name in value]

    first = names("first_names_female") + names("first_names_male") or names("first_names")
    return first, names("last_names")


def folded(name: str) -> str:
    """The name without its accents, as many people type it: "Nguyễn" -> "Nguyen", "Łukasz" -> "Lukasz"."""
    name = name.translate(_UNACCENTED)
    return "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))


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
            # Cut after leaving out unusable names: some countries' most common names are in
            # another script, and their names in Latin letters come further down.
            first_lists.extend(_usable(genders.get(gender, []), excluded)[:first_count] for gender in ("F", "M"))
            surname_lists.append(_usable(surnames_by_country.get(country, []), excluded)[:surname_count])
        for locale in (origins.get("faker_locales") or {}).get(origin, []):
            first_names, surnames = faker_names(locale)
            first_lists.append(_usable(first_names, excluded)[:first_count])
            surname_lists.append(_usable(surnames, excluded)[:surname_count])
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
            parts = [part.lower() for part in re.split(r"[ -]", name) if len(part) >= 2]
            words.update(parts)
            words.update(folded(part) for part in parts)
    return frozenset(words - excluded)


def load_names(excluded: FrozenSet[str]) -> Tuple[Dict[str, NamePool], FrozenSet[str]]:
    """Every origin's names for training, and the gazetteer of names of every country.

    Slow (build time only): the whole names-dataset package is read once for both.
    """
    from names_dataset import NameDataset

    origins = load_origins()
    dataset = NameDataset()
    # Deep enough that countries whose common names are in another script still give names.
    largest = 2000
    first_by_country = dataset.get_top_names(n=largest, use_first_names=True)
    surnames_by_country = dataset.get_top_names(n=largest, use_first_names=False)
    pools = pools_from_tables(first_by_country, surnames_by_country, origins, excluded)
    per_country = int(origins["gazetteer_per_country"])
    first_by_source = {
        country: {gender: ranked[:per_country] for gender, ranked in genders.items()}
        for country, genders in first_by_country.items()
    }
    surnames_by_source = {country: ranked[:per_country] for country, ranked in surnames_by_country.items()}
    for locales in (origins.get("faker_locales") or {}).values():
        for locale in locales:
            first_by_source[locale], surnames_by_source[locale] = {"": faker_names(locale)[0]}, faker_names(locale)[1]
    return pools, gazetteer_from_tables(first_by_source, surnames_by_source, excluded)


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
