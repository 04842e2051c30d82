"""bot/ is the product's own code, free of Rasa: no file under it imports rasa, rasa_sdk or sanic.

The adapters that plug bot/ into Rasa live in components/ and actions/.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, List

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = ("rasa", "rasa_sdk", "sanic")


def imported_modules(source: str) -> Iterator[str]:
    """Every module a Python source imports, at any depth, including importlib/__import__ with a literal."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                yield node.args[0].value


def forbidden_imports(source: str) -> List[str]:
    """The imports of rasa, rasa_sdk or sanic (or their submodules) in a Python source."""
    return sorted({m for m in imported_modules(source) if m.split(".")[0] in FORBIDDEN})


@pytest.mark.parametrize(
    "source",
    [
        "import rasa",
        "from rasa.core.channels.channel import UserMessage",
        "from rasa_sdk import Tracker",
        "def f():\n    from sanic import response",
        "import importlib\nimportlib.import_module('rasa.shared.core.events')",
        "__import__('sanic.request')",
    ],
)
def test_the_check_finds_every_form_of_import(source: str) -> None:
    assert forbidden_imports(source)


def test_the_check_leaves_lookalikes_alone() -> None:
    assert forbidden_imports("import rasa_like\nfrom bot.rasa_free import x\nfrom . import sanic_rules") == []


def test_nothing_under_bot_imports_rasa_rasa_sdk_or_sanic() -> None:
    files = sorted((REPO / "bot").rglob("*.py"))
    assert len(files) > 20
    offenders = {
        str(path.relative_to(REPO)): found
        for path in files
        if (found := forbidden_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"bot/ must stay free of Rasa; move these imports to components/ or actions/: {offenders}"
