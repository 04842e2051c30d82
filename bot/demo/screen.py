"""Projector-friendly terminal output: wrapped to the terminal, clear headings, optional colour.

Colour is used only when the output is a terminal and NO_COLOR is unset (https://no-color.org),
so piped or recorded output stays plain text.
"""
from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import Iterable, List, Optional, TextIO

MIN_WIDTH = 40
# Very long lines are hard to follow on a projector, however wide the terminal is.
MAX_WIDTH = 100
LABEL_WIDTH = 9

_STYLES = {
    "title": "1;97",
    "heading": "1;36",
    "manager": "1;33",
    "bot": "1;32",
    "trainer": "1;35",
    "button": "36",
    "quiet": "2",
    "error": "1;31",
}


def terminal_width() -> int:
    """The width to wrap to: the terminal's (or COLUMNS), kept between 40 and 100 columns."""
    # A terminal that reports no size at all (0 columns) gets the usual 80.
    columns = shutil.get_terminal_size((80, 24)).columns or 80
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def wants_colour(stream: TextIO) -> bool:
    """True when stream is a terminal and NO_COLOR is unset or empty."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Screen:
    """Writes a demo to a stream: headings, labelled messages, buttons and narration."""

    def __init__(self, stream: Optional[TextIO] = None, width: Optional[int] = None, colour: Optional[bool] = None) -> None:
        self.stream = stream or sys.stdout
        self.width = width or terminal_width()
        self.colour = wants_colour(self.stream) if colour is None else colour

    def style(self, text: str, name: str) -> str:
        """text in the named style when colour is on; unchanged otherwise."""
        if not self.colour or not text:
            return text
        return f"\033[{_STYLES[name]}m{text}\033[0m"

    def write(self, line: str = "") -> None:
        """Write one line."""
        self.stream.write(line + "\n")
        self.stream.flush()

    def title(self, text: str) -> None:
        """The scenario's title between two full-width rules."""
        rule = "=" * self.width
        self.write(self.style(rule, "quiet"))
        for line in _wrap(text, self.width - 2) or [""]:
            self.write(" " + self.style(line, "title"))
        self.write(self.style(rule, "quiet"))

    def heading(self, text: str) -> None:
        """A section heading as a rule with the text in it, after a blank line."""
        self.write()
        lead = f"-- {text} "
        self.write(self.style(lead + "-" * max(0, self.width - len(lead)), "heading"))

    def paragraph(self, text: str, indent: int = 2) -> None:
        """Plain text, wrapped and indented."""
        for line in _wrap(text, self.width - indent) or [""]:
            self.write(" " * indent + line)

    def labelled(self, label: str, text: str, style: str) -> None:
        """Text with a label in the margin: 'Manager  I've got a concern...' and a hanging indent."""
        lines = _wrap(text, self.width - LABEL_WIDTH) or [""]
        margin = self.style(label.ljust(LABEL_WIDTH), style)
        self.write(margin + lines[0])
        for line in lines[1:]:
            self.write(" " * LABEL_WIDTH + line)

    def buttons(self, titles: Iterable[str]) -> None:
        """Buttons as [Title], wrapped between buttons, never inside one."""
        for line in _pack([f"[{title}]" for title in titles], self.width - LABEL_WIDTH):
            self.write(" " * LABEL_WIDTH + self.style(line, "button"))

    def numbered(self, items: Iterable[str]) -> None:
        """A numbered list with hanging indents."""
        for number, item in enumerate(items, start=1):
            marker = f"  {number}. "
            lines = _wrap(item, self.width - len(marker)) or [""]
            self.write(marker + lines[0])
            for line in lines[1:]:
                self.write(" " * len(marker) + line)

    def prompt(self, text: str) -> None:
        """A prompt on its own line, left open for the answer."""
        self.stream.write(self.style(text, "quiet"))
        self.stream.flush()


def _wrap(text: str, width: int) -> List[str]:
    """Lines of at most width, keeping the text's own line breaks."""
    lines: List[str] = []
    for paragraph in text.splitlines() or [""]:
        # A "- " list item keeps its text aligned after the dash.
        indent = "  " if paragraph.startswith("- ") else ""
        # Never split a case reference such as P-7K3Q-9MXD across two lines.
        lines += textwrap.wrap(paragraph, width, subsequent_indent=indent, break_on_hyphens=False) or [""]
    return lines


def _pack(tokens: List[str], width: int) -> List[str]:
    lines: List[str] = []
    current = ""
    for token in tokens:
        candidate = f"{current}  {token}" if current else token
        if current and len(candidate) > width:
            lines.append(current)
            current = token
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
