"""`python -m bot demo list` and `play`, run as a trainer runs them, against a REST stub over real HTTP."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main

from rest_stub import DEMO_INTRO, rest_stub  # noqa: F401 - rest_stub is a pytest fixture

REPO = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[")

TINY = {
    "title": "A tiny scenario for tests",
    "concern_type": "clinical",
    "context": "A fictional ward where a fictional nurse gave a dose late. Nobody was harmed.",
    "learning_points": ["Health comes first in the Guide.", "One action at a time."],
    "turns": [
        {"say": "I have a concern about a nurse", "narrate": "The manager starts in their own words."},
        {"say": '/inform{"urgent_screen": "none"}', "narrate": "Nothing urgent applies."},
        {"say": "no"},
    ],
    "expect": {"route": "system_learning"},
}


@pytest.fixture
def content_dir(tmp_path):
    folder = tmp_path / "content" / "scenarios"
    folder.mkdir(parents=True)
    (folder / "tiny-scenario.yml").write_text(yaml.safe_dump(TINY, sort_keys=False), encoding="utf-8")
    return tmp_path / "content"


def bot(*arguments, stdin="", env=None):
    """Run the command line as a separate process, with stdout and stderr captured (not a terminal)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "72", **(env or {})}
    environment.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments], cwd=REPO, input=stdin, capture_output=True,
        text=True, env=environment, timeout=60,
    )


def play(stub, content_dir, *options, stdin=""):
    """Play the tiny scenario in a separate process, with stdin piped."""
    return bot("demo", "play", "tiny-scenario", "--url", stub.url, "--content-dir", str(content_dir), *options, stdin=stdin)


