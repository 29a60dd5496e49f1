"""Where the tests find Kafka and PostgreSQL, in this order:

1. external services named by `KAFKA_BOOTSTRAP_SERVERS` and `DATABASE_URL` (a server DSN; the
   tests create their own databases on it);
2. testcontainers, when a Docker engine answers (the daemon is probed, not the `docker` binary);
3. otherwise the project's local processes (a real KRaft broker and PostgreSQL), as `make up` runs them.
"""

import asyncio
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from contracts.topics import ALL_TOPICS

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Infra:
    kind: str
    bootstrap: str
    server_dsn: str  # a DSN of the server's maintenance database
    stop: Callable[[], None] = field(default=lambda: None)
    # Stop/start the broker for outage drills; only the local processes offer it.
    kafka_down: Callable[[], None] | None = None
    kafka_up: Callable[[], None] | None = None
    # Stop/start PostgreSQL (same data, same port) for fault drills; only the local processes offer it.
    postgres_down: Callable[[], None] | None = None
    postgres_up: Callable[[], None] | None = None

    async def create_database(self, prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        conn = await asyncpg.connect(self.server_dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        parts = urlsplit(self.server_dsn)
        return urlunsplit(parts._replace(path=f"/{name}"))


def docker_engine_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:
        return False


def start_infra() -> Infra:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("DATABASE_URL"):
        infra = Infra("external", os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"])
    elif docker_engine_answers():
        infra = _start_containers()
    else:
        infra = _start_local_processes()
    asyncio.run(_create_topics(infra.bootstrap))
    return infra


def _start_containers() -> Infra:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    kafka = KafkaContainer("confluentinc/cp-kafka:7.6.1").with_kraft().start()
    postgres = PostgresContainer("postgres:16-alpine", driver=None).start()

    def stop() -> None:
        kafka.stop()
        postgres.stop()

    return Infra("testcontainers", kafka.get_bootstrap_server(), postgres.get_connection_url(), stop)


def _start_local_processes() -> Infra:
    from localstack.testing import start_test_infra

    local = start_test_infra(REPO / ".stack" / "tests")
    broker = local.broker
    controller_port = int((broker.data_dir / "ports").read_text().split()[1])

    def kafka_up() -> None:
        broker.start(broker.data_dir, broker.port, controller_port)
        broker.wait_ready()

    pg = local.pg
    data_dir, pg_port = pg.data_dir, pg.port

    def postgres_up() -> None:
        pg.start(data_dir, pg_port)

    return Infra("local processes", local.bootstrap, local.admin_dsn, local.stop, broker.stop, kafka_up,
                 pg.stop, postgres_up)


async def _create_topics(bootstrap: str) -> None:
    from localstack.kafka import create_topics

    await create_topics(bootstrap, [(t.name, t.partitions) for t in ALL_TOPICS])
