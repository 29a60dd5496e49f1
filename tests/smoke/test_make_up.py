"""README command 1 starts the whole system, both services become ready, Ctrl-C stops it cleanly."""

import os
import shutil
import signal
import subprocess
import sys
import time

import httpx

from tests.support.infra import REPO
from tests.support.services import free_port


def test_readme_start_command_runs_the_system_and_stops_on_ctrl_c(tmp_path):
    ports = {name: str(free_port()) for name in (
        "STACK_KAFKA_PORT", "STACK_KAFKA_CONTROLLER_PORT", "STACK_POSTGRES_PORT",
        "STACK_WAREHOUSE_HTTP_PORT", "STACK_INVENTORY_HTTP_PORT")}
    state = REPO / ".stack" / f"smoke-{os.getpid()}"
    env = {**os.environ, **ports, "STACK_STATE_DIR": str(state)}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    env.pop("DATABASE_URL", None)
    log = (tmp_path / "up.log").open("wb")
    # `make up` is `python -m localstack up` once the virtualenv exists.
    up = subprocess.Popen([sys.executable, "-m", "localstack", "up"], env=env, cwd=REPO,
                          stdout=log, stderr=subprocess.STDOUT)
    try:
        for name in ("WAREHOUSE", "INVENTORY"):
            url = f"http://127.0.0.1:{ports[f'STACK_{name}_HTTP_PORT']}/readyz"
            deadline = time.monotonic() + 180
            while True:
                assert up.poll() is None, (tmp_path / "up.log").read_text()
                try:
                    if httpx.get(url, timeout=2).json().get("ready"):
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"{url} never ready:\n{(tmp_path / 'up.log').read_text()}"
                time.sleep(0.5)
        up.send_signal(signal.SIGINT)
        assert up.wait(60) == 0
    finally:
        if up.poll() is None:
            up.kill()
            subprocess.run([sys.executable, "-m", "localstack", "down"], env=env, cwd=REPO, check=False)
    output = (tmp_path / "up.log").read_text()
    assert f"127.0.0.1:{ports['STACK_KAFKA_PORT']}" in output  # it printed where Kafka listens
    assert "stopped" in output
    leftovers = subprocess.run(["pgrep", "-f", str(state)], capture_output=True, text=True).stdout
    assert leftovers == "", f"processes left running: {leftovers}"
    shutil.rmtree(state, ignore_errors=True)
