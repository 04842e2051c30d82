"""The deployment files agree with each other and with the tested setup.

No image can be built or pulled here, so this checks what can be checked without them: the
compose file parses and publishes nginx alone, ports match across every file, nginx routes the
webhooks and nothing else (checked by nginx itself, in front of a real Pause), every variable the
files use is documented, the Helm values select the same components as endpoints.yml, and the
container entry point migrates first and never starts Rasa's API without a token.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import textwrap
import time
from pathlib import Path
from typing import Dict, Iterator, List, Set

import pytest
import requests
import yaml

from tests.support.servers import Servers, free_port, running_pause

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
HELM = yaml.safe_load((DEPLOY / "helm" / "values.yml").read_text(encoding="utf-8"))
NGINX = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
NGINX_DIRECTIVES = re.sub(r"#[^\n]*", "", NGINX)
RASA_DOCKERFILE = (DEPLOY / "rasa.Dockerfile").read_text(encoding="utf-8")
ACTIONS_DOCKERFILE = (DEPLOY / "actions.Dockerfile").read_text(encoding="utf-8")
ENV_EXAMPLE = (REPO / ".env.example").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")
RASA_PORT, ACTIONS_PORT, NGINX_PORT = 5005, 5055, 8080
VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")


def services() -> Dict[str, dict]:
    return COMPOSE["services"]


def rasa_services() -> List[str]:
    return sorted(name for name in services() if name.startswith("rasa-"))


def example_variables() -> Set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, flags=re.MULTILINE))


def readme_configuration_table() -> str:
    section = README.split("## Configuration", 1)[1]
    return section.split("\n## ", 1)[0]


def nginx_locations(config: str) -> Dict[str, str]:
    """Each location's path and body, from the one server block."""
    return {
        match.group(1).strip(): match.group(2)
        for match in re.finditer(r"location\s+([^{]+)\{([^}]*)\}", config)
    }


# The compose file


def test_the_compose_file_has_two_replicas_behind_nginx() -> None:
    assert set(services()) >= {"nginx", "rasa-1", "rasa-2", "actions", "postgres", "redis"}
    assert len(rasa_services()) == 2


def test_only_nginx_publishes_a_port() -> None:
    published = {name for name, service in services().items() if service.get("ports")}
    assert published == {"nginx"}
    assert services()["nginx"]["ports"] == [f"${{PAUSE_HTTP_PORT:-{NGINX_PORT}}}:{NGINX_PORT}"]


def test_the_action_server_and_stores_are_on_an_internal_network_only() -> None:
    assert COMPOSE["networks"]["backend"]["internal"] is True
    for name, service in services().items():
        outside = name == "nginx" or name in rasa_services()
        expected = ["frontend", "backend"] if outside else ["backend"]
        assert service["networks"] == expected, name


def test_ports_agree_across_compose_dockerfiles_and_nginx() -> None:
    for name in rasa_services():
        rasa = services()[name]
        assert rasa["expose"] == [str(RASA_PORT)]
        command = rasa["command"]
        assert command[command.index("--port") + 1] == str(RASA_PORT)
        assert command[command.index("--interface") + 1] == "0.0.0.0"
    actions = services()["actions"]
    assert actions["expose"] == [str(ACTIONS_PORT)]
    assert actions["environment"]["PAUSE_ACTION_ENDPOINT"] == f"http://actions:{ACTIONS_PORT}/webhook"
    assert f"EXPOSE {RASA_PORT}" in RASA_DOCKERFILE
    assert f'"--port", "{RASA_PORT}"' in RASA_DOCKERFILE
    assert f"EXPOSE {ACTIONS_PORT}" in ACTIONS_DOCKERFILE
    assert f'"--port", "{ACTIONS_PORT}"' in ACTIONS_DOCKERFILE
    assert re.findall(r"^\s*listen\s+(\d+);", NGINX, flags=re.MULTILINE) == [str(NGINX_PORT)]
    upstream = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", NGINX, flags=re.MULTILINE)
    assert upstream == [(name, str(RASA_PORT)) for name in rasa_services()]


