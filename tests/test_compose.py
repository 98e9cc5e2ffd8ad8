"""docker-compose.yml, the Dockerfile and .env.example agree with what the application reads.

Docker cannot run here, so the deployment files are checked against the code: every REVIEW_*
variable is a real setting, every command parses with the real CLI, URLs point at real services.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from review_service.cli import build_parser
from review_service.config import Settings
from review_service.tasks.cli import QUEUES

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APP_SERVICES = [name for name, s in SERVICES.items() if s.get("build")]
SETTINGS = {f"REVIEW_{name.upper()}" for name in Settings.model_fields}
VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def resolve(value: object) -> str:
    """Compose interpolation with each variable's default (what an empty .env gives)."""
    return VARIABLE.sub(lambda m: m.group(2) or "", str(value))


def env_of(service: dict) -> dict[str, str]:
    return {k: resolve(v) for k, v in (service.get("environment") or {}).items()}


def cli_commands(command: list[str]) -> list[list[str]]:
    """The review-service invocations in a command, also inside `sh -c "a && exec b"`."""
    if command[:2] == ["sh", "-c"]:
        parts = [shlex.split(p) for p in command[2].split("&&")]
        return [p[1:] if p[0] == "exec" else p for p in parts]
    return [command]


def parse(argv: list[str]):  # type: ignore[no-untyped-def]
    assert argv[0] == "review-service", argv
    return build_parser().parse_args(argv[1:])


def test_the_four_parts_and_a_bulk_worker_each_with_a_health_check():
    assert set(SERVICES) == {"api", "worker", "worker-bulk", "redis", "postgres"}
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert "container_name" not in service, f"{name}: a fixed name breaks --scale"
    for name in ("worker", "worker-bulk"):
        assert "ports" not in SERVICES[name], "a published port breaks --scale"


def test_every_review_variable_is_a_setting_and_parses():
    for name in APP_SERVICES:
        env = env_of(SERVICES[name])
        assert set(env) <= SETTINGS, set(env) - SETTINGS
        Settings(**{k[len("REVIEW_") :].lower(): v for k, v in env.items()})  # types and validators accept them
        assert env["REVIEW_DATA_DIR"] == "/data"
        assert any(v.startswith("review-data:/data") for v in SERVICES[name]["volumes"])


def test_database_and_broker_urls_point_at_the_services_with_their_credentials():
    db = Settings(database_url=env_of(SERVICES["api"])["REVIEW_DATABASE_URL"]).sqlalchemy_url
    parts = urlsplit(db)
    pg = env_of(SERVICES["postgres"])
    assert parts.scheme == "postgresql+psycopg" and parts.hostname == "postgres" and parts.port == 5432
    assert (parts.username, parts.password, parts.path[1:]) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        pg["POSTGRES_DB"],
    )
    assert pg["POSTGRES_USER"] in SERVICES["postgres"]["healthcheck"]["test"]
    broker = urlsplit(env_of(SERVICES["worker"])["REVIEW_BROKER_URL"])
    assert (broker.scheme, broker.hostname, broker.port) == ("redis", "redis", 6379)
    for name in APP_SERVICES:
        assert env_of(SERVICES[name])["REVIEW_BROKER_URL"] == env_of(SERVICES["worker"])["REVIEW_BROKER_URL"]
        assert env_of(SERVICES[name])["REVIEW_DATABASE_URL"] == env_of(SERVICES["api"])["REVIEW_DATABASE_URL"]


def test_commands_are_real_cli_commands_migrations_first():
    api = cli_commands(SERVICES["api"]["command"])
    assert [parse(a).func.__name__ for a in api] == ["_db_upgrade", "_serve"]
    assert env_of(SERVICES["api"])["REVIEW_HOST"] == "0.0.0.0"
    port = env_of(SERVICES["api"])["REVIEW_PORT"]
    assert resolve(SERVICES["api"]["ports"][0]).endswith(f":{port}")
    assert f":{port}/api/v1/health" in " ".join(SERVICES["api"]["healthcheck"]["test"])
    queues = {}
    for name in ("worker", "worker-bulk"):
        (argv,) = cli_commands(SERVICES[name]["command"])
        args = parse(argv)
        assert args.func.__name__ == "_worker"
        queues[name] = set(args.queues.split(","))
        assert queues[name] <= set(QUEUES)
        assert parse(SERVICES[name]["healthcheck"]["test"][1:]).func.__name__ == "_ping"
        assert SERVICES[name]["depends_on"]["api"]["condition"] == "service_healthy"  # schema migrated first
    assert queues == {"worker": {"checks"}, "worker-bulk": {"bulk"}}
    assert parse(cli_commands(SERVICES["worker-bulk"]["command"])[0]).nice > 0
    assert parse(cli_commands(SERVICES["worker"]["command"])[0]).nice == 0
    for dep in ("postgres", "redis"):
        assert SERVICES["api"]["depends_on"][dep]["condition"] == "service_healthy"


def test_named_volumes_are_declared():
    used = {v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", []) if not v.startswith((".", "/"))}
    assert used == set(COMPOSE["volumes"])


def test_dockerfile_installs_like_the_makefile():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM python:3.11-slim\n" in dockerfile
    pin = re.search(r"^PYCORRECTOR := (\S+)$", makefile, re.M).group(1)
    assert f"pip install --no-deps {pin}" in dockerfile
    assert "pip install -e '.[postgres]'" in dockerfile  # psycopg for REVIEW_DATABASE_URL
    for folder in ("checks", "workflows", "review_service", "dictionaries"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    assert "REVIEW_DATA_DIR=/data" in dockerfile and 'VOLUME ["/data"]' in dockerfile
    assert 'CMD ["review-service", "serve"]' in dockerfile


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_is_documented(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    named = set(re.findall(r"\bREVIEW_[A-Z_]+", text))
    assert named >= SETTINGS, SETTINGS - named
    assert named <= SETTINGS, named - SETTINGS


def test_env_example_values_are_valid_settings():
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    review = {k[len("REVIEW_") :].lower(): v for k, v in values.items() if k.startswith("REVIEW_")}
    Settings(**review)
    compose_only = set(values) - {f"REVIEW_{k.upper()}" for k in review}
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert all(f"${{{name}" in text for name in compose_only), compose_only


def test_dockerfile_copies_only_what_exists_and_ships_the_widget():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    sources = [part for line in dockerfile.splitlines() if line.startswith("COPY ") for part in line.split()[1:-1]]
    assert [s for s in sources if not (ROOT / s).exists()] == []
    assert "integrations/js/review-widget.js" in sources


def test_every_setting_reaches_the_containers():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    env = compose["services"]["api"]["environment"]
    wanted = {f"REVIEW_{name.upper()}" for name in Settings.model_fields} - {"REVIEW_HOST", "REVIEW_PORT"}
    assert sorted(wanted - set(env)) == []
