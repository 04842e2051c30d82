"""A content folder with equality monitoring switched on, for tests of the questions and the store."""
import shutil
from pathlib import Path

REAL_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
ORGANISATION = "example-trust"


def content_with_monitoring(target: Path, organisation: str = ORGANISATION) -> Path:
    """Copy the real content folder to ``target`` and switch equality monitoring on for one
    organisation, as its administrator would: one line in its file. Returns the folder."""
    shutil.copytree(REAL_CONTENT_DIR, target)
    path = target / "organisations" / f"{organisation}.yml"
    text = path.read_text(encoding="utf-8")
    assert "equality_monitoring" not in text, "the example organisations leave monitoring off"
    path.write_text(text + "\nequality_monitoring: true\n", encoding="utf-8")
    return target
