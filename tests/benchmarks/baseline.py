"""The baseline every figure is compared with: a bare aiokafka -> asyncpg -> aiokafka relay.

It does what a service does for one message, minus the product: consume, one transaction with
`writes` row writes (set-based, one statement), produce one message; offsets are committed per
fetched batch once the broker acknowledged every message of it (nothing lost, redelivery possible,
the same guarantee as the services). It is what a careful hand-written relay achieves. Same broker,
same PostgreSQL, same machine, so the ratio is fair. It runs as its own process (like a service does), so its CPU is
not shared with the load driver's event loop.
"""

import asyncio
import json
import multiprocessing
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


async def _prepare(bootstrap: str, dsn: str) -> tuple[str, str]:
    run = uuid.uuid4().hex[:8]
    source, sink = f"bench.baseline.in.{run}", f"bench.baseline.out.{run}"
    await _create_topics(bootstrap, [source, sink])
    conn = await asyncpg.connect(dsn)
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS bench_rows (id bigserial PRIMARY KEY, message text NOT NULL, n int NOT NULL)"
    )
    await conn.close()
    return source, sink


def _relay_process(bootstrap: str, dsn: str, source: str, sink: str, writes: int, ready) -> None:
    asyncio.run(_relay(bootstrap, dsn, source, sink, writes, ready))


async def _relay(bootstrap: str, dsn: str, source: str, sink: str, writes: int, ready) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    conn = await asyncpg.connect(dsn)
    consumer = AIOKafkaConsumer(source, bootstrap_servers=bootstrap, group_id=f"{source}.relay",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    ready.set()
    numbers = list(range(writes))
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=100, max_records=500)
            deliveries = []
            for records in batches.values():
                for record in records:
                    async with conn.transaction():
                        await conn.execute(
                            "INSERT INTO bench_rows (message, n) SELECT $1, n FROM unnest($2::int[]) AS n",
                            f"{record.partition}/{record.offset}", numbers,
                        )
                    deliveries.append(await producer.send(sink, record.value, key=record.key, headers=record.headers))
            if deliveries:
                await asyncio.gather(*deliveries)  # acknowledged by the broker before the offsets move on
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()
        await conn.close()


class _Relay:
    """The relay in its own process, started before anything is published."""

    def __init__(self, bootstrap: str, dsn: str, source: str, sink: str, writes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._ready = context.Event()
        self._process = context.Process(target=_relay_process, args=(bootstrap, dsn, source, sink, writes, self._ready),
                                        daemon=True)

    async def __aenter__(self) -> "_Relay":
        self._process.start()
        await asyncio.to_thread(self._ready.wait, 60)
        return self

    async def __aexit__(self, *exc) -> None:
        self._process.terminate()
        await asyncio.to_thread(self._process.join, 10)


async def run_baseline(bootstrap: str, dsn: str, messages: int, writes: int) -> float:
    """Relay `messages` messages already waiting on the source topic, `writes` row writes each;
    returns messages per second from the first relayed to the last (group join excluded)."""
    source, sink = await _prepare(bootstrap, dsn)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    for i in range(messages):
        await producer.send(source, f'{{"line": {i}}}'.encode(), key=str(i % 97).encode())
    await producer.flush()
    await producer.stop()
    drain = _Drain(bootstrap, sink)
    await drain.start()
    async with _Relay(bootstrap, dsn, source, sink, writes):
        await drain.until(messages)
    await drain.stop()
    return (messages - 1) / (drain.last - drain.first)


async def run_baseline_latency(bootstrap: str, dsn: str, rate: float, count: int, writes: int) -> list[float]:
    """Offer `count` messages at `rate` per second; returns each one's seconds from publish to relayed."""
    source, sink = await _prepare(bootstrap, dsn)
    drain = _Drain(bootstrap, sink)
    await drain.start()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()
    sent: dict[int, float] = {}
    async with _Relay(bootstrap, dsn, source, sink, writes):
        await asyncio.sleep(3)  # the relay has joined its group
        draining = asyncio.create_task(drain.until(count))
        start = time.perf_counter()
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[i] = time.perf_counter()
            await producer.send(source, json.dumps({"i": i}).encode(), key=str(i % 97).encode())
        await draining
    await producer.stop()
    await drain.stop()
    return [drain.seen[i] - sent[i] for i in range(count)]


class _Drain:
    """Reads the sink; remembers when each message (by its `i`/`line`) arrived."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self._consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                          enable_auto_commit=False, fetch_max_wait_ms=20)
        self.seen: dict[int, float] = {}
        self.first = self.last = 0.0

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def until(self, expected: int, timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while len(self.seen) < expected and time.perf_counter() < deadline:
            batches = await self._consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    body = json.loads(record.value)
                    self.seen[body.get("i", body.get("line"))] = now
                    self.first = self.first or now
                    self.last = now
        if len(self.seen) < expected:
            raise TimeoutError(f"the baseline relayed {len(self.seen)} of {expected} messages")
