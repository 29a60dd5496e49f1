"""The baseline every pipeline figure is compared with: a bare aiokafka -> asyncpg -> aiokafka relay.

It does what a service does for one message, minus the product: consume, one transaction with
`writes` row writes (an inbox-like insert, filler inserts, an outbox-like insert), produce one
message, commit the offset. Same broker, same PostgreSQL, same process, so the ratio is fair.
"""

import asyncio
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

PARTITIONS = 6


async def _create_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, PARTITIONS, 1) for n in names])
    finally:
        await admin.close()


async def run_baseline(bootstrap: str, dsn: str, messages: int, writes: int) -> float:
    """Relay `messages` messages doing `writes` row writes each; returns messages per second."""
    run = uuid.uuid4().hex[:8]
    source, sink = f"bench.baseline.in.{run}", f"bench.baseline.out.{run}"
    await _create_topics(bootstrap, [source, sink])
    conn = await asyncpg.connect(dsn)
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS bench_rows (id bigserial PRIMARY KEY, message text NOT NULL, n int NOT NULL)"
    )
    await conn.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    for i in range(messages):
        await producer.send(source, f'{{"line": {i}, "run": "{run}"}}'.encode(), key=str(i % 97).encode())
    await producer.flush()

    started = time.perf_counter()
    relay = asyncio.create_task(_relay(bootstrap, dsn, source, sink, writes, producer))
    await _drain(bootstrap, sink, messages)
    elapsed = time.perf_counter() - started
    relay.cancel()
    await asyncio.gather(relay, return_exceptions=True)
    await producer.stop()
    return messages / elapsed


async def _relay(bootstrap: str, dsn: str, source: str, sink: str, writes: int, producer: AIOKafkaProducer) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    consumer = AIOKafkaConsumer(source, bootstrap_servers=bootstrap, group_id=f"{source}.relay",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        async for record in consumer:
            message_id = f"{record.partition}/{record.offset}"
            async with pool.acquire() as conn, conn.transaction():
                await conn.executemany(
                    "INSERT INTO bench_rows (message, n) VALUES ($1, $2)", [(message_id, n) for n in range(writes)]
                )
            await producer.send_and_wait(sink, record.value, key=record.key)
            await consumer.commit()
    finally:
        await consumer.stop()
        await pool.close()


async def _drain(bootstrap: str, topic: str, expected: int) -> None:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    seen = 0
    try:
        while seen < expected:
            batches = await consumer.getmany(timeout_ms=1000)
            seen += sum(len(records) for records in batches.values())
    finally:
        await consumer.stop()
