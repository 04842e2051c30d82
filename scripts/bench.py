"""Measure Pause beside Rasa's own starter bot: reply times, throughput, memory and training time.

Both bots run on loopback ports on this machine, one after the other, and are driven over the REST
channel: Pause through full reflections (custom actions and outcome writes included), the starter
bot through its simple small talk. Timings are reported, never asserted; the script exits 1 only
when something really broke: a server did not start, a training run failed, Pause could not finish
a reflection, or the outcome database does not hold exactly one case per completed reflection.

    python scripts/bench.py [--concurrency 20] [--conversations 40] [--skip-training]
                            [--skip-starter] [--json results/bench.json] [--phase-time-limit 1800]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

REPO = Path(__file__).resolve().parents[1]
# `python scripts/bench.py` puts only scripts/ on the path; the server helpers live under tests/.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402

from bench_drivers import (  # noqa: E402
    REFLECTION_MESSAGES,
    STARTER_MESSAGES,
    Conversation,
    pause_reflection,
    run_phase,
    starter_conversation,
)
from bench_measure import PhaseResult, machine, tree_rss_mib  # noqa: E402
from tests.support.servers import BIN, free_port, running_pause, stop, wait_until_up  # noqa: E402

PAUSE = "Pause"
STARTER = "starter bot"
SPACY_PIPELINE = REPO / "var" / "spacy" / "pause_en"
SINGLE_REFLECTIONS = 3
WARM_UP = "warm-up"
TRAINING_TIME_LIMIT_SECONDS = 1800.0
SERVER_START_LIMIT_SECONDS = 300.0
WARM_UP_TIME_LIMIT_SECONDS = 300.0
# The spec's speed bars: Pause's concurrent median at most this share of the starter bot's, its
# concurrent p95 below the starter bot's, and a single conversation's median under this.
CONCURRENT_MEDIAN_RATIO_BAR = 0.6
SINGLE_CONVERSATION_TARGET_MS = 50.0


class BenchmarkBroken(Exception):
    """Something failed that makes the figures meaningless (not merely slow)."""


@dataclass
class Plan:
    """How many conversations each phase runs for each bot."""

    concurrency: int
    pause_single: int
    pause_concurrent: int
    starter_single: int
    starter_concurrent: int
    phase_time_limit: float


def plan_for(concurrency: int, conversations: int, phase_time_limit: float) -> Plan:
    """Phase sizes giving the starter bot about as many messages as Pause in each phase."""
    def starter_count(reflections: int) -> int:
        return math.ceil(reflections * REFLECTION_MESSAGES / len(STARTER_MESSAGES))

    return Plan(
        concurrency=concurrency,
        pause_single=SINGLE_REFLECTIONS,
        pause_concurrent=conversations,
        starter_single=starter_count(SINGLE_REFLECTIONS),
        starter_concurrent=starter_count(conversations),
        phase_time_limit=phase_time_limit,
    )


def code_version() -> Dict[str, Any]:
    """The commit measured and how many files differ from it, so figures can be traced to code."""
    def git(*arguments: str) -> str:
        try:
            return subprocess.run(
                ["git", *arguments], cwd=REPO, capture_output=True, text=True, timeout=30, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    status = git("status", "--porcelain")
    return {"commit": git("rev-parse", "--short", "HEAD") or "unknown", "changed_files": len(status.splitlines())}


def parse_arguments(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=20, help="senders at once in the concurrent phase")
    parser.add_argument(
        "--conversations", type=int, default=40, help="full reflections in Pause's concurrent phase"
    )
    parser.add_argument("--skip-training", action="store_true", help="do not time a fresh training of Pause")
    parser.add_argument("--skip-starter", action="store_true", help="do not measure Rasa's starter bot")
    parser.add_argument("--json", type=Path, default=REPO / "results" / "bench.json", help="where to write the figures")
    parser.add_argument(
        "--phase-time-limit", type=float, default=1800.0, help="seconds after which a measured phase is stopped"
    )
    arguments = parser.parse_args(argv)
    if arguments.concurrency < 1 or arguments.conversations < 1:
        parser.error("--concurrency and --conversations must be at least 1")
    return arguments


def rasa_env() -> Dict[str, str]:
    """The environment every Rasa command here runs with."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(REPO)}


