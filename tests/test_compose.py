"""Static checks for docker-compose.yml, .env.example and .gitignore.

No Docker engine is needed: the compose file is parsed with PyYAML and
validated against the Compose specification with check-jsonschema.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
GITIGNORE = ROOT / ".gitignore"

LONG_RUNNING_SERVICES = (
    "airflow-db",
    "newsmon-db",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
)
ONE_SHOT_SERVICES = ("airflow-init",)
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
)
DATABASE_SERVICES = ("airflow-db", "newsmon-db")

# Environment variable names whose values must never be literals.
SENSITIVE_NAME = re.compile(r"PASSWORD|SECRET|KEY|_CONN|DATABASE_URL")
# Of those, the ones holding a URL with credentials in it.
URL_NAME = re.compile(r"_CONN|DATABASE_URL")
# `${VAR:?message}`: a variable compose refuses to run without.
REQUIRED_REF = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):\?[^}]*\}")
# Any interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?msg}`, `$VAR`.
ANY_REF = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")
REF_PLACEHOLDER = "required-ref"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = compose.get("services")
    assert isinstance(result, dict), "docker-compose.yml has no `services` mapping"
    return result


def _strings(node: object) -> Iterator[str]:
    """Yield every string (keys and values) in a parsed YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _references(text: str) -> list[re.Match[str]]:
    """Interpolations in `text`, ignoring `$$` (a literal `$` for the container)."""
    return list(ANY_REF.finditer(text.replace("$$", "")))


def _environment(service: dict[str, Any]) -> dict[str, object]:
    """A service's `environment`, whether written as a mapping or a list."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return dict(env)
    result: dict[str, object] = {}
    for item in env:
        name, _, value = str(item).partition("=")
        result[name] = value
    return result


def _env_example_names() -> set[str]:
    names: set[str] = set()
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        name, sep, value = line.partition("=")
        assert sep, f".env.example: not a NAME=value line: {raw!r}"
        assert value.strip(), f".env.example: {name} has no placeholder value"
        names.add(name.strip())
    return names


def _check_jsonschema_command() -> list[str]:
    script = Path(sys.executable).with_name("check-jsonschema")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "check_jsonschema"]


def test_compose_file_matches_compose_spec() -> None:
    result = subprocess.run(
        [
            *_check_jsonschema_command(),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_required_services_exist(services: dict[str, dict[str, Any]]) -> None:
    missing = set(LONG_RUNNING_SERVICES + ONE_SHOT_SERVICES) - set(services)
    assert not missing, f"missing services: {sorted(missing)}"


@pytest.mark.parametrize("name", LONG_RUNNING_SERVICES)
def test_long_running_service_has_healthcheck(services: dict[str, dict[str, Any]], name: str) -> None:
    healthcheck = services[name].get("healthcheck")
    assert isinstance(healthcheck, dict), f"{name}: no healthcheck"
    assert not healthcheck.get("disable", False), f"{name}: healthcheck disabled"
    assert healthcheck.get("test"), f"{name}: healthcheck has no test"
    assert services[name].get("restart") == "unless-stopped", f"{name}: restart policy"


def test_init_waits_for_both_databases(services: dict[str, dict[str, Any]]) -> None:
    depends_on = services["airflow-init"].get("depends_on")
    assert isinstance(depends_on, dict)
    for db in DATABASE_SERVICES:
        assert depends_on.get(db, {}).get("condition") == "service_healthy", db
    assert services["airflow-init"].get("restart") == "no"


@pytest.mark.parametrize("name", AIRFLOW_SERVICES)
def test_airflow_service_waits_for_init(services: dict[str, dict[str, Any]], name: str) -> None:
    depends_on = services[name].get("depends_on")
    assert isinstance(depends_on, dict), f"{name}: depends_on must use conditions"
    assert depends_on.get("airflow-init", {}).get("condition") == "service_completed_successfully"
    for db in DATABASE_SERVICES:
        assert depends_on.get(db, {}).get("condition") == "service_healthy", f"{name} -> {db}"


def _assert_not_literal(where: str, name: str, value: object) -> None:
    assert isinstance(value, str), f"{where}: {name} must be a ${{VAR:?...}} reference, got {value!r}"
    refs = _references(value)
    assert refs, f"{where}: {name} is a literal value"
    for ref in refs:
        assert REQUIRED_REF.fullmatch(ref.group(0)), f"{where}: {name} uses {ref.group(0)!r}; use ${{VAR:?set in .env}}"
    if URL_NAME.search(name):
        # Credentials inside the URL must be references; the rest is structure.
        url = urlsplit(REQUIRED_REF.sub(REF_PLACEHOLDER, value))
        assert url.password == REF_PLACEHOLDER, f"{where}: {name} password is not a reference"
        assert url.username == REF_PLACEHOLDER, f"{where}: {name} user is not a reference"
    else:
        assert REQUIRED_REF.fullmatch(value), f"{where}: {name} must be exactly one ${{VAR:?...}}"


def test_no_literal_secrets_in_environment(compose: dict[str, Any], services: dict[str, dict[str, Any]]) -> None:
    checked = 0
    blocks: dict[str, dict[str, Any]] = {
        key: value for key, value in compose.items() if key.startswith("x-") and isinstance(value, dict)
    }
    blocks.update(services)
    for where, block in blocks.items():
        for name, value in _environment(block).items():
            if SENSITIVE_NAME.search(name):
                _assert_not_literal(where, name, value)
                checked += 1
    assert checked, "no sensitive variables found: the check would be vacuous"


def test_ports_bind_to_localhost_only(services: dict[str, dict[str, Any]]) -> None:
    published = 0
    for name, service in services.items():
        for port in service.get("ports") or []:
            published += 1
            if isinstance(port, dict):
                assert port.get("host_ip") == "127.0.0.1", f"{name}: {port!r}"
            else:
                assert str(port).startswith("127.0.0.1:"), f"{name}: {port!r} is not bound to 127.0.0.1"
    assert published, "expected the api-server port to be published"
    assert "127.0.0.1:8080:8080" in [str(p) for p in services["airflow-apiserver"].get("ports") or []]


def test_env_example_defines_every_referenced_variable(compose: dict[str, Any]) -> None:
    referenced = {ref.group("braced") or ref.group("bare") for text in _strings(compose) for ref in _references(text)}
    assert referenced, "compose file references no variables"
    missing = referenced - _env_example_names()
    assert not missing, f".env.example lacks: {sorted(missing)}"


def test_dotenv_is_gitignored() -> None:
    lines = {line.strip() for line in GITIGNORE.read_text(encoding="utf-8").splitlines()}
    assert lines & {".env", "/.env"}, ".env must be listed in .gitignore"
