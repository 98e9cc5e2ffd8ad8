"""docker-compose.yml, the Dockerfile and .env.example agree with what the application reads.

Static checks that run everywhere, in a second; `make test-deploy` (deploy/) runs the stack for real.
Every REVIEW_* variable is a real setting, every command parses with the real CLI, URLs point at
real services, and the file stays readable by Debian bookworm's docker-compose 1.29 as well as v2.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy.engine import make_url

from review_service.cli import build_parser
from review_service.config import Settings
from review_service.tasks.cli import QUEUES

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
IMAGE = "review-service:latest"
APP_SERVICES = [name for name, s in SERVICES.items() if s.get("image") == IMAGE]
SETTINGS = {f"REVIEW_{name.upper()}" for name in Settings.model_fields}
# Where things are: the compose file sets these itself (volume, services, address), .env does not.
COMPOSE_OWNED = {
    "REVIEW_DATA_DIR",
    "REVIEW_DATABASE_URL",
    "REVIEW_DATABASE_PASSWORD",
    "REVIEW_BROKER_URL",
    "REVIEW_HOST",
    "REVIEW_PORT",
}
VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")
ASSIGNED = dict(line.split("=", 1) for line in ENV_EXAMPLE.splitlines() if line and not line.startswith("#"))


def resolve(value: object, given: dict[str, str] | None = None) -> str:
    """Compose interpolation: a value from .env (``given``), else the variable's default."""
    given = given or {}
    return VARIABLE.sub(lambda m: given.get(m.group(1)) or m.group(2) or "", str(value))


def env_of(service: dict, given: dict[str, str] | None = None) -> dict[str, str]:
    return {k: resolve(v, given) for k, v in (service.get("environment") or {}).items()}


def cli_commands(command: list[str]) -> list[list[str]]:
    """The review-service invocations in a command, also inside `sh -c "a && exec b"`."""
    if command[:2] == ["sh", "-c"]:
        parts = [shlex.split(p) for p in command[2].split("&&")]
        return [p[1:] if p[0] == "exec" else p for p in parts]
    return [command]


def parse(argv: list[str]):  # type: ignore[no-untyped-def]
    assert argv[0] == "review-service", argv
    return build_parser().parse_args(argv[1:])


def settings_of(env: dict[str, str]) -> Settings:
    return Settings(**{k[len("REVIEW_") :].lower(): v for k, v in env.items()})


def test_the_four_parts_and_a_bulk_worker_each_with_a_health_check_and_a_memory_limit():
    assert set(SERVICES) == {"api", "worker", "worker-bulk", "redis", "postgres"}
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert "container_name" not in service, f"{name}: a fixed name breaks --scale"
        assert re.fullmatch(r"\d+[mg]", resolve(service["mem_limit"])), name
    for name in ("worker", "worker-bulk"):
        assert "ports" not in SERVICES[name], "a published port breaks --scale"


def test_readable_by_docker_compose_1_29():
    # Debian bookworm's docker-compose 1.29 rejects a top-level `name` (and any other unknown key).
    assert set(COMPOSE) <= {"services", "volumes", "networks", "x-app"}
    assert "version" not in COMPOSE  # the Compose specification; 1.29 and v2 both read it without


def test_one_image_built_once_and_run_by_every_app_service():
    assert sorted(APP_SERVICES) == ["api", "worker", "worker-bulk"]
    builders = [name for name, s in SERVICES.items() if "build" in s]
    assert builders == ["api"]  # the workers reuse its image instead of building their own copy
    assert SERVICES["api"]["build"]["args"]["PYTHON_IMAGE"].startswith("${PYTHON_IMAGE:-python:3.11-slim}")


def test_every_review_variable_is_a_setting_and_parses():
    for name in APP_SERVICES:
        env = env_of(SERVICES[name])
        assert set(env) <= SETTINGS, set(env) - SETTINGS
        settings_of(env)  # types and validators accept them
        assert env["REVIEW_DATA_DIR"] == "/data"
        assert any(v.startswith("review-data:/data") for v in SERVICES[name]["volumes"])
        assert SERVICES[name]["env_file"] == "${APP_ENV_FILE:-.env}"


@pytest.mark.parametrize("password", ["review", "p@ss/w:rd#1", "Ab%40cd", "a b?c&d=e[f]", "x@y:z/%2F"])
def test_the_database_password_reaches_the_app_intact_whatever_its_characters(password):
    given = {"POSTGRES_PASSWORD": password}
    api = env_of(SERVICES["api"], given)
    assert "POSTGRES_PASSWORD" not in SERVICES["api"]["environment"]["REVIEW_DATABASE_URL"]  # never pasted in
    url = make_url(settings_of(api).sqlalchemy_url)
    pg = env_of(SERVICES["postgres"], given)
    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "postgres", 5432)
    assert (url.username, url.password, url.database) == (pg["POSTGRES_USER"], password, pg["POSTGRES_DB"])
    assert pg["POSTGRES_USER"] in SERVICES["postgres"]["healthcheck"]["test"]