def log_tail(path: Path, lines: int = 25) -> str:
    """The last lines of a log file, for explaining a failure."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path.name})"


def timed_training(command: List[str], cwd: Path, env: Dict[str, str], log_path: Path) -> float:
    """Run a training command to completion and return its wall time in seconds."""
    print(f"  {' '.join(command[1:])} ...", flush=True)
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        try:
            finished = subprocess.run(
                command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, timeout=TRAINING_TIME_LIMIT_SECONDS,
            )
        except subprocess.TimeoutExpired as error:
            raise BenchmarkBroken(f"training did not finish in {TRAINING_TIME_LIMIT_SECONDS:.0f} s") from error
    seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise BenchmarkBroken(f"training exited with code {finished.returncode}:\n{log_tail(log_path)}")
    print(f"  done in {seconds:.1f} s", flush=True)
    return seconds


def train_pause(work_dir: Path) -> float:
    """Train Pause from scratch (no cache) into a throwaway folder and return the wall time."""
    if not (SPACY_PIPELINE / "meta.json").exists():
        raise BenchmarkBroken(f"the spaCy pipeline {SPACY_PIPELINE.relative_to(REPO)} is missing: run `make spacy`")
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {**rasa_env(), "RASA_CACHE_DIRECTORY": str(work_dir / "cache")}
    command = [
        str(BIN / "rasa"), "train", "--out", str(work_dir / "models"), "--fixed-model-name", "bench", "--force",
    ]
    return timed_training(command, REPO, env, work_dir / "train.log")


def init_starter(starter_dir: Path) -> float:
    """Create and train Rasa's starter bot with `rasa init`; the wall time is its training time."""
    starter_dir.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(starter_dir)]
    return timed_training(command, starter_dir, rasa_env(), starter_dir.parent / "starter-init.log")


@dataclass
class StarterServer:
    """Rasa's starter bot while it is being served."""

    url: str
    process: subprocess.Popen


