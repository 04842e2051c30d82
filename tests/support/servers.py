"""Start real Pause servers (action server and Rasa) on free loopback ports, for tests and benchmarks."""
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = REPO / "models" / "pause.tar.gz"
API_TOKEN = "pause-test-token"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Servers:
    """A running Pause: where to reach it and which databases it writes."""

    rasa_url: str
    actions_url: str
    database_url: str
    tracker_database_url: str
    processes: List[subprocess.Popen]
    log_dir: Path

    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"


def server_env(database_url: str, tracker_database_url: str, actions_port: int, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment a Pause server process runs with."""
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(REPO),
            "PAUSE_DATABASE_URL": database_url,
            "PAUSE_TRACKER_DATABASE_URL": tracker_database_url,
            "PAUSE_ACTION_ENDPOINT": f"http://127.0.0.1:{actions_port}/webhook",
            "SANIC_HOST": "127.0.0.1",
            # As scripts/serve.sh: a busy Rasa may connect, then write its request seconds
            # later; Sanic's default of 5 s would drop such a connection (see docs/benchmarks.md).
            "SANIC_KEEP_ALIVE_TIMEOUT": "75",
        }
    )
    env.update(extra or {})
    return env


def wait_until_up(url: str, processes: List[subprocess.Popen], timeout: float = 420.0) -> None:
    """Poll url until it answers 200, failing early if a server process has died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a server exited with code {process.returncode} before {url} was up")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} was not up after {timeout:.0f} s")


def start_actions(env: Dict[str, str], port: int, log_dir: Path) -> subprocess.Popen:
    """Start the action server."""
    log = open(log_dir / f"actions-{port}.log", "wb")
    return subprocess.Popen(
        [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def start_rasa(
    env: Dict[str, str], port: int, log_dir: Path, model: Path = MODEL, api: bool = True,
    credentials: Path = REPO / "credentials.yml",
) -> subprocess.Popen:
    """Start a Rasa server through Pause's launcher, as `make run` and the image do, with the
    project's endpoints and channels (or the given credentials file), on loopback only."""
    log = open(log_dir / f"rasa-{port}.log", "wb")
    command = [
        sys.executable, "-m", "components.launcher", "run", "--model", str(model), "--endpoints", "endpoints.yml",
        "--credentials", str(credentials), "-i", "127.0.0.1", "-p", str(port),
    ]
    if api:
        command += ["--enable-api", "--auth-token", API_TOKEN]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def migrate(database_url: str) -> None:
    """Bring the outcome database to the latest schema."""
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], cwd=REPO, check=True,
        env={**os.environ, "PAUSE_DATABASE_URL": database_url, "PYTHONPATH": str(REPO)},
    )


def stop(processes: List[subprocess.Popen]) -> None:
    """Stop server processes, politely first."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def running_pause(
    work_dir: Path,
    extra_env: Optional[Dict[str, str]] = None,
    api: bool = True,
    database_url: Optional[str] = None,
    tracker_database_url: Optional[str] = None,
    credentials: Path = REPO / "credentials.yml",
) -> Iterator[Servers]:
    """A complete Pause (action server + Rasa), with its own SQLite databases under work_dir
    unless database URLs are given (PostgreSQL, for instance)."""
    with running_replicas(
        work_dir, replicas=1, extra_env=extra_env, api=api,
        database_url=database_url, tracker_database_url=tracker_database_url, credentials=credentials,
    ) as replicas:
        yield replicas[0]


@contextmanager
def running_replicas(
    work_dir: Path,
    replicas: int = 2,
    extra_env: Optional[Dict[str, str]] = None,
    api: bool = True,
    database_url: Optional[str] = None,
    tracker_database_url: Optional[str] = None,
    credentials: Path = REPO / "credentials.yml",
) -> Iterator[List[Servers]]:
    """One action server and several Rasa servers sharing the same stores, each on its own port.

    Replicas only make sense with shared stores: PostgreSQL databases and PAUSE_REDIS_URL in
    extra_env for the conversation locks.
    """
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} is missing: run `make train` first")
    database_url = database_url or f"sqlite:///{work_dir / 'outcomes.db'}"
    tracker_url = tracker_database_url or f"sqlite:///{work_dir / 'tracker.db'}"
    migrate(database_url)
    actions_port = free_port()
    rasa_ports: List[int] = []
    while len(rasa_ports) < replicas:
        port = free_port()
        if port != actions_port and port not in rasa_ports:
            rasa_ports.append(port)
    env = server_env(database_url, tracker_url, actions_port, extra_env)
    processes: List[subprocess.Popen] = []
    try:
        processes.append(start_actions(env, actions_port, work_dir))
        for port in rasa_ports:
            processes.append(start_rasa(env, port, work_dir, api=api, credentials=credentials))
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", processes)
        for port in rasa_ports:
            wait_until_up(f"http://127.0.0.1:{port}/", processes)
        yield [
            Servers(
                f"http://127.0.0.1:{port}", f"http://127.0.0.1:{actions_port}",
                database_url, tracker_url, processes, work_dir,
            )
            for port in rasa_ports
        ]
    finally:
        stop(processes)
