"""`make infra` prints the variables the services read; a service started with exactly those lines is ready."""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time

import httpx

from tests.support.infra import REPO
from tests.support.services import free_port

READY_LINE = "running; Ctrl-C stops everything"


def wait_for_line(log_path, wanted: str, process: subprocess.Popen, timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    while wanted not in (text := log_path.read_text()):
        assert process.poll() is None, text
        assert time.monotonic() < deadline, f"no {wanted!r} after {timeout:.0f}s:\n{text}"
        time.sleep(0.3)
    return text


def test_make_infra_prints_per_service_the_variables_it_reads_and_they_start_it(tmp_path):
    ports = {name: str(free_port()) for name in (
        "STACK_KAFKA_PORT", "STACK_KAFKA_CONTROLLER_PORT", "STACK_POSTGRES_PORT",
        "STACK_WAREHOUSE_HTTP_PORT", "STACK_INVENTORY_HTTP_PORT")}
    state = REPO / ".stack" / f"infra-{os.getpid()}"
    env = {**os.environ, **ports, "STACK_STATE_DIR": str(state)}
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "HTTP_PORT"):
        env.pop(name, None)
    log_path = tmp_path / "infra.log"
    with log_path.open("wb") as log:  # `make infra` is `python -m localstack infra` once the virtualenv exists
        infra = subprocess.Popen([sys.executable, "-m", "localstack", "infra"], env=env, cwd=REPO,
                                 stdout=log, stderr=subprocess.STDOUT)
    service = None
    try:
        output = wait_for_line(log_path, READY_LINE, infra)
        lines = {line.split()[-1]: line for line in output.splitlines() if " -m " in line}
        assert set(lines) == {"warehouse", "inventory"}, output
        expected = {"warehouse": ports["STACK_WAREHOUSE_HTTP_PORT"], "inventory": ports["STACK_INVENTORY_HTTP_PORT"]}
        for name, line in lines.items():
            words = shlex.split(line)
            variables = dict(word.split("=", 1) for word in words if "=" in word)
            assert variables == {"KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports['STACK_KAFKA_PORT']}",
                                 "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{ports['STACK_POSTGRES_PORT']}/{name}",
                                 "HTTP_PORT": expected[name]}, line
        assert f"DATABASE_URL=postgresql://postgres@127.0.0.1:{ports['STACK_POSTGRES_PORT']}/postgres make test" in output

        # The printed line starts the warehouse service, and nothing else is needed.
        variables = dict(word.split("=", 1) for word in shlex.split(lines["warehouse"]) if "=" in word)
        clean = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")}
        with (tmp_path / "warehouse.log").open("wb") as log:
            service = subprocess.Popen([sys.executable, "-m", "warehouse"], env={**clean, **variables}, cwd=REPO,
                                       stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{variables['HTTP_PORT']}/readyz"
        deadline = time.monotonic() + 120
        while True:
            assert service.poll() is None, (tmp_path / "warehouse.log").read_text()
            try:
                if httpx.get(url, timeout=2).json().get("ready"):
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "warehouse.log").read_text()
            time.sleep(0.5)
    finally:
        if service is not None:
            service.terminate()
            service.wait(30)
        infra.send_signal(signal.SIGINT)
        try:
            infra.wait(60)
        except subprocess.TimeoutExpired:
            infra.kill()
            subprocess.run([sys.executable, "-m", "localstack", "down"], env=env, cwd=REPO, check=False)
        shutil.rmtree(state, ignore_errors=True)
