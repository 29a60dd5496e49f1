"""Issue 11, Why 6: health that tells the truth. HTTP from the first second with Kafka or PostgreSQL away,
SIGTERM honoured while retrying at start, reconnect errors rate-limited, /readyz failing for a subscription
stuck on one message, lag per group and partition."""

import asyncio
import signal
import subprocess
import sys
import time

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from contracts import inventory as inv
from contracts.topics import INVENTORY_COMMANDS
from tests.support.ids import unique
from tests.support.inventory import register_item
from tests.support.services import ServiceProcess, free_port


def launch(service: ServiceProcess) -> ServiceProcess:
    """Start without waiting for ready (the point is what it says before)."""
    service.process = subprocess.Popen([sys.executable, "-m", service.module], env=service.env,
                                       stdout=service.log_path.open("ab"), stderr=subprocess.STDOUT)
    return service


async def answer(client: httpx.AsyncClient, url: str, timeout: float = 10) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await client.get(url, timeout=1)
        except httpx.HTTPError:
            assert time.monotonic() < deadline, f"{url} refused connections for {timeout}s"
            await asyncio.sleep(0.1)


@pytest.mark.parametrize("away", ["kafka", "database"])
async def test_http_answers_from_the_first_second_while_a_dependency_is_away_and_sigterm_stops_it(
        stack, tmp_path, away):
    nowhere = f"127.0.0.1:{free_port()}"
    env = {"KAFKA_BOOTSTRAP_SERVERS": nowhere if away == "kafka" else stack.infra.bootstrap,
           "DATABASE_URL": f"postgresql://postgres@{nowhere}/none" if away == "database"
           else await stack.infra.create_database("away")}
    service = launch(ServiceProcess("warehouse", env, tmp_path))
    try:
        started = time.monotonic()
        async with httpx.AsyncClient() as client:
            assert (await answer(client, f"{service.url}/healthz")).status_code == 200
            assert time.monotonic() - started < 5
            await asyncio.sleep(6)  # retrying all along
            ready = await client.get(f"{service.url}/readyz")
        assert ready.status_code == 503 and ready.json() == {"ready": False, "starting": True}
        service.process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(service.process.wait, 15) in (0, -signal.SIGTERM)
    finally:
        service.kill()
    lines = service.log_path.read_text().splitlines()
    assert any('"event": "service stopped"' in line for line in lines)
    errors = [line for line in lines if '"level": "error"' in line or '"level": "warning"' in line]
    assert len(errors) <= 4, f"{len(errors)} warning/error lines in 6 s:\n" + "\n".join(errors)


async def test_readyz_names_a_subscription_stuck_on_one_message(stack, kafka, tmp_path):
    database = await stack.infra.create_database("stuck")
    extra = ServiceProcess("inventory", {"KAFKA_BOOTSTRAP_SERVERS": stack.infra.bootstrap, "DATABASE_URL": database,
                                         "READY_STUCK_SECONDS": "2"}, tmp_path).start()
    lock = await asyncpg.connect(database)
    try:
        async with httpx.AsyncClient() as client:
            await lock.execute("BEGIN; LOCK TABLE inbox IN ACCESS EXCLUSIVE MODE")  # every claim waits
            # The extra instance shares the group: some keys land on its partitions and hang there.
            for _ in range(12):
                item_no = unique("STUCK")
                await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, register_item(item_no), key=item_no)
            deadline = time.monotonic() + 60
            while (ready := await client.get(f"{extra.url}/readyz")).status_code == 200:
                assert time.monotonic() < deadline, "readyz stayed ready with a message stuck"
                await asyncio.sleep(0.5)
            assert ready.json()["subscriptions"] is False and "inventory.commands" in ready.json()["stuck"]
            stuck_lag = [sample for family in text_string_to_metric_families((await client.get(
                f"{extra.url}/metrics")).text) for sample in family.samples
                if sample.name == "slt_consumer_lag_messages" and sample.labels["group"] == "inventory.commands"]
            assert any(sample.value > 0 for sample in stuck_lag), f"lag shows no waiting message: {stuck_lag}"
            await lock.execute("ROLLBACK")
            deadline = time.monotonic() + 30
            while (await client.get(f"{extra.url}/readyz")).status_code != 200:
                assert time.monotonic() < deadline, "readyz did not recover once the message went through"
                await asyncio.sleep(0.5)
            metrics = (await client.get(f"{extra.url}/metrics")).text
        assert 'slt_consumer_lag_messages{group="inventory.commands",partition=' in metrics
    finally:
        await lock.close()
        extra.stop()
