"""Transactional outbox: rows written with the state change, published later by the relay."""

from dataclasses import dataclass, field

import asyncpg

from contracts.base import Message
from contracts.envelope import Envelope
from servicekit.tracing import context_headers

NOTIFY_CHANNEL = "outbox"


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
    pending: list[OutgoingRecord] = field(default_factory=list)

    def publish(self, topic: str, message: Message, envelope: Envelope) -> None:
        """Queue a fact; it is written with the unit of work's other changes at commit."""
        self.pending.append(
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
        """Queue a record as is (dead letters keep the original bytes and headers)."""
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
