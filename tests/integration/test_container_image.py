"""What the one image holds and how its HEALTHCHECK finds the process's port (no Docker engine here:
the image's contents are the wheel `pip install .` builds from exactly what the Dockerfile copies)."""

import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from servicekit.healthcheck import default_port, port, running_module
from tests.support.infra import REPO
from tests.support.services import free_port


@pytest.mark.parametrize(("module", "expected"), [("warehouse", 8081), ("inventory", 8082), ("console", 8083)])
def test_without_http_port_the_healthcheck_asks_the_default_port_of_what_runs(module, expected):
    assert port({}, ["python", "-m", module]) == default_port(module) == expected
    assert port({"HTTP_PORT": "9100"}, ["python", "-m", module]) == 9100


def test_the_running_module_is_read_from_a_python_dash_m_command_line():
    assert running_module(["/usr/local/bin/python", "-m", "inventory", ""]) == "inventory"
    assert running_module(["uvicorn", "app"]) == ""


def healthcheck(http_port: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "servicekit.healthcheck"], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "HTTP_PORT": str(http_port)})


def test_the_healthcheck_passes_against_a_running_service_and_fails_where_nothing_listens(stack):
    assert healthcheck(stack.inventory.port).returncode == 0
    failed = healthcheck(free_port())
    assert failed.returncode == 1 and "/healthz" in failed.stderr


def dockerfile_sources() -> list[str]:
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    return [source for line in dockerfile.splitlines() if line.startswith("COPY ") for source in line.split()[1:-1]]


def test_the_image_installs_the_services_and_their_files_but_no_test_infrastructure(tmp_path):
    context = tmp_path / "context"
    context.mkdir()
    for source in dockerfile_sources():
        if (REPO / source).is_dir():
            shutil.copytree(REPO / source, context / source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(REPO / source, context / source)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(tmp_path / "wheel"), str(context)], check=True, timeout=300)
    [wheel] = (tmp_path / "wheel").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if "/" in name and ".dist-info" not in name}

    assert packages == {"contracts", "servicekit", "units_of_measure", "warehouse", "inventory", "slt_cli", "console"}
    assert {"servicekit/static/asyncapi.js", "servicekit/static/asyncapi.css", "servicekit/static/asyncapi.html",
            "servicekit/healthcheck.py", "servicekit/migrations/001_inbox_outbox.sql",
            "inventory/migrations/001_items_locations.sql", "console/static/index.html"} <= set(names)
    assert not [name for name in names if re.search(r"(^|/)(tests?|localstack)(/|$)", name)]