def test_the_stores_in_compose_are_postgresql_and_redis() -> None:
    environment = services()["actions"]["environment"]
    assert environment["PAUSE_DATABASE_URL"].startswith("postgresql://pause:")
    assert environment["PAUSE_DATABASE_URL"].endswith("@postgres:5432/pause")
    assert environment["PAUSE_TRACKER_DATABASE_URL"] == environment["PAUSE_DATABASE_URL"]
    assert re.fullmatch(r"redis://:\$\{REDIS_PASSWORD[^}]*\}@redis:6379/1", environment["PAUSE_REDIS_URL"])
    for name in rasa_services():
        # The replicas share the action server's stores and settings, and add the channels'.
        rasa = services()[name]["environment"]
        assert {key: rasa.get(key) for key in environment} == environment
        assert services()[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_the_api_token_comes_from_the_environment_never_from_the_file() -> None:
    for name in rasa_services():
        assert services()[name]["environment"]["RASA_API_TOKEN"] == "${RASA_API_TOKEN:-}"
        assert "--enable-api" not in services()[name]["command"]
        assert "--auth-token" not in services()[name]["command"]


# Documentation of every variable


def deployment_variables() -> Set[str]:
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(VARIABLE.findall(text))
    used |= {name for service in services().values() for name in (service.get("environment") or {})}
    used -= {"POSTGRES_USER", "POSTGRES_DB", "REDISCLI_AUTH", "RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS"}
    used -= {"RASA_TELEMETRY_ENABLED"}
    for entry in HELM["extraEnv"] + HELM["rasa-action-server"]["extraEnv"]:
        used.add(entry["name"])
    return used


def test_every_variable_the_deployment_uses_is_in_env_example() -> None:
    assert deployment_variables() - example_variables() == set()


def test_every_variable_in_env_example_is_in_the_readme() -> None:
    table = readme_configuration_table()
    assert {name for name in example_variables() if f"`{name}`" not in table} == set()


def test_every_pause_variable_is_read_by_the_code() -> None:
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*(REPO / "bot").rglob("*.py"), *(REPO / "components").glob("*.py"), REPO / "scripts" / "serve.sh"]
    )
    unread = {
        name for name in example_variables() | deployment_variables()
        if name.startswith("PAUSE_") and name != "PAUSE_HTTP_PORT" and f'"{name}"' not in code
        and f"${{{name}" not in code
    }
    assert unread == set()


# nginx


def test_nginx_routes_the_webhooks_and_nothing_else() -> None:
    locations = nginx_locations(NGINX_DIRECTIVES)
    assert set(locations) == {"/webhooks/", "= /nginx-health", "/"}
    assert "proxy_pass http://pause_rasa;" in locations["/webhooks/"]
    assert [path for path, body in locations.items() if "proxy_pass" in body] == ["/webhooks/"]
    assert "return 404;" in locations["/"]
    # The replicas share their stores: no sticky sessions.
    assert "ip_hash" not in NGINX_DIRECTIVES and "sticky" not in NGINX_DIRECTIVES
    assert "hash " not in NGINX_DIRECTIVES


def test_the_nginx_body_limit_is_the_channels_limit() -> None:
    channel_settings = pytest.importorskip("bot.channels.settings")
    limit = re.search(r"client_max_body_size\s+(\d+)k;", NGINX)
    assert limit is not None
    assert int(limit.group(1)) * 1024 == channel_settings.DEFAULT_MAX_REQUEST_BYTES
    assert HELM["ingress"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == f"{limit.group(1)}k"


def local_nginx_config(folder: Path, rasa_ports: List[int], listen: int) -> Path:
    """deploy/nginx.conf with the replicas' host names replaced by loopback ports."""
    config = NGINX
    for name, port in zip(rasa_services(), rasa_ports):
        config = config.replace(f"server {name}:{RASA_PORT}", f"server 127.0.0.1:{port}")
    config = config.replace(f"listen {NGINX_PORT};", f"listen 127.0.0.1:{listen};")
    config = config.replace("pid /tmp/nginx.pid;", f"pid {folder / 'nginx.pid'};")
    config = config.replace("http {", f"http {{\n    client_body_temp_path {folder / 'body'};\n    proxy_temp_path {folder / 'proxy'};", 1)
    path = folder / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def nginx_binary() -> str:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return binary


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    config = local_nginx_config(tmp_path, [free_port(), free_port()], free_port())
    result = subprocess.run(
        [nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(config)],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def pause_behind_nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = nginx_binary()
    folder = tmp_path_factory.mktemp("nginx")
    with running_pause(folder) as pause:
        port = int(pause.rasa_url.rsplit(":", 1)[1])
        listen = free_port()
        # Both upstream entries point at the one Pause: the routing, not the replicas, is tested.
        config = local_nginx_config(folder, [port, port], listen)
        nginx = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
            stdout=open(folder / "nginx.log", "wb"), stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{listen}"
            for _ in range(50):
                try:
                    requests.get(f"{url}/nginx-health", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            yield url
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)


@pytest.mark.model
def test_through_nginx_a_manager_is_answered(pause_behind_nginx: str) -> None:
    response = requests.post(
        f"{pause_behind_nginx}/webhooks/rest/webhook",
        json={"sender": "through-nginx", "message": "hello"}, timeout=60,
    )
    assert response.status_code == 200
    assert "Pause" in response.json()[0]["text"]


@pytest.mark.model
@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("GET", "/conversations/through-nginx/tracker"),
        ("POST", "/model/parse"),
        ("POST", "/webhook"),
        ("GET", "/health"),
    ],
)
def test_through_nginx_the_api_and_actions_are_unreachable(
    pause_behind_nginx: str, method: str, path: str
) -> None:
    response = requests.request(method, f"{pause_behind_nginx}{path}", json={}, timeout=30)
    assert response.status_code == 404


