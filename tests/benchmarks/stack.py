"""The system under measurement: fresh databases and N instances of each service per scenario.

Every scenario gets its own two databases, so one scenario's rows never slow another down; the
broker is shared (consumer groups resume at their committed offsets, which the previous scenario
left at the end of every topic). Services log at WARNING: per-message INFO lines would measure
the log writer, not the system.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg

from tests.support.infra import REPO, Infra
from tests.support.services import ServiceProcess

LOG_DIR = REPO / ".stack" / "bench-logs"


@dataclass
class BenchStack:
    infra: Infra
    warehouse_db: str
    inventory_db: str
    warehouses: list[ServiceProcess] = field(default_factory=list)
    inventories: list[ServiceProcess] = field(default_factory=list)

    @property
    def warehouse(self) -> ServiceProcess:
        return self.warehouses[0]

    @property
    def inventory(self) -> ServiceProcess:
        return self.inventories[0]

    @classmethod
    async def start(cls, infra: Infra, instances: int = 1, consumer_workers: int = 1) -> BenchStack:
        """`consumer_workers` > 1 runs each service through launch.py (a what-if: N consumers per subscription)."""
        stack = cls(infra, await infra.create_database("bench_wh"), await infra.create_database("bench_inv"))
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        env = {"KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap, "LOG_LEVEL": "WARNING",
               "OUTBOX_POLL_INTERVAL_SECONDS": "0.5", "BENCH_CONSUMER_WORKERS": str(consumer_workers)}

        def service(name: str, dsn: str) -> ServiceProcess:
            if consumer_workers == 1:
                return ServiceProcess(name, {**env, "DATABASE_URL": dsn}, LOG_DIR)
            launched = ServiceProcess("tests.benchmarks.launch", {**env, "DATABASE_URL": dsn, "BENCH_SERVICE": name,
                                                                  "PYTHONPATH": str(REPO)}, LOG_DIR)
            launched.log_path = LOG_DIR / f"{name}-{launched.port}.log"
            return launched

        for _ in range(instances):
            stack.warehouses.append(service("warehouse", stack.warehouse_db))
            stack.inventories.append(service("inventory", stack.inventory_db))
        try:
            await asyncio.gather(*(asyncio.to_thread(s.start) for s in stack.warehouses + stack.inventories))
        except BaseException:
            await stack.stop()  # none of them may outlive the run
            raise
        return stack

    async def stop(self) -> None:
        await asyncio.gather(*(asyncio.to_thread(s.stop) for s in self.warehouses + self.inventories))

    async def row_writes(self) -> int:
        """Rows inserted, updated and deleted so far in both databases (pg_stat_database)."""
        total = 0
        for dsn in (self.warehouse_db, self.inventory_db):
            conn = await asyncpg.connect(dsn)
            try:
                total += await conn.fetchval(
                    """SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database
                       WHERE datname = current_database()""")
            finally:
                await conn.close()
        return total

    async def settled_row_writes(self, timeout: float = 30.0) -> int:
        """pg_stat_database is flushed by each backend at most once a second: wait until it stops moving
        (at most `timeout` seconds; then the last count)."""
        previous, deadline = -1, asyncio.get_running_loop().time() + timeout
        while True:
            await asyncio.sleep(1.2)
            now = await self.row_writes()
            if now == previous or asyncio.get_running_loop().time() > deadline:
                return now
            previous = now


async def consumer_groups_idle(infra: Infra, timeout: float = 60.0) -> None:
    """Wait until every consumer group of the services has committed up to the end of its topics."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    from contracts.topics import INVENTORY_COMMANDS, INVENTORY_REPLICATION, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS

    groups = {"warehouse.commands": WAREHOUSE_COMMANDS, "warehouse.inventory-facts": INVENTORY_REPLICATION,
              "inventory.commands": INVENTORY_COMMANDS, "inventory.warehouse-facts": WAREHOUSE_EVENTS}
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.bootstrap)
    probe = AIOKafkaConsumer(bootstrap_servers=infra.bootstrap)
    await admin.start()
    await probe.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            behind = 0
            for group, topic in groups.items():
                partitions = [TopicPartition(topic, p) for p in range(6)]
                ends = await probe.end_offsets(partitions)
                committed = await admin.list_consumer_group_offsets(group)
                behind += sum(ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in partitions)
            if behind == 0 or asyncio.get_running_loop().time() > deadline:
                return
            await asyncio.sleep(0.5)
    finally:
        await probe.stop()
        await admin.close()