def play_here(stub, content_dir, capsys, *options):
    """Play the tiny scenario in this process (faster); returns the exit code, stdout and stderr."""
    code = main(["demo", "play", "tiny-scenario", "--url", stub.url, "--content-dir", str(content_dir), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def narrow_plain_terminal(monkeypatch):
    """In-process plays wrap to 72 columns, without colour, whatever runs the tests."""
    monkeypatch.setenv("COLUMNS", "72")
    monkeypatch.delenv("NO_COLOR", raising=False)


# list


def test_list_prints_every_scenario_as_a_table():
    result = bot("demo", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(r"^NAME +TITLE +CONCERN +EXPECTED ROUTE$", lines[0])
    names = sorted(path.stem for path in (REPO / "content" / "scenarios").glob("*.yml"))
    rows = lines[1 : 1 + len(names)]
    assert [row.split()[0] for row in rows] == names
    fraud = next(row for row in rows if row.startswith("timesheet-fraud "))
    assert re.search(r"Suspected timesheet fraud +Fraud +Escalated at once \(do not delay\)$", fraud)
    # The columns line up: every title starts where the heading TITLE does.
    title_column = lines[0].index("TITLE")
    assert all(row[title_column - 2 : title_column] == "  " and row[title_column] != " " for row in rows)
    assert "python -m bot demo play NAME" in result.stdout


def test_list_names_a_malformed_scenario_on_stderr_and_fails(content_dir):
    (content_dir / "scenarios" / "broken.yml").write_text("title: Broken\n", encoding="utf-8")
    result = bot("demo", "list", "--content-dir", str(content_dir))
    assert result.returncode == 1
    assert "tiny-scenario" in result.stdout and "broken" not in result.stdout
    assert "Left out: scenarios/broken.yml: missing concern_type" in result.stderr


# play


def test_play_puts_the_conversation_in_demo_mode_then_sends_every_turn(rest_stub, content_dir):
    result = play(rest_stub, content_dir)
    assert result.returncode == 0, result.stderr
    assert rest_stub.messages() == [
        '/choose_demo{"demo_scenario":"tiny-scenario"}',
        "I have a concern about a nurse",
        '/inform{"urgent_screen": "none"}',
        "no",
    ]
    assert len(set(rest_stub.senders())) == 1 and rest_stub.senders()[0].startswith("demo-")


def test_play_prints_title_context_turns_replies_buttons_narration_and_learning_points(rest_stub, content_dir, capsys):
    code, output, _ = play_here(rest_stub, content_dir, capsys)
    assert code == 0
    expected_in_order = [
        "A tiny scenario for tests",
        "Scenario tiny-scenario: clinical concern, 3 turns. Expected",
        "-- Context",
        "A fictional ward where a fictional nurse gave a dose late.",
        "Demo mode is on, confirmed by Pause",
        "-- Turn 1 of 3",
        "Manager  I have a concern about a nurse",
        "Pause    Bot reply to: I have a concern about a nurse",
        "Pause    First, an urgent check. Do any of these apply?",
        "[Someone is in immediate danger]  [None of these]  [Not sure]",
        "Trainer  The manager starts in their own words.",
        "-- Turn 2 of 3",
        "Manager  clicks [None of these]",
        "Pause    Step 2, health.",
        "Trainer  Nothing urgent applies.",
        "-- Turn 3 of 3",
        "Manager  no",
        "-- Learning points",
        "1. Health comes first in the Guide.",
        "2. One action at a time.",
    ]
    position = 0
    for fragment in expected_in_order:
        found = output.find(fragment, position)
        assert found >= 0, f"{fragment!r} missing or out of order in:\n{output}"
        position = found + len(fragment)
    assert "pause_demo" not in output and "ignored" not in output, "custom messages are not printed"
    assert DEMO_INTRO not in output, "the bot's own demo introduction repeats the context, so it is left out"


def test_play_output_is_wrapped_to_the_terminal_and_plain_when_piped(rest_stub, content_dir):
    output = play(rest_stub, content_dir).stdout
    assert not ANSI.search(output)
    assert max(len(line) for line in output.splitlines()) <= 72
    # A long message wraps with a hanging indent under its label.
    lines = output.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Pause    First, an urgent check."))
    assert lines[first + 1].startswith(" " * 9) and lines[first + 1].strip()


def test_each_play_uses_a_fresh_sender(rest_stub, content_dir, capsys):
    play_here(rest_stub, content_dir, capsys)
    play_here(rest_stub, content_dir, capsys)
    senders = rest_stub.senders()
    assert senders[0] != senders[-1]
    assert len(set(senders)) == 2


def test_step_waits_for_enter_before_each_turn_and_stops_when_input_ends(rest_stub, content_dir):
    result = play(rest_stub, content_dir, "--step", stdin="\n\n")
    assert result.returncode == 0, result.stderr
    assert rest_stub.messages()[1:] == ["I have a concern about a nurse", '/inform{"urgent_screen": "none"}']
    output = result.stdout
    assert output.count("Press Enter for turn") == 3
    assert output.index("Press Enter for turn 1 of 3") < output.index("-- Turn 1 of 3")
    assert output.index("Press Enter for turn 2 of 3") < output.index("-- Turn 2 of 3")
    assert "-- Turn 3 of 3" not in output
    assert "Stopped after turn 2 of 3." in output
    assert "-- Learning points" in output


def test_step_stops_when_the_trainer_types_q(rest_stub, content_dir):
    result = play(rest_stub, content_dir, "--step", stdin="\nq\n\n")
    assert rest_stub.messages()[1:] == ["I have a concern about a nurse"]
    assert "Stopped after turn 1 of 3." in result.stdout


def test_step_with_enough_enters_plays_every_turn(rest_stub, content_dir):
    result = play(rest_stub, content_dir, "--step", stdin="\n\n\n")
    assert len(rest_stub.messages()) == 4
    assert "Stopped" not in result.stdout


def test_wait_pauses_between_turns(rest_stub, content_dir, capsys, monkeypatch):
    pauses = []
    monkeypatch.setattr("bot.demo.player.time.sleep", pauses.append)
    code, _, _ = play_here(rest_stub, content_dir, capsys, "--wait", "1.5")
    assert code == 0
    assert len(rest_stub.messages()) == 4
    assert pauses == [1.5, 1.5], "a pause before each turn after the first"
    with pytest.raises(SystemExit) as raised:
        main(["demo", "play", "tiny-scenario", "--wait", "soon"])
    assert raised.value.code == 2
    assert "'soon' is not a number of seconds" in capsys.readouterr().err


def test_play_stops_before_anything_when_the_bot_does_not_confirm_demo_mode(rest_stub, content_dir, capsys):
    rest_stub.answer = lambda sender, message: [{"recipient_id": sender, "text": "Sorry, I didn't quite follow that."}]
    code, output, errors = play_here(rest_stub, content_dir, capsys)
    assert code == 1
    assert rest_stub.messages() == ['/choose_demo{"demo_scenario":"tiny-scenario"}']
    assert "did not confirm demo mode for 'tiny-scenario'" in errors
    assert "pilot's figures" in errors
    assert output == ""


def test_play_reports_a_server_error(rest_stub, content_dir, capsys):
    rest_stub.status = 500
    code, _, errors = play_here(rest_stub, content_dir, capsys)
    assert code == 1
    assert f"Pause at {rest_stub.url} answered with HTTP 500" in errors


def test_an_unknown_name_gives_a_clear_error_and_the_names(content_dir, capsys):
    assert main(["demo", "play", "no-such-scenario", "--content-dir", str(content_dir)]) == 2
    errors = capsys.readouterr().err
    assert "There is no scenario called 'no-such-scenario'" in errors
    assert "tiny-scenario" in errors and "A tiny scenario for tests" in errors


def test_an_unreachable_server_gives_a_clear_message_and_exit_code_2(content_dir):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = bot("demo", "play", "tiny-scenario", "--url", f"http://127.0.0.1:{port}", "--content-dir", str(content_dir))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"Pause is not reachable at http://127.0.0.1:{port}. Start it with `make run`, or give its address with --url."
    )
    assert result.stdout == ""


def test_the_url_defaults_to_the_setting(rest_stub, content_dir):
    result = bot(
        "demo", "play", "tiny-scenario", "--content-dir", str(content_dir), env={"PAUSE_RASA_URL": rest_stub.url}
    )
    assert result.returncode == 0, result.stderr
    assert len(rest_stub.messages()) == 4


def test_every_real_scenario_plays_through_the_stub(rest_stub, capsys):
    names = sorted(path.stem for path in (REPO / "content" / "scenarios").glob("*.yml"))
    for name in names:
        assert main(["demo", "play", name, "--url", rest_stub.url]) == 0, name
        output = capsys.readouterr().out
        assert "-- Learning points" in output, name
    choose = [json.loads(m[len("/choose_demo"):])["demo_scenario"] for m in rest_stub.messages() if m.startswith("/choose_demo")]
    assert choose == names
