"""Fixtures for the content tests: editable copies of the real content folder.

Test modules import these by name; a uniquely named module (not a conftest.py) keeps the name
``conftest`` free for the suite's shared helpers.
"""
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

REAL_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def real_content_dir() -> Path:
    """The repository's own content folder (read only)."""
    return REAL_CONTENT_DIR


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the real content folder that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT_DIR, target)
    return target


@pytest.fixture
def edit(content_copy: Path) -> Callable[[str, Callable[[Any], None]], None]:
    """Change one file of the content copy as plain data: edit("signposting/national.yml", change)."""

    def apply(relative: str, change: Callable[[Any], None]) -> None:
        path = content_copy / relative
        data = _read(path)
        change(data)
        _write(path, data)

    return apply


@pytest.fixture
def write_file(content_copy: Path) -> Callable[[str, Any], Path]:
    """Write plain data, or raw text, as a file of the content copy."""

    def apply(relative: str, data: Any) -> Path:
        path = content_copy / relative
        if isinstance(data, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(data, encoding="utf-8")
        else:
            _write(path, data)
        return path

    return apply
