"""The projector output: colour only on a terminal without NO_COLOR, wrapping that keeps labels and buttons whole."""
import io
import re

from bot.demo.screen import Screen

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_colour_on_a_terminal_only_while_no_color_is_unset(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = FakeTerminal()
    Screen(terminal, width=60).labelled("Pause", "Hello", "bot")
    assert ANSI.search(terminal.getvalue())
    assert ANSI.sub("", terminal.getvalue()) == "Pause    Hello\n"

    monkeypatch.setenv("NO_COLOR", "1")
    terminal = FakeTerminal()
    Screen(terminal, width=60).labelled("Pause", "Hello", "bot")
    assert terminal.getvalue() == "Pause    Hello\n"


def test_no_colour_when_the_output_is_not_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    piped = io.StringIO()
    Screen(piped, width=60).heading("Context")
    assert not ANSI.search(piped.getvalue())


def test_labelled_text_wraps_with_a_hanging_indent():
    out = io.StringIO()
    Screen(out, width=40, colour=False).labelled(
        "Manager", "one of my band 5 nurses gave IV antibiotics to the wrong patient on nights", "manager"
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Manager  one of my")
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith(" " * 9) and line[9] != " " for line in lines[1:])
    assert " ".join(line.strip() for line in lines).replace("Manager ", "", 1).split() == (
        "one of my band 5 nurses gave IV antibiotics to the wrong patient on nights".split()
    )


def test_line_breaks_in_a_message_are_kept():
    out = io.StringIO()
    summary = "Reflection summary\nConcern: Clinical\n- Could physical ill health be a factor? not sure\nRoute: System learning"
    Screen(out, width=40, colour=False).labelled("Pause", summary, "bot")
    assert out.getvalue().splitlines() == [
        "Pause    Reflection summary",
        "         Concern: Clinical",
        "         - Could physical ill health be",
        "           a factor? not sure",
        "         Route: System learning",
    ]


def test_buttons_wrap_between_buttons_never_inside_one():
    out = io.StringIO()
    titles = ["Someone is in immediate danger", "A safeguarding concern (child or adult)", "Suspected fraud", "Not sure"]
    Screen(out, width=50, colour=False).buttons(titles)
    lines = out.getvalue().splitlines()
    assert len(lines) > 1 and all(len(line) <= 50 for line in lines)
    assert re.findall(r"\[([^\]]+)\]", out.getvalue()) == titles


def test_the_width_follows_the_terminal_within_projector_limits(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert Screen(io.StringIO()).width == 100
    monkeypatch.setenv("COLUMNS", "20")
    assert Screen(io.StringIO()).width == 40
    monkeypatch.setenv("COLUMNS", "77")
    assert Screen(io.StringIO()).width == 77
