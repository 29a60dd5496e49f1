"""Fresh Kafka + PostgreSQL for one test session, when neither external services nor Docker exist.

Each run gets its own broker log dir and cluster on free ports, so test runs never see each
other's topics, offsets or rows; everything is removed again by `stop()` (also at exit).
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from contracts.topics import ALL_TOPICS
from localstack import kafka, postgres, procs

DEFAULT_CACHE = Path(__file__).resolve().parents[2] / ".cache"


def free_ports(count: int) -> list[int]:
    """Distinct ports the kernel just handed out on 127.0.0.1 (free unless someone races us)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


@dataclass
class TestInfra:
    """What the tests need to reach the infra; `stop()` tears it down and removes its state."""

    __test__ = False  # not a pytest test class

    bootstrap: str
    admin_dsn: str
    broker: kafka.KafkaBroker = field(repr=False)
    pg: postgres.PostgresServer = field(repr=False)
    dirs: list[Path] = field(default_factory=list, repr=False)

    def create_database(self, name: str) -> str:
        """Create database `name` (if missing) and return its DSN."""
        return self.pg.create_database(name)

    def stop(self) -> None:
        self.broker.stop()
        self.pg.stop()
        for path in self.dirs:
            shutil.rmtree(path, ignore_errors=True)
        self.dirs = []


def _pg_data_dir(state_root: Path) -> tuple[Path, Path]:
    """(data dir, folder to remove afterwards); under /tmp if slt-postgres cannot reach state_root."""
    data_dir = state_root / f"postgres-{os.getpid()}"
    if postgres.unprivileged_can_use(data_dir):
        return data_dir, data_dir
    tmp = Path(tempfile.mkdtemp(prefix="slt-pg-"))
    os.chmod(tmp, 0o755)
    return tmp / "data", tmp


def start_test_infra(state_root: Path, cache_dir: Path | None = None) -> TestInfra:
    """Start a fresh broker and PostgreSQL on free ports, create all topics; return handles."""
    t0 = time.monotonic()
    state_root = Path(state_root).resolve()
    state_root.mkdir(parents=True, exist_ok=True)
    libs = kafka.ensure_kafka_libs(cache_dir or Path(os.environ.get("SLT_CACHE_DIR", DEFAULT_CACHE)))
    kafka_dir = state_root / f"kafka-{os.getpid()}"
    shutil.rmtree(kafka_dir, ignore_errors=True)
    pg_dir, pg_cleanup = _pg_data_dir(state_root)
    shutil.rmtree(pg_dir, ignore_errors=True)
    broker, pg = kafka.KafkaBroker(libs), postgres.PostgresServer()
    infra = TestInfra("", "", broker, pg, [kafka_dir, pg_cleanup])
    try:
        kafka_port, controller_port, pg_port = free_ports(3)
        broker.start(kafka_dir, kafka_port, controller_port)
        pg.start(pg_dir, pg_port)  # while the JVM boots
        broker.wait_ready()
        topics = [(t.name, t.partitions) for t in ALL_TOPICS]
        procs.run_sync(lambda: kafka.create_topics(broker.bootstrap, topics))
    except BaseException:
        infra.stop()
        raise
    infra.bootstrap, infra.admin_dsn = broker.bootstrap, pg.dsn()
    atexit.register(infra.stop)
    print(f"test infra: kafka {infra.bootstrap}, postgres {infra.admin_dsn} "
          f"({time.monotonic() - t0:.1f}s)", flush=True)
    return infra