@pytest.mark.model
def test_through_nginx_a_body_over_the_limit_is_refused(pause_behind_nginx: str) -> None:
    response = requests.post(
        f"{pause_behind_nginx}/webhooks/rest/webhook",
        json={"sender": "through-nginx-large", "message": "x" * (65 * 1024)}, timeout=30,
    )
    assert response.status_code == 413


# Helm values


def endpoints() -> dict:
    return yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8"))


def test_helm_selects_the_same_components_as_endpoints_yml() -> None:
    chart = HELM["applicationSettings"]["endpoints"]
    project = endpoints()
    assert chart["trackerStore"]["type"] == project["tracker_store"]["type"]
    assert chart["lockStore"]["type"] == project["lock_store"]["type"]
    assert chart["eventBroker"]["type"] == project["event_broker"]["type"]
    assert chart["additionalEndpoints"]["nlg"] == project["nlg"]
    # The chart's own connection settings are removed, so the PAUSE_* URLs are the one place.
    for section in ("trackerStore", "lockStore", "eventBroker"):
        leftovers = {key: value for key, value in chart[section].items() if key not in ("enabled", "type")}
        assert set(leftovers.values()) == {None}, section


def test_helm_serves_the_projects_channels() -> None:
    credentials = yaml.safe_load((REPO / "credentials.yml").read_text(encoding="utf-8"))
    chart = HELM["applicationSettings"]["credentials"]
    assert chart["enabled"] is True
    assert set(chart["additionalChannelCredentials"]) == set(credentials)


def test_helm_exposes_webhooks_only_with_the_api_off() -> None:
    assert HELM["replicaCount"] == 2
    assert HELM["applicationSettings"]["enableAPI"] is False
    assert HELM["applicationSettings"]["telemetry"]["enabled"] is False
    assert HELM["applicationSettings"]["initialModel"] == ""
    assert HELM["nginx"]["enabled"] is False
    assert HELM["ingress"]["path"] == "/webhooks/"
    assert HELM["service"] == {"type": "ClusterIP", "port": RASA_PORT}
    assert HELM["args"][HELM["args"].index("--port") + 1] == str(RASA_PORT)
    actions = HELM["rasa-action-server"]
    assert actions["ingress"]["enabled"] is False
    assert actions["service"] == {"type": "ClusterIP", "port": ACTIONS_PORT}
    names = {entry["name"] for entry in HELM["extraEnv"]}
    assert {"PAUSE_DATABASE_URL", "PAUSE_TRACKER_DATABASE_URL", "PAUSE_REDIS_URL"} <= names
    assert "RASA_API_TOKEN" not in names


# Dockerfiles


@pytest.mark.parametrize(
    "dockerfile, base",
    [("rasa.Dockerfile", "rasa/rasa:3.6.21-full"), ("actions.Dockerfile", "rasa/rasa-sdk:3.6.2")],
)
def test_the_images_build_on_the_official_rasa_images(dockerfile: str, base: str) -> None:
    text = (DEPLOY / dockerfile).read_text(encoding="utf-8")
    assert re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE) == [base]
    assert re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)[-1] == "1001"
    for line in re.findall(r"^COPY\s+(.+)$", text, flags=re.MULTILINE):
        for source in line.split()[:-1]:
            assert (REPO / source).exists(), f"{dockerfile} copies {source}, which does not exist"
    pinned = {line.split("==")[0].lower() for line in (REPO / "requirements.txt").read_text().splitlines() if "==" in line}
    installs = re.search(r"-c /tmp/requirements.txt\s+\\?\s*([^&\n]+(?:\n\s+[^&\n]+)?)", text)
    assert installs is not None
    for package in installs.group(1).replace("\\", " ").split():
        assert package.lower().replace("_", "-") in pinned, f"{package} is not pinned in requirements.txt"


