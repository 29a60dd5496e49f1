"""Transactional outbox: rows written with the state change, published later by the relay."""

from dataclasses import dataclass, field
from itertools import accumulate

import asyncpg
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from contracts.base import Message
from contracts.envelope import Envelope
from servicekit.tracing import context_headers

NOTIFY_CHANNEL = "outbox"
# The relay producer's max_request_size (KAFKA_MAX_REQUEST_SIZE); the broker's message.max.bytes is above it.
MAX_RECORD_BYTES = 1_048_576


class MessageTooLarge(Exception):
    """A record the relay could never publish: refused when it is written, not when the relay meets it."""

    reason_code = "message_too_large"

    def __init__(self, record: "OutgoingRecord", size: int, limit: int) -> None:
        ce_type = dict(record.headers).get("ce_type", b"?").decode(errors="replace")
        super().__init__(f"the {ce_type} message this would publish is {size:,} bytes, more than the {limit:,} "
                         "bytes a Kafka record may hold; send it as several smaller commands "
                         "(fewer lines, bins or serial numbers in each)")
        self.details = {"size_bytes": size, "limit_bytes": limit, "message_type": ce_type}


def record_size(record: "OutgoingRecord") -> int:
    """The size the producer checks against its max_request_size."""
    return DefaultRecordBatchBuilder.estimate_size_in_bytes(record.key, record.value, record.headers)


@dataclass(frozen=True)
class OutgoingRecord:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass
class OutboxWriter:
    """Collects the records of one unit of work and writes them in one statement at commit."""

    conn: asyncpg.Connection
    max_record_bytes: int = MAX_RECORD_BYTES
    pending: list[OutgoingRecord] = field(default_factory=list)

    def publish(self, topic: str, message: Message, envelope: Envelope) -> None:
        """Queue a fact; it is written with the unit of work's other changes at commit."""
        self.forward(
            OutgoingRecord(
                topic=topic,
                key=message.kafka_key().encode(),
                value=message.model_dump_json().encode(),
                # The trace continues in whichever service consumes this fact.
                headers=envelope.to_headers() + context_headers(),
            )
        )

    def discard_since(self, count: int) -> None:
        """Forget what was queued after the first `count` records (a rolled-back savepoint)."""
        del self.pending[count:]

    def forward(self, record: OutgoingRecord) -> None:
        """Queue a record as is (dead letters keep the original bytes and headers); MessageTooLarge when the
        producer could not send it."""
        if (size := record_size(record)) > self.max_record_bytes:
            raise MessageTooLarge(record, size, self.max_record_bytes)
        self.pending.append(record)

    async def flush(self) -> None:
        """All pending rows in one statement, in the order they were queued (the relay publishes by id).

        Each row's headers are a slice of two flat arrays (PostgreSQL arrays of arrays must be rectangular).
        The NOTIFY that wakes the relay rides on the insert; PostgreSQL delivers it when the transaction commits.
        """
        if not self.pending:
            return
        ends = list(accumulate(len(r.headers) for r in self.pending))
        await self.conn.execute(
            """INSERT INTO outbox (topic, key, value, header_keys, header_values)
               SELECT r.topic, r.key, r.value, ($4::text[])[r.last - r.count + 1:r.last],
                      ($5::bytea[])[r.last - r.count + 1:r.last]
               FROM unnest($1::text[], $2::bytea[], $3::bytea[], $6::int[], $7::int[]) WITH ORDINALITY
                    AS r (topic, key, value, count, last, n)
               CROSS JOIN (SELECT pg_notify($8, '')) AS wake
               ORDER BY r.n""",
            [r.topic for r in self.pending], [r.key for r in self.pending], [r.value for r in self.pending],
            [k for r in self.pending for k, _ in r.headers], [v for r in self.pending for _, v in r.headers],
            [len(r.headers) for r in self.pending], ends, NOTIFY_CHANNEL,
        )
        self.pending.clear()
