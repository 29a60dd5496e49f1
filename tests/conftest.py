"""Session-wide real infrastructure: one broker, one PostgreSQL, both services as processes.

Tests isolate themselves by unique ids (item numbers, locations, command ids), not teardown.
"""

import asyncio
from dataclasses import dataclass

import pytest
import pytest_asyncio

from contracts.topics import ALL_TOPICS, INVENTORY_EVENTS, WAREHOUSE_EVENTS
from tests.support.infra import REPO, Infra, start_infra
from tests.support.kafka import Client
from tests.support.services import ServiceProcess


@pytest.fixture(scope="session")
def infra() -> Infra:
    started = start_infra()
    yield started
    started.stop()


@dataclass
class Stack:
    infra: Infra
    warehouse: ServiceProcess
    inventory: ServiceProcess
    warehouse_db: str
    inventory_db: str


@pytest.fixture(scope="session")
def stack(infra: Infra) -> Stack:
    warehouse_db = asyncio.run(infra.create_database("warehouse"))
    inventory_db = asyncio.run(infra.create_database("inventory"))
    log_dir = REPO / ".stack" / "test-logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    def service(module: str, dsn: str) -> ServiceProcess:
        # A short poll timeout, so the drills' long database outage outlasts it (issue 11).
        env = {"KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap, "DATABASE_URL": dsn, "OUTBOX_POLL_INTERVAL_SECONDS": "0.5",
               "KAFKA_MAX_POLL_INTERVAL_MS": "15000"}
        return ServiceProcess(module, env, log_dir)

    started = Stack(infra, service("warehouse", warehouse_db), service("inventory", inventory_db), warehouse_db, inventory_db)
    started.warehouse.start()
    started.inventory.start()
    yield started
    started.warehouse.stop()
    started.inventory.stop()


@pytest_asyncio.fixture(scope="session")
async def kafka(infra: Infra) -> Client:
    """A raw client watching every fact topic and dead-letter topic from the session's start."""
    watched = [WAREHOUSE_EVENTS, INVENTORY_EVENTS] + [t.name for t in ALL_TOPICS if t.name.endswith(".dlq")]
    client = Client(infra.bootstrap, watched)
    await client.start()
    yield client
    await client.stop()