def test_database_and_broker_urls_are_the_same_in_every_app_service():
    broker = urlsplit(env_of(SERVICES["worker"])["REVIEW_BROKER_URL"])
    assert (broker.scheme, broker.hostname, broker.port) == ("redis", "redis", 6379)
    for name in APP_SERVICES:
        for key in ("REVIEW_BROKER_URL", "REVIEW_DATABASE_URL", "REVIEW_DATABASE_PASSWORD"):
            assert env_of(SERVICES[name])[key] == env_of(SERVICES["api"])[key], (name, key)


def test_commands_are_real_cli_commands_migrations_first():
    api = cli_commands(SERVICES["api"]["command"])
    assert [parse(a).func.__name__ for a in api] == ["_db_upgrade", "_serve"]
    assert env_of(SERVICES["api"])["REVIEW_HOST"] == "0.0.0.0"
    port = env_of(SERVICES["api"])["REVIEW_PORT"]
    assert resolve(SERVICES["api"]["ports"][0]).endswith(f":{port}")
    # the API's health check is readiness: database and broker reachable, not just the process alive
    assert f":{port}/api/v1/ready" in " ".join(SERVICES["api"]["healthcheck"]["test"])
    queues = {}
    for name in ("worker", "worker-bulk"):
        (argv,) = cli_commands(SERVICES[name]["command"])
        args = parse(argv)
        assert args.func.__name__ == "_worker"
        queues[name] = set(args.queues.split(","))
        assert queues[name] <= set(QUEUES)
        test = SERVICES[name]["healthcheck"]["test"]
        assert test[1:4] == ["python", "-m", "review_service.tasks.ping"]  # = review-service worker-ping, lighter
        timeout = float(test[test.index("--timeout") + 1])
        assert timeout < int(SERVICES[name]["healthcheck"]["timeout"].rstrip("s"))  # answers within its limit
        assert SERVICES[name]["depends_on"]["api"]["condition"] == "service_healthy"  # schema migrated first
    assert queues == {"worker": {"checks"}, "worker-bulk": {"bulk"}}
    assert parse(cli_commands(SERVICES["worker-bulk"]["command"])[0]).nice > 0
    assert parse(cli_commands(SERVICES["worker"]["command"])[0]).nice == 0
    for dep in ("postgres", "redis"):
        assert SERVICES["api"]["depends_on"][dep]["condition"] == "service_healthy"


def test_named_volumes_are_declared():
    used = {v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", []) if not v.startswith((".", "/"))}
    assert used == set(COMPOSE["volumes"])


def test_dockerfile_installs_from_the_wheelhouse_without_network():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nARG PYTHON_IMAGE=python:3.11-slim\n" in dockerfile
    assert dockerfile.count("FROM ${PYTHON_IMAGE}") == 2  # a build stage; the runtime stage copies only the venv
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs and all("--no-index" in line for line in installs), installs
    assert "COPY build/wheelhouse /wheelhouse" in dockerfile
    assert "-e /app" in dockerfile  # editable: the engine reads dictionaries/ next to the packages
    for folder in ("checks", "workflows", "review_service", "dictionaries"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    assert "REVIEW_DATA_DIR=/data" in dockerfile and 'VOLUME ["/data"]' in dockerfile
    assert 'CMD ["review-service", "serve"]' in dockerfile
    assert "/api/v1/ready" in dockerfile
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "build" in ignore and "!build/wheelhouse" in ignore  # the base-image tarballs stay out of the context


def test_the_wheelhouse_pins_pycorrector_like_the_makefile():
    from deploy.wheelhouse import pins

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert pins() == re.findall(r"^PYCORRECTOR := (\S+)$", makefile, re.M) == ["pycorrector==1.1.4"]


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_is_documented(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    named = set(re.findall(r"\bREVIEW_[A-Z_]+", text))
    assert named >= SETTINGS, SETTINGS - named
    assert named <= SETTINGS, named - SETTINGS


def test_env_example_and_compose_agree_on_who_sets_what():
    review = {k[len("REVIEW_") :].lower(): v for k, v in ASSIGNED.items() if k.startswith("REVIEW_")}
    Settings(**review)  # every value given there is valid
    # what the compose file sets itself is only mentioned (commented out), never assigned, in .env.example
    assert not COMPOSE_OWNED & set(ASSIGNED), COMPOSE_OWNED & set(ASSIGNED)
    assert set(SERVICES["api"]["environment"]) == COMPOSE_OWNED
    assert set(SERVICES["worker"]["environment"]) == COMPOSE_OWNED - {"REVIEW_HOST", "REVIEW_PORT"}
    # the rest reaches the containers through env_file; the compose-only variables are really used
    compose_only = set(ASSIGNED) - {f"REVIEW_{k.upper()}" for k in review}
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert all(f"${{{name}" in text for name in compose_only), compose_only
    assert {"POSTGRES_PASSWORD", "API_PORT", "PYTHON_IMAGE", "REDIS_IMAGE", "POSTGRES_IMAGE"} <= compose_only


def test_dockerfile_copies_only_what_exists_and_ships_the_widget():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    sources = [
        part
        for line in dockerfile.splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for part in line.split()[1:-1]
    ]
    assert [s for s in sources if not (ROOT / s).exists() and s != "build/wheelhouse"] == []
    assert "integrations/js/review-widget.js" in sources
