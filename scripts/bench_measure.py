"""Figures for `make bench`: latency summaries, process memory and a description of the machine."""
from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

PROC = Path("/proc")


def percentile(values: Sequence[float], fraction: float) -> Optional[float]:
    """The value below which `fraction` of `values` fall, interpolating linearly; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = math.ceil(position)
    if lower == upper:
        return ordered[lower]
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass
class PhaseResult:
    """What one measured phase of one bot gave: every reply time, the errors and the wall time."""

    bot: str
    phase: str
    concurrency: int
    conversations_started: int = 0
    completed: List[str] = field(default_factory=list)
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    problems: List[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    timed_out: bool = False
    load_average_1m_after: Optional[float] = None

    @property
    def conversations_completed(self) -> int:
        """How many conversations reached their end (for Pause: how many gave a case reference)."""
        return len(self.completed)

    def complete(self, outcome: str) -> None:
        """Count a completed conversation by what it ended with (a case reference or a sender id)."""
        self.completed.append(outcome)

    def record_error(self, description: str) -> None:
        """Count a message that got no usable reply, keeping its description."""
        self.errors += 1
        self.note_problem(description)

    def note_problem(self, description: str) -> None:
        """Keep the first few descriptions of what went wrong, for the report."""
        if len(self.problems) < 5:
            self.problems.append(description)

    def summary(self) -> Dict[str, Any]:
        """Median, p95, p99 and max reply time in milliseconds, throughput and error count."""
        def milliseconds(value: Optional[float]) -> Optional[float]:
            return None if value is None else round(value * 1000, 1)

        messages = len(self.latencies) + self.errors
        return {
            "bot": self.bot,
            "phase": self.phase,
            "concurrency": self.concurrency,
            "conversations_started": self.conversations_started,
            "conversations_completed": self.conversations_completed,
            "messages": messages,
            "median_ms": milliseconds(percentile(self.latencies, 0.5)),
            "p95_ms": milliseconds(percentile(self.latencies, 0.95)),
            "p99_ms": milliseconds(percentile(self.latencies, 0.99)),
            "max_ms": milliseconds(max(self.latencies) if self.latencies else None),
            "messages_per_second": round(messages / self.wall_seconds, 2) if self.wall_seconds > 0 else None,
            "errors": self.errors,
            "problems": list(self.problems),
            "wall_seconds": round(self.wall_seconds, 2),
            "timed_out": self.timed_out,
            "load_average_1m_after": self.load_average_1m_after,
        }


def _parent_pid(pid: int) -> Optional[int]:
    """The parent of a process, read from /proc/<pid>/stat; None if it has gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name sits in brackets and may itself contain spaces or brackets.
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[1])


def _resident_kib(pid: int) -> int:
    """VmRSS of one process in KiB, 0 when it has gone or has no resident memory."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> List[int]:
    """Every living process below pid in the process tree."""
    children: Dict[int, List[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent_pid(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: List[int] = []
    waiting = list(children.get(pid, []))
    while waiting:
        child = waiting.pop()
        found.append(child)
        waiting.extend(children.get(child, []))
    return found


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its children, in MiB."""
    total = _resident_kib(pid) + sum(_resident_kib(child) for child in descendants(pid))
    return round(total / 1024, 1)


def _cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    try:
        for line in (PROC / "cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total_mib() -> Optional[int]:
    """Total memory of the machine in MiB."""
    try:
        for line in (PROC / "meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> Dict[str, Any]:
    """The machine and software the figures were measured on."""
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "memory_mib": _memory_total_mib(),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "rasa": _version("rasa"),
        "spacy": _version("spacy"),
        "tensorflow": _version("tensorflow"),
        "platform": platform.platform(),
    }
