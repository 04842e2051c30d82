"""Where Pause's editable content lives, and how its YAML files are read.

Content files are edited by hand in organisations, so reading them is strict in the ways that
catch typing slips: numbers and dates stay as text (a phone number keeps its leading zero, and
one bad date is reported by the caller instead of stopping the whole file from loading), and a
key written twice in the same block is an error rather than a silent overwrite.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Hashable, Optional, Union

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from bot.settings import get_settings

_TEXT_TAGS = frozenset(
    {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
)


class ContentError(Exception):
    """A content file is missing or cannot be read as YAML."""


# The C parser when PyYAML has it: the pure Python one is many times slower.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ContentLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe YAML loader that keeps numbers and dates as text and refuses duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise ConstructorError(
                    None,
                    None,
                    f"the key {key!r} appears twice in the same block",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, label: Optional[str] = None) -> Any:
    """The parsed content of a YAML file, with numbers and dates left as text.

    Raises ContentError, naming the file by ``label`` (its path relative to the content folder)
    when the file is missing or is not valid YAML.
    """
    name = label or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{name}: file not found") from None
    except OSError as error:
        raise ContentError(f"{name}: cannot be read ({error.strerror})") from None
    try:
        return yaml.load(text, Loader=_ContentLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise ContentError(f"{name}: not valid YAML ({_describe(error)})") from None


def default_content_dir() -> Path:
    """The content folder from the settings (``PAUSE_CONTENT_DIR``, else the repository's)."""
    return get_settings().content_dir


def default_organisation() -> str:
    """The organisation whose directory is used (``PAUSE_ORGANISATION``, else example-trust)."""
    return get_settings().organisation


def resolve_content_dir(content_dir: Union[str, Path, None]) -> Path:
    """An absolute content folder: the one given, or the default."""
    if content_dir is None:
        return default_content_dir()
    return Path(content_dir).expanduser().resolve()


def _describe(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        return f"{problem}, line {mark.line + 1}"
    return str(problem)
