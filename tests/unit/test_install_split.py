"""`make up` installs only what running needs; `make test` adds the test extras (issue 12, item 10)."""

import subprocess
import sys
import tomllib

from tests.support.infra import REPO

TEST_ONLY = ("pytest", "pytest_asyncio", "testcontainers", "playwright", "hypothesis", "kubernetes_validate")


def make_dry_run(target: str, tmp_path) -> str:
    """What `make TARGET` would run on a fresh clone (an empty virtualenv directory)."""
    venv = tmp_path / "fresh-venv"
    done = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_up_installs_the_project_without_its_test_extras(tmp_path):
    commands = make_dry_run("up", tmp_path)
    assert "pip install --quiet -e .\n" in commands
    assert "[test]" not in commands
    assert "-m localstack up" in commands


def test_make_test_installs_the_test_extras_on_top(tmp_path):
    commands = make_dry_run("test", tmp_path)
    assert "pip install --quiet -e .\n" in commands and "pip install --quiet -e '.[test]'" in commands
    assert "-m pytest" in commands


def test_the_extras_hold_the_test_tools_and_running_needs_none_of_them():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"]).lower()
    assert not [name for name in ("pytest", "testcontainers", "playwright", "hypothesis", "kubernetes-validate")
                if name in runtime]
    # Every module `make up` and the operator tools start imports with the test tools made unimportable.
    blocked = "; ".join(f"sys.modules[{name!r}] = None" for name in TEST_ONLY)
    program = (f"import sys; {blocked}; import localstack.stack, warehouse.app, "
               "inventory.app, slt_cli.main, console.app")
    done = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
