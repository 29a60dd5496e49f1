"""Live security (issue 11, Why 9): a real broker with SASL/SCRAM-SHA-512 over plaintext and over TLS (a CA and
broker certificate made by the test with openssl); both services and `slt` connect with the documented
settings; a wrong password leaves a service not ready, says so in one line, and it stops on SIGTERM."""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from contracts import inventory as inv
from contracts.topics import ALL_TOPICS
from localstack import kafka as local_kafka
from localstack.testing import DEFAULT_CACHE, free_ports
from tests.support.ids import unique
from tests.support.inventory import register_item
from tests.support.services import ServiceProcess
from tests.support.tls import make_certificates

USERS = {"warehouse": f"wh-{uuid.uuid4().hex[:8]}", "inventory": f"inv-{uuid.uuid4().hex[:8]}",
         "operator": f"op-{uuid.uuid4().hex[:8]}"}


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test certificates (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("secure-kafka")
    certificates = make_certificates(folder / "certs")
    port, controller, sasl_port, ssl_port = free_ports(4)
    security = local_kafka.BrokerSecurity(sasl_port, ssl_port, USERS, certificates.keystore, certificates.password)
    libs = local_kafka.ensure_kafka_libs(os.environ.get("SLT_CACHE_DIR", DEFAULT_CACHE))
    broker = local_kafka.KafkaBroker(libs, heap="384m", security=security)
    broker.start(folder / "data", port, controller)
    try:
        broker.wait_ready()
        asyncio.run(local_kafka.create_topics(broker.bootstrap, [(t.name, t.partitions) for t in ALL_TOPICS]))
        yield {"sasl": f"127.0.0.1:{sasl_port}", "ssl": f"127.0.0.1:{ssl_port}", "ca": str(certificates.ca),
               "folder": folder}
    finally:
        broker.stop()


def client_env(broker: dict, user: str, tls: bool, password: str | None = None) -> dict[str, str]:
    """The documented settings (deploy/SECURITY.md)."""
    env = {"KAFKA_BOOTSTRAP_SERVERS": broker["ssl" if tls else "sasl"],
           "KAFKA_SECURITY_PROTOCOL": "SASL_SSL" if tls else "SASL_PLAINTEXT",
           "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "KAFKA_SASL_USERNAME": user,
           "KAFKA_SASL_PASSWORD": password or USERS[user]}
    return {**env, "KAFKA_SSL_CA_FILE": broker["ca"]} if tls else env


async def test_both_services_and_slt_work_over_sasl_scram_and_sasl_ssl(secure_broker, infra):
    logs = secure_broker["folder"] / "logs"
    logs.mkdir(exist_ok=True)
    warehouse = ServiceProcess("warehouse", {**client_env(secure_broker, "warehouse", tls=False),
                                             "DATABASE_URL": await infra.create_database("secure_wh")}, logs)
    inventory = ServiceProcess("inventory", {**client_env(secure_broker, "inventory", tls=True),
                                             "DATABASE_URL": await infra.create_database("secure_inv")}, logs)
    try:
        await asyncio.gather(asyncio.to_thread(warehouse.start, 90), asyncio.to_thread(inventory.start, 90))
        item_no = unique("SECURE")
        command = [sys.executable, "-m", "slt_cli", "publish", inv.RegisterItem.TYPE, "--data",
                   json.dumps(register_item(item_no)), "--wait", "--bootstrap", secure_broker["ssl"]]
        published = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=120,
                                            env={**os.environ, **client_env(secure_broker, "operator", True)})
        assert published.returncode == 0 and inv.ItemRegistered.TYPE in published.stdout, published
        # The fact went from inventory (TLS) to the warehouse (SASL_PLAINTEXT), which replicated it.
        async with httpx.AsyncClient() as client:
            deadline = time.monotonic() + 30
            while (await client.get(f"{warehouse.url}/items/{item_no}/tracking")).status_code != 200:
                assert time.monotonic() < deadline, "the warehouse never replicated the item"
                await asyncio.sleep(0.3)
    finally:
        warehouse.stop()
        inventory.stop()


async def test_a_wrong_password_leaves_the_service_not_ready_with_one_clear_line_and_it_stops_on_sigterm(
        secure_broker, infra):
    logs = secure_broker["folder"] / "wrong"
    logs.mkdir(exist_ok=True)
    marker = f"Wr0ngPw-{uuid.uuid4().hex[:6]}"
    service = ServiceProcess("inventory", {**client_env(secure_broker, "inventory", tls=True, password=marker),
                                           "DATABASE_URL": await infra.create_database("wrong_pw")}, logs)
    service.process = await asyncio.to_thread(subprocess.Popen, [sys.executable, "-m", "inventory"], env=service.env,
                                              stdout=service.log_path.open("ab"), stderr=subprocess.STDOUT)
    try:
        async with httpx.AsyncClient() as client:
            await wait_answer(client, f"{service.url}/healthz", 200)
            await asyncio.sleep(8)  # several attempts at the broker
            ready = await client.get(f"{service.url}/readyz")
        assert ready.status_code == 503 and ready.json()["ready"] is False
        service.process.send_signal(signal.SIGTERM)
        # uvicorn re-raises the signal once shut down, so the exit status is "terminated by SIGTERM".
        assert await asyncio.to_thread(service.process.wait, 20) in (0, -signal.SIGTERM)
    finally:
        service.kill()
    text = service.log_path.read_text()
    assert marker not in text and '"event": "service stopped"' in text
    why = [line for line in text.splitlines() if "SaslAuthenticationFailed" in line]
    assert len(why) == 1 and "invalid credentials" in why[0], why
    assert len([line for line in text.splitlines() if "kafka not reachable yet" in line]) == 1


async def wait_answer(client: httpx.AsyncClient, url: str, status: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (await client.get(url, timeout=1)).status_code == status:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} within {timeout}s")