# The Rasa container's entry point


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def run_entrypoint(tmp_path: Path, arguments: List[str], env: Dict[str, str], migration_fails: bool = False):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    stub(bin_dir, "python", f'echo "python $*" >> "{log}"\n' + ("exit 3\n" if migration_fails else ""))
    result = subprocess.run(
        ["/bin/sh", str(DEPLOY / "rasa-entrypoint.sh"), *arguments],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=30,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return result, calls


RUN = ["run", "--model", "models/pause.tar.gz", "--port", "5005"]
LAUNCH = "python -m components.launcher "


def test_the_entrypoint_migrates_then_runs_rasa_without_the_api(tmp_path: Path) -> None:
    result, calls = run_entrypoint(tmp_path, RUN, {})
    assert result.returncode == 0, result.stderr
    assert calls == ["python -m bot db upgrade", LAUNCH + " ".join(RUN)]


def test_with_a_token_the_entrypoint_turns_the_api_on_with_it(tmp_path: Path) -> None:
    result, calls = run_entrypoint(tmp_path, RUN, {"RASA_API_TOKEN": "s3cret"})
    assert result.returncode == 0, result.stderr
    assert calls[-1] == LAUNCH + " ".join(RUN + ["--enable-api", "--auth-token", "s3cret"])


def test_the_entrypoint_refuses_the_api_without_a_token(tmp_path: Path) -> None:
    result, calls = run_entrypoint(tmp_path, RUN + ["--enable-api"], {})
    assert result.returncode == 64
    assert "RASA_API_TOKEN" in result.stderr
    assert not any(call.startswith(LAUNCH) for call in calls)


def test_the_entrypoint_gives_the_api_the_token_from_the_environment(tmp_path: Path) -> None:
    result, calls = run_entrypoint(tmp_path, RUN + ["--enable-api"], {"RASA_API_TOKEN": "s3cret"})
    assert result.returncode == 0
    assert calls[-1] == LAUNCH + " ".join(RUN + ["--enable-api", "--auth-token", "s3cret"])


def test_rasa_does_not_start_when_the_migration_fails(tmp_path: Path) -> None:
    result, calls = run_entrypoint(tmp_path, RUN, {}, migration_fails=True)
    assert result.returncode == 3
    assert calls == ["python -m bot db upgrade"]


# docker compose's own check, where a compose command is installed


def compose_command() -> List[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return [shutil.which("docker-compose")]  # type: ignore[list-item]
    pytest.skip("neither `docker compose` nor docker-compose is installed")


def compose_config(tmp_path: Path, env: Dict[str, str]) -> subprocess.CompletedProcess:
    command = compose_command()
    compose = dict(COMPOSE)
    if command[-1].endswith("docker-compose"):
        compose.pop("name")  # the older docker-compose predates the top-level name
    (tmp_path / "deploy").mkdir()
    for name in ("docker-compose.yml", "nginx.conf"):
        shutil.copy(DEPLOY / name, tmp_path / "deploy" / name)
    (tmp_path / "deploy" / "docker-compose.yml").write_text(yaml.safe_dump(compose), encoding="utf-8")
    env_file = tmp_path / "compose.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in env.items()), encoding="utf-8")
    return subprocess.run(
        [*command, "-f", str(tmp_path / "deploy" / "docker-compose.yml"), "--env-file", str(env_file), "config"],
        capture_output=True, text=True, timeout=60, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
    )


def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    result = compose_config(tmp_path, {"POSTGRES_PASSWORD": "pg-secret", "REDIS_PASSWORD": "redis-secret"})
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert resolved["services"]["rasa-1"]["environment"]["PAUSE_DATABASE_URL"] == (
        "postgresql://pause:pg-secret@postgres:5432/pause"
    )


def test_docker_compose_refuses_to_run_without_the_passwords(tmp_path: Path) -> None:
    result = compose_config(tmp_path, {"REDIS_PASSWORD": "redis-secret"})
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr
