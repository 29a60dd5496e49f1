"""compose.yaml and the Dockerfile cannot run here (no Docker engine): keep them consistent with the code,
and let Debian's `docker-compose` (which needs no daemon for `config`) validate compose.yaml."""

import os
import re
import shutil
import subprocess

import pytest
import yaml

from console.settings import ConsoleSettings
from contracts.topics import ALL_TOPICS
from inventory.settings import InventorySettings
from servicekit.settings import KafkaClientSettings
from tests.support.infra import REPO
from warehouse.settings import WarehouseSettings

COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text())
DOCKERFILE = (REPO / "deploy" / "Dockerfile").read_text()
SETTINGS = {"warehouse": WarehouseSettings, "inventory": InventorySettings, "console": ConsoleSettings}
APP_SERVICES = ("warehouse", "inventory")


def env_names(settings: type) -> set[str]:
    return {field.upper() for field in settings.model_fields}


def test_compose_services_use_only_variables_their_settings_class_reads():
    for name, settings in SETTINGS.items():
        service = COMPOSE["services"][name]
        known = env_names(settings)
        assert set(service["environment"]) <= known, f"{name}: {set(service['environment']) - known}"
        assert service["command"] == ["python", "-m", name]
        # The compose environment is a valid configuration for the settings class.
        settings.model_validate({k.lower(): v for k, v in service["environment"].items()})


def test_compose_creates_every_topic_with_its_designed_partition_count():
    script = " ".join(COMPOSE["services"]["topics"]["command"])
    declared = dict(re.findall(r"([a-z.0-9]+v1(?:\.dlq)?):(\d+)", script))
    assert declared == {t.name: str(t.partitions) for t in ALL_TOPICS}


def test_compose_databases_match_service_database_urls():
    init = (REPO / "deploy" / "postgres-init.sql").read_text()
    for name in APP_SERVICES:
        url = COMPOSE["services"][name]["environment"]["DATABASE_URL"]
        database = url.rsplit("/", 1)[1]
        assert f"CREATE DATABASE {database};" in init


def test_dockerfile_runs_as_non_root_and_installs_the_project():
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "pip install --no-cache-dir ." in DOCKERFILE
    for source in ("contracts", "services"):
        assert f"COPY {source} " in DOCKERFILE


def test_the_runtime_image_copies_no_test_infrastructure():
    copied = {source for line in DOCKERFILE.splitlines() if line.startswith("COPY ") for source in line.split()[1:-1]}
    assert copied == {"pyproject.toml", "README.md", "contracts", "services"}
    assert "[test]" not in DOCKERFILE


def test_dockerfile_exposes_the_default_port_of_every_process_it_runs():
    [exposed] = re.findall(r"^EXPOSE (.+)$", DOCKERFILE, re.MULTILINE)
    defaults = sorted(settings.model_fields["http_port"].default for settings in SETTINGS.values())
    assert sorted(int(port) for port in exposed.split()) == defaults
    assert re.search(r'^HEALTHCHECK .*CMD \["python", "-m", "servicekit.healthcheck"\]$', DOCKERFILE, re.MULTILINE)


def test_dockerfile_environment_is_read_by_every_process():
    names = re.findall(r"^ENV (\w+)=", DOCKERFILE, re.MULTILINE)
    assert names and all(name in env_names(settings) for name in names for settings in SETTINGS.values())


def test_compose_builds_one_image_that_every_python_process_runs():
    services = COMPOSE["services"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["warehouse"]
    assert {services[name]["image"] for name in SETTINGS} == {services["warehouse"]["image"]}
    assert all(services[name].get("pull_policy") == "never" for name in SETTINGS if name != "warehouse")


def test_compose_kafka_has_a_host_listener_where_the_cli_and_readme_look():
    kafka = COMPOSE["services"]["kafka"]
    advertised = dict(item.split("://") for item in kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"].split(","))
    default = KafkaClientSettings.model_fields["kafka_bootstrap_servers"].default
    assert advertised["PLAINTEXT"] == "kafka:9092" and advertised["HOST"] == default == "127.0.0.1:19092"
    assert f"{default}:19092" in kafka["ports"]
    assert all(s["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092" for n, s in COMPOSE["services"].items()
               if n in SETTINGS)


def test_compose_publishes_each_process_on_its_default_port_and_wires_the_console_to_the_services():
    for name, settings in SETTINGS.items():
        port = settings.model_fields["http_port"].default
        assert COMPOSE["services"][name]["ports"] == [f"127.0.0.1:{port}:{port}"]
        assert COMPOSE["services"][name]["environment"].get("HTTP_PORT", str(port)) == str(port)
    console = COMPOSE["services"]["console"]["environment"]
    assert (console["WAREHOUSE_URL"], console["INVENTORY_URL"]) == ("http://warehouse:8081", "http://inventory:8082")


@pytest.fixture(scope="session")
def docker_compose() -> str:
    """Debian's docker-compose: `config` parses and validates compose.yaml without a Docker engine.
    Installed with apt-get on a fresh machine (CI runs as root)."""
    if not shutil.which("docker-compose"):
        apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
        assert shutil.which(apt[0]), "no apt-get to install docker-compose with: install Debian's docker-compose"
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*apt, "update", "-q"], check=True, capture_output=True, timeout=600, env=env)
        subprocess.run([*apt, "install", "-y", "-q", "--no-install-recommends", "docker-compose"], check=True,
                       capture_output=True, timeout=900, env=env)
    found = shutil.which("docker-compose")
    assert found, "docker-compose is missing after apt-get install docker-compose"
    return found


def test_docker_compose_config_accepts_compose_yaml(docker_compose):
    result = subprocess.run([docker_compose, "--file", str(REPO / "compose.yaml"), "config"], cwd=REPO,
                            capture_output=True, text=True, timeout=120, env={**os.environ, "DOCKER_HOST": "unix:///nonexistent"})
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert set(resolved["services"]) == {"kafka", "topics", "postgres", "warehouse", "inventory", "console"}
    assert resolved["services"]["inventory"]["image"] == resolved["services"]["warehouse"]["image"]


def test_docker_compose_config_refuses_a_broken_file(docker_compose, tmp_path):
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  warehouse:\n    image: x\n    ports: 8081\n"
                      "    depends_on: {postgres: {condition: nope}}\n")
    result = subprocess.run([docker_compose, "--file", str(broken), "config"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
