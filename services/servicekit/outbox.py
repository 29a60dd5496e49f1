"""Transactional outbox: rows written with the state change, published later by the relay."""

from dataclasses import dataclass, field

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
        if not self.pending:
            return
        # The NOTIFY that wakes the relay rides on the insert (one round trip less per message); PostgreSQL
        # delivers it only when the transaction commits, and once however many rows signalled it.
        await self.conn.executemany(
            """INSERT INTO outbox (topic, key, value, header_keys, header_values)
               SELECT $1, $2, $3, $4, $5 FROM pg_notify($6, '')""",
            [
                (r.topic, r.key, r.value, [k for k, _ in r.headers], [v for _, v in r.headers], NOTIFY_CHANNEL)
                for r in self.pending
            ],
        )
        self.pending.clear()
