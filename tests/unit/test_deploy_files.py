"""compose.yaml and the Dockerfile cannot run here (no Docker engine): keep them consistent with the code."""

import re

import yaml

from contracts.topics import ALL_TOPICS
from inventory.settings import InventorySettings
from tests.support.infra import REPO
from warehouse.settings import WarehouseSettings

COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text())
SETTINGS = {"warehouse": WarehouseSettings, "inventory": InventorySettings}


def test_compose_services_use_only_variables_their_settings_class_reads():
    for name, settings in SETTINGS.items():
        service = COMPOSE["services"][name]
        known = {field.upper() for field in settings.model_fields}
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
    for name in SETTINGS:
        url = COMPOSE["services"][name]["environment"]["DATABASE_URL"]
        database = url.rsplit("/", 1)[1]
        assert f"CREATE DATABASE {database};" in init


def test_dockerfile_runs_as_non_root_and_installs_the_project():
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "pip install --no-cache-dir ." in dockerfile
    for source in ("contracts", "services"):
        assert f"COPY {source} " in dockerfile