@contextmanager
def running_starter(starter_dir: Path) -> Iterator[StarterServer]:
    """Rasa's starter bot served on a free loopback port, stopped afterwards."""
    port = free_port()
    log_path = starter_dir.parent / "starter-server.log"
    command = [str(BIN / "rasa"), "run", "--model", str(starter_dir / "models"), "-i", "127.0.0.1", "-p", str(port)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=starter_dir, env=rasa_env(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", [process], timeout=SERVER_START_LIMIT_SECONDS)
        except (RuntimeError, TimeoutError) as error:
            raise BenchmarkBroken(f"the starter bot's server did not start: {error}\n{log_tail(log_path)}") from error
        yield StarterServer(f"http://127.0.0.1:{port}", process)
    finally:
        stop([process])


def measure_phases(
    bot: str, webhook: str, conversation: Conversation, single: int, concurrent: int, plan: Plan
) -> Dict[str, PhaseResult]:
    """Warm-up (one conversation, not reported as a figure), single, then concurrent phases."""
    phases: Dict[str, PhaseResult] = {}
    for phase, senders, count, limit in (
        (WARM_UP, 1, 1, WARM_UP_TIME_LIMIT_SECONDS),
        ("single", 1, single, plan.phase_time_limit),
        ("concurrent", plan.concurrency, concurrent, plan.phase_time_limit),
    ):
        print(f"  {bot}: {phase} phase, {count} conversation(s), {senders} sender(s) ...", flush=True)
        result = asyncio.run(run_phase(webhook, conversation, PhaseResult(bot, phase, senders), count, limit))
        phases[phase] = result
        summary = result.summary()
        print(
            f"    {summary['messages']} messages, median {summary['median_ms']} ms, "
            f"{result.conversations_completed}/{count} completed, {result.errors} errors",
            flush=True,
        )
        for problem in result.problems:
            print(f"    problem: {problem}", flush=True)
        if phase == WARM_UP and result.conversations_completed == 0:
            raise BenchmarkBroken(f"{bot} could not complete a single conversation in the warm-up")
    return phases


def record_phases(report: Dict[str, Any], phases: Dict[str, PhaseResult]) -> None:
    """Add a bot's measured phases to the report; the warm-up is kept apart from the figures."""
    for phase, result in phases.items():
        if phase == WARM_UP:
            report["warm_up"].append(result.summary())
        else:
            report["phases"].append(result.summary())


def stored_cases(database_url: str) -> int:
    """How many cases the outcome database holds."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM cases")).scalar_one())
    finally:
        engine.dispose()


def server_role(process: subprocess.Popen) -> str:
    """Which Pause server a process is, from its command line."""
    arguments = [str(argument) for argument in process.args]  # type: ignore[union-attr]
    return "action server" if arguments[1:3] == ["run", "actions"] else "Rasa server"


def server_logs(work_dir: Path) -> str:
    """The end of every server log in a folder."""
    return "\n".join(f"--- {log.name}\n{log_tail(log)}" for log in sorted(work_dir.glob("*.log")))


def measure_pause(work_dir: Path, plan: Plan, report: Dict[str, Any]) -> None:
    """Start a real Pause, run its phases, read its memory and check every reflection was stored."""
    try:
        with running_pause(work_dir, api=False) as servers:
            phases = measure_phases(
                PAUSE, servers.webhook(), pause_reflection, plan.pause_single, plan.pause_concurrent, plan
            )
            report["memory_mib"][PAUSE] = {server_role(p): tree_rss_mib(p.pid) for p in servers.processes}
            record_phases(report, phases)
            completed = sum(result.conversations_completed for result in phases.values())
            stored = stored_cases(servers.database_url)
    except BenchmarkBroken as error:
        raise BenchmarkBroken(f"{error}\n{server_logs(work_dir)}") from error
    except (RuntimeError, TimeoutError, FileNotFoundError, subprocess.CalledProcessError) as error:
        raise BenchmarkBroken(f"Pause's servers did not start: {error}\n{server_logs(work_dir)}") from error
    report["outcome_check"] = {"completed_reflections": completed, "stored_cases": stored, "match": completed == stored}
    if completed != stored:
        raise BenchmarkBroken(
            f"OUTCOME MISMATCH: {completed} reflections gave a case reference "
            f"but the outcome database holds {stored} cases"
        )


def measure_starter(starter_dir: Path, plan: Plan, report: Dict[str, Any]) -> None:
    """Serve the trained starter bot and run its phases."""
    with running_starter(starter_dir) as server:
        webhook = f"{server.url}/webhooks/rest/webhook"
        phases = measure_phases(
            STARTER, webhook, starter_conversation, plan.starter_single, plan.starter_concurrent, plan
        )
        report["memory_mib"][STARTER] = {"Rasa server": tree_rss_mib(server.process.pid)}
        record_phases(report, phases)


def phase_figures(report: Dict[str, Any], bot: str, phase: str) -> Optional[Dict[str, Any]]:
    """The summary of one bot's phase, if it was measured."""
    for summary in report["phases"]:
        if summary["bot"] == bot and summary["phase"] == phase:
            return summary
    return None


def verdict(report: Dict[str, Any]) -> Dict[str, Any]:
    """Whether Pause met the speed bars of the spec in this run (None when not measured)."""
    pause_concurrent = phase_figures(report, PAUSE, "concurrent")
    starter_concurrent = phase_figures(report, STARTER, "concurrent")
    pause_single = phase_figures(report, PAUSE, "single")
    ratio: Optional[float] = None
    p95_below: Optional[bool] = None
    if pause_concurrent and starter_concurrent:
        pause_median, starter_median = pause_concurrent["median_ms"], starter_concurrent["median_ms"]
        if pause_median is not None and starter_median:
            ratio = round(pause_median / starter_median, 2)
        if pause_concurrent["p95_ms"] is not None and starter_concurrent["p95_ms"] is not None:
            p95_below = pause_concurrent["p95_ms"] < starter_concurrent["p95_ms"]
    single_fast: Optional[bool] = None
    if pause_single and pause_single["median_ms"] is not None:
        single_fast = pause_single["median_ms"] < SINGLE_CONVERSATION_TARGET_MS
    return {
        "concurrent_median_ratio": ratio,
        "concurrent_median_ratio_met": None if ratio is None else ratio <= CONCURRENT_MEDIAN_RATIO_BAR,
        "concurrent_p95_below_starter": p95_below,
        "single_median_under_target": single_fast,
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def render(report: Dict[str, Any]) -> str:
    """The figures as one readable plain-text table."""
    columns = (
        "bot", "phase", "senders", "done", "messages", "median ms", "p95 ms", "p99 ms", "max ms", "msgs/s", "errors",
    )
    rows = [
        (
            s["bot"], s["phase"], s["concurrency"], f"{s['conversations_completed']}/{s['conversations_started']}",
            s["messages"], s["median_ms"], s["p95_ms"], s["p99_ms"], s["max_ms"], s["messages_per_second"], s["errors"],
        )
        for s in report["phases"]
    ]
    cells = [list(columns)] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = []
    for number, row in enumerate(cells):
        lines.append("  ".join(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    lines.append("Memory after the concurrent phase (RSS, children included):")
    for bot, servers in report["memory_mib"].items():
        for role, mib in servers.items():
            lines.append(f"  {bot:<12} {role:<14} {mib:8.1f} MiB")
    lines.append("Training time (wall):")
    for bot, seconds in report["training_seconds"].items():
        lines.append(f"  {bot:<12} " + ("not measured" if seconds is None else f"{seconds:8.1f} s"))
    check = report.get("outcome_check")
    if check:
        lines.append(
            f"Outcome check: {check['completed_reflections']} completed reflections, "
            f"{check['stored_cases']} stored cases ({'match' if check['match'] else 'MISMATCH'})"
        )
    host = report["machine"]
    lines.append(
        f"Machine: {host['cores']} cores ({host['usable_cores']} usable), {host['cpu_model']}, "
        f"{host['memory_mib']} MiB, load {host['load_average_1m_at_start']} at start; "
        f"Python {host['python']}, Rasa {host['rasa']}"
    )
    lines.append(f"Code: commit {report['code']['commit']}, {report['code']['changed_files']} files changed since")
    judged = report["verdict"]

    def word(value: Optional[bool]) -> str:
        return "not measured" if value is None else ("yes" if value else "NO")

    ratio = judged["concurrent_median_ratio"]
    lines.append(
        f"Verdict: Pause concurrent median / starter bot's = {'-' if ratio is None else f'{ratio:.2f}'} "
        f"(<= {CONCURRENT_MEDIAN_RATIO_BAR}: {word(judged['concurrent_median_ratio_met'])}); "
        f"Pause concurrent p95 below the starter bot's: {word(judged['concurrent_p95_below_starter'])}; "
        f"Pause single-conversation median < {SINGLE_CONVERSATION_TARGET_MS:.0f} ms: "
        f"{word(judged['single_median_under_target'])}"
    )
    return "\n".join(lines)


def write_json(report: Dict[str, Any], path: Path) -> None:
    """Write the figures as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


def main(argv: Optional[List[str]] = None) -> int:
    """Run the benchmark, print the table, write the JSON; 1 when something broke, else 0."""
    arguments = parse_arguments(argv)
    plan = plan_for(arguments.concurrency, arguments.conversations, arguments.phase_time_limit)
    report: Dict[str, Any] = {
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code_version(),
        "plan": plan.__dict__,
        "phases": [],
        "warm_up": [],
        "memory_mib": {},
        "training_seconds": {PAUSE: None, STARTER: None},
        "outcome_check": None,
        "failure": None,
    }
    broken: Optional[str] = None
    with tempfile.TemporaryDirectory(prefix="pause-bench-") as scratch:
        scratch_dir = Path(scratch)
        starter_dir = scratch_dir / "starter" / "bot"
        try:
            print("Training", flush=True)
            if not arguments.skip_training:
                report["training_seconds"][PAUSE] = train_pause(scratch_dir / "pause-training")
            if not arguments.skip_starter:
                report["training_seconds"][STARTER] = init_starter(starter_dir)
            print("Measuring", flush=True)
            if not arguments.skip_starter:
                measure_starter(starter_dir, plan, report)
            pause_dir = scratch_dir / "pause"
            pause_dir.mkdir()
            measure_pause(pause_dir, plan, report)
        except BenchmarkBroken as error:
            broken = str(error)
    report["verdict"] = verdict(report)
    report["failure"] = broken
    write_json(report, arguments.json)
    print()
    print(render(report))
    print(f"Figures written to {arguments.json}")
    if broken:
        print(f"\nBENCHMARK BROKEN: {broken}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
