"""Outbox relay: publishes committed outbox rows in id order, then deletes them.

One relay per database is active at a time (a session advisory lock), so rows leave in commit
order and each key keeps its order on its partition. The producer is idempotent with
`acks=all`; a crash between publish and delete re-publishes rows, which consumers drop by their
inbox (same `ce_id`). LISTEN/NOTIFY wakes the relay; a poll is the fallback.

Each row is deleted once its own send succeeded, so a failure never re-publishes the rows before it.
A row the broker refuses for good (too large, invalid) moves to `relay_quarantine` (servicekit.quarantine)
and the rows after it flow on; a row whose send failed for a passing reason (broker away) is sent again.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidProducerEpoch,
    InvalidTopicError,
    MessageSizeTooLargeError,
    OutOfOrderSequenceNumber,
    RecordListTooLargeError,
    RecordTooLargeError,
    UnknownProducerId,
    UnsupportedForMessageFormatError,
)

from contracts.topics import DLQ_SUFFIX
from servicekit.metrics import ServiceMetrics
from servicekit.outbox import MAX_RECORD_BYTES, NOTIFY_CHANNEL
from servicekit.quarantine import quarantine_outbox_row

# What the broker (or the producer, before sending) says about the record itself: sending again cannot help.
REFUSED_FOR_GOOD = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError, CorruptRecordException,
                    InvalidTopicError, UnsupportedForMessageFormatError)
# The broker and the idempotent producer disagree on its sequence numbers (a broker restart lost the tail
# of its log): that producer can never send again. A new one (a new producer id) can.
PRODUCER_LOST = (OutOfOrderSequenceNumber, UnknownProducerId, InvalidProducerEpoch)

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
        metrics: ServiceMetrics | None = None,
        new_producer: Callable[[], AIOKafkaProducer] | None = None,
    ) -> None:
        """`new_producer` makes a replacement when the producer's sequence state is lost (PRODUCER_LOST)."""
        self._dsn = dsn
        self.producer = producer
        self._new_producer = new_producer
        self._renew = False
        self._poll_interval = poll_interval
        self._batch_size = batch_size
        self._metrics = metrics or ServiceMetrics()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.published = 0
        self.last_published_at = time.monotonic()  # or when it started (health)

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
                if self._renew:
                    await self._renew_producer()
                await self._lead_and_publish()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # broker or database away: wait, never spin
                log.warning("outbox relay interrupted", error=repr(error), retry_in=backoff)
                self._renew = self._renew or (isinstance(error, PRODUCER_LOST) and self._new_producer is not None)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
            else:
                backoff = 0.1

    async def _renew_producer(self) -> None:
        log.warning("outbox relay starts a new producer: the broker lost the old one's sequence state")
        assert self._new_producer is not None
        old, self.producer = self.producer, self._new_producer()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(old.stop(), 5)
        await self.producer.start()
        self._renew = False

    async def _lead_and_publish(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK):  # noqa: ASYNC110
                await asyncio.sleep(self._poll_interval)  # another instance relays: poll for its lock
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
        """Returns how many rows were handled; raises the first passing failure after deleting what was sent."""
        rows = await conn.fetch(
            "SELECT id, topic, key, value, header_keys, header_values FROM outbox ORDER BY id LIMIT $1",
            self._batch_size,
        )
        if not rows:
            return 0
        deliveries = [await self._send(r) for r in rows]
        results = await asyncio.gather(*deliveries, return_exceptions=True)
        sent = [r for r, result in zip(rows, results, strict=True) if not isinstance(result, BaseException)]
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in sent])
        self._count(sent)
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, REFUSED_FOR_GOOD):
                await self._quarantine(conn, row, result)
        if failed := [result for result in results if isinstance(result, BaseException)
                      and not isinstance(result, REFUSED_FOR_GOOD)]:
            raise failed[0]
        return len(rows)

    async def _send(self, row: asyncpg.Record) -> asyncio.Future:
        """The delivery of one row; a failure to even enqueue it becomes a failed delivery."""
        try:
            return await self.producer.send(
                row["topic"], value=row["value"], key=row["key"],
                headers=list(zip(row["header_keys"], row["header_values"], strict=True)),
            )
        except Exception as error:
            failed = asyncio.get_running_loop().create_future()
            failed.set_exception(error)
            return failed

    async def _quarantine(self, conn: asyncpg.Connection, row: asyncpg.Record, error: Exception) -> None:
        headers = dict(zip(row["header_keys"], row["header_values"], strict=True))
        log.error("outbox row quarantined: the broker refuses it; rows after it flow on", outbox_id=row["id"],
                  topic=row["topic"], size=len(row["value"]), ce_id=(headers.get("ce_id") or b"").decode(),
                  error=repr(error), redrive=f"slt outbox quarantine redrive {row['id']}")
        await quarantine_outbox_row(conn, row["id"], repr(error))
        self._metrics.relay_quarantined.labels(row["topic"]).inc()

    def _count(self, sent: list[asyncpg.Record]) -> None:
        """Dead letters count when they are published, not when they are written."""
        if sent:
            self.published += len(sent)
            self.last_published_at = time.monotonic()
        for row in sent:
            if row["topic"].endswith(DLQ_SUFFIX):
                headers = dict(zip(row["header_keys"], row["header_values"], strict=True))
                consumer, reason = ((headers.get(h) or b"").decode() for h in ("dlq_consumer", "dlq_reason_code"))
                self._metrics.dead_letters.labels(consumer, row["topic"], reason).inc()


def idempotent_producer(bootstrap_servers: str, client_id: str, max_request_size: int = MAX_RECORD_BYTES,
                        **connection: Any) -> AIOKafkaProducer:
    """`connection`: security options (SASL, TLS) as `servicekit.security.aiokafka_options` gives them."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=15000,
        max_request_size=max_request_size,
        **connection,
    )
