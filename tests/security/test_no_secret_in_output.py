"""Issue 11, Why 7: no secret in any log line or error. Every secret setting gets a marker password; each
program is run into a settings error and into unreachable dependencies, and all it printed is searched."""

import os
import subprocess
import sys
import uuid

import pytest

from tests.support.services import free_port

MARKER = f"S3cret{uuid.uuid4().hex[:8]}"


def secrets(port: int) -> dict[str, str]:
    """Each secret setting, holding the marker."""
    return {
        "DATABASE_URL": f"postgresql://wh:{MARKER}-url@127.0.0.1:{port}/wh",
        "DATABASE_PASSWORD": f"{MARKER}-db",
        "KAFKA_SASL_USERNAME": "svc",
        "KAFKA_SASL_PASSWORD": f"{MARKER}-sasl",
        "KAFKA_SSL_KEY_PASSWORD": f"{MARKER}-key",
        "READ_API_TOKEN": f"{MARKER}-token",
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
        "HTTP_PORT": str(free_port()),
    }


def run(module: str, env: dict[str, str], *args: str, seconds: float) -> str:
    """All the program printed (stdout and stderr) before it ended, or in `seconds`."""
    process = subprocess.Popen([sys.executable, "-m", module, *args], env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.terminate()
        out, _ = process.communicate(timeout=20)
    return out.decode(errors="replace")


@pytest.mark.parametrize("module", ["warehouse", "inventory", "console"])
@pytest.mark.parametrize("broken", [
    {"KAFKA_SECURITY_PROTOCOL": "SASL_BOGUS"},  # a field error
    {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": ""},  # the model's own check
    {"HTTP_PORT": "not-a-port"},
])
def test_a_settings_error_names_the_variable_not_the_secrets(module, broken):
    printed = run(module, {**secrets(free_port()), **broken}, seconds=30)
    assert "invalid settings:" in printed and "Traceback" not in printed, printed
    assert MARKER not in printed, printed


@pytest.mark.parametrize("module", ["warehouse", "inventory"])
def test_a_service_that_cannot_reach_its_database_or_broker_logs_no_secret(module):
    printed = run(module, {**secrets(free_port()), "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, seconds=6)
    assert "not reachable yet" in printed and "service starting" in printed, printed
    assert MARKER not in printed, printed


def test_slt_with_half_configured_security_shows_no_secret():
    env = {**secrets(free_port()), "KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": ""}
    printed = run("slt_cli", env, "watch", "warehouse.events.v1", "--timeout", "1", seconds=30)
    assert "Kafka security settings" in printed and MARKER not in printed, printed
