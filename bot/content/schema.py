"""The schema layer of the content files: a pydantic model per kind of block, and plain words for
what is wrong with one.

Each model reads one block of YAML (an alternative, a directory entry, a scenario) and refuses
unknown fields. A problem names the field and what is wrong with it ("missing source",
"turn 2: unknown field 'narate'", "contact: phone 'one one one' is not a number ..."); the
loaders put the file and the entry in front. Nested blocks and list items say where they are
through their field's ``label`` ("turn {n}"); a field's ``missing`` overrides "missing <field>".
"""
from __future__ import annotations

import re
from typing import Any, ClassVar, Iterable, List, Optional, Tuple, Type, TypeVar

from pydantic import BaseModel, Extra, ValidationError
from pydantic.errors import MissingError

Block = TypeVar("Block", bound="ContentModel")

_MISSING = "value_error.missing"
_UNKNOWN = "value_error.extra"


class ContentModel(BaseModel):
    """A block of a content file: unknown fields refused, and read-only once read."""

    # What to say when the block is not a block of fields at all.
    not_a_block: ClassVar[str] = "expected a block of fields"

    class Config:
        extra = Extra.forbid
        frozen = True

    @classmethod
    def validate(cls: Type[Block], value: Any) -> Block:
        """A nested block: refused in the block's own words when it is not a block of fields."""
        if not isinstance(value, (dict, cls)):
            raise ValueError(cls.not_a_block)
        return super().validate(value)


def read_block(model: Type[Block], raw: Any, **set_by_loader: Any) -> Tuple[Optional[Block], List[str]]:
    """One block as a model, or None with one plain problem per thing wrong in it.

    ``set_by_loader`` are the fields the file does not hold (a scenario's name is its file's).
    """
    if not isinstance(raw, dict):
        return None, [model.not_a_block]
    problems = [f"unknown field '{key}'" for key in set_by_loader if key in raw]
    try:
        block = model.parse_obj({**raw, **set_by_loader})
    except ValidationError as error:
        return None, problems + describe(error, model)
    return (None, problems) if problems else (block, [])


def read_blocks(
    model: Type[Block], raw_items: List[Any], label: str, noun: str, **set_by_loader: Any
) -> Tuple[List[Block], List[str]]:
    """Each block of a file's list, read: the well-formed ones, each id once, and one problem per
    thing wrong, naming the file and the block (by its id, or its position when it has none)."""
    blocks: List[Block] = []
    problems: List[str] = []
    seen: set = set()
    for position, raw in enumerate(raw_items, start=1):
        block, block_problems = read_block(model, raw, **set_by_loader)
        if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
            name = f"{noun} '{raw['id']}'"
        else:
            name = f"{noun} {position} (no id)"
        problems += [f"{label}: {name}: {problem}" for problem in block_problems]
        if block is None:
            continue
        block_id = getattr(block, "id")
        if block_id in seen:
            problems.append(f"{label}: {name}: the id is used more than once")
            continue
        seen.add(block_id)
        blocks.append(block)
    return blocks, problems


def describe(error: ValidationError, model: Type[BaseModel]) -> List[str]:
    """The problems of a validation error in words: where, which field, what is wrong.

    Missing fields come first, then unknown ones, then the rest, each in the model's field order.
    """
    found = [(_rank(problem), number, _words(problem, model)) for number, problem in enumerate(error.errors())]
    return [words for _, _, words in sorted(found)]


def missing() -> MissingError:
    """The error for a value that is there but empty: reported as the field being missing."""
    return MissingError()


def text(value: Any, name: str) -> str:
    """Text with something in it, stripped; empty counts as missing."""
    if value in (None, [], {}) or (isinstance(value, str) and not value.strip()):
        raise missing()
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    return value.strip()


def one_line(value: Any, name: str) -> str:
    """Text on one line, its white space made single."""
    value = text(value, name)
    if "\n" in value:
        raise ValueError(f"{name} must be one line")
    return " ".join(value.split())


def paragraph(value: Any, name: str) -> str:
    """Text that may run over several lines in the file, joined into one paragraph."""
    return " ".join(text(value, name).split())


def identifier(value: str, example: str) -> str:
    """An id: lower-case letters, digits and underscores."""
    if not re.match(r"^[a-z][a-z0-9_]*$", value):
        raise ValueError(f"id must be lower-case letters, digits and underscores, such as {example}")
    return value


def names(value: Any, name: str, allowed: Iterable[str]) -> Tuple[str, ...]:
    """A list naming at least one of the allowed names, each once."""
    allowed = tuple(allowed)
    if value is None:
        raise missing()
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{name} must be a list naming at least one of: {', '.join(allowed)}")
    unknown = [item for item in value if item not in allowed]
    if unknown:
        quoted = ", ".join(f"'{item}'" for item in unknown)
        raise ValueError(f"unknown {name} value{'s' if len(unknown) > 1 else ''} {quoted} (known: {', '.join(allowed)})")
    return tuple(dict.fromkeys(value))


def _rank(problem: dict) -> int:
    if len(problem["loc"]) == 1 and problem["type"] == _MISSING:
        return 0
    if len(problem["loc"]) == 1 and problem["type"] == _UNKNOWN:
        return 1
    return 2


def _words(problem: dict, model: Type[BaseModel]) -> str:
    loc = problem["loc"]
    where: List[str] = []
    block: Optional[Type[BaseModel]] = model
    position = 0
    # Down through nested blocks and list items, each named by its field's label.
    while position < len(loc) - 1 and block is not None and loc[position] in block.__fields__:
        field = block.__fields__[loc[position]]
        label = field.field_info.extra.get("label", loc[position])
        if isinstance(loc[position + 1], int):
            where.append(label.format(n=loc[position + 1] + 1))
            position += 2
        else:
            where.append(label)
            position += 1
        block = field.type_ if isinstance(field.type_, type) and issubclass(field.type_, BaseModel) else None
    if position >= len(loc) or loc[position] == "__root__":
        return ": ".join([*where, problem["msg"]])
    name = loc[position]
    field = block.__fields__.get(name) if block is not None else None
    if problem["type"] == _MISSING:
        what = field.field_info.extra.get("missing", f"missing {name}") if field else f"missing {name}"
    elif problem["type"] == _UNKNOWN:
        what = f"unknown field '{name}'"
    elif problem["type"].startswith("value_error"):
        what = problem["msg"]
    else:
        what = f"{name}: {problem['msg']}"
    return ": ".join([*where, what])
