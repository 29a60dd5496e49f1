"""Outbox relay: publishes committed outbox rows in id order, then deletes them.

One relay per database is active at a time (a session advisory lock), so rows leave in commit
order and each key keeps its order on its partition. The producer is idempotent with
`acks=all`; a crash between publish and delete re-publishes rows, which consumers drop by their
inbox (same `ce_id`). LISTEN/NOTIFY wakes the relay; a poll is the fallback.
"""

import asyncio
import contextlib
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from servicekit.outbox import NOTIFY_CHANNEL

log = structlog.get_logger(__name__)

_RELAY_LOCK = 7_316_002
_MAX_BACKOFF = 10.0


class OutboxRelay:
    def __init__(
        self,
        dsn: str,
        producer: AIOKafkaProducer,
        poll_interval: float = 1.0,
        batch_size: int = 500,
    ) -> None:
        self._dsn = dsn
        self._producer = producer
        self._poll_interval = poll_interval
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.published = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        backoff = 0.1
        while True:
            try:
                await self._lead_and_publish()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # broker or database away: wait, never spin
                log.warning("outbox relay interrupted", error=repr(error), retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
            else:
                backoff = 0.1

    async def _lead_and_publish(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK):
                await asyncio.sleep(self._poll_interval)  # another instance relays
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
            while True:
                self._wake.clear()
                if await self._publish_batch(conn) < self._batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self._poll_interval)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(conn.close())

    async def _publish_batch(self, conn: asyncpg.Connection) -> int:
        rows = await conn.fetch(
            "SELECT id, topic, key, value, header_keys, header_values FROM outbox ORDER BY id LIMIT $1",
            self._batch_size,
        )
        if not rows:
            return 0
        deliveries = [
            await self._producer.send(
                r["topic"],
                value=r["value"],
                key=r["key"],
                headers=list(zip(r["header_keys"], r["header_values"], strict=True)),
            )
            for r in rows
        ]
        await asyncio.gather(*deliveries)
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        self.published += len(rows)
        return len(rows)


def idempotent_producer(bootstrap_servers: str, client_id: str, **connection: Any) -> AIOKafkaProducer:
    """`connection`: security options (SASL, TLS) as `servicekit.security.aiokafka_options` gives them."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=15000,
        **connection,
    )
