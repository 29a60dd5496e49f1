"""Transactional outbox: rows written with the state change, published later by the relay."""

from dataclasses import dataclass, field

import asyncpg

from contracts.base import Message
from contracts.envelope import Envelope

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
        self.pending.append(
            OutgoingRecord(
                topic=topic,
                key=message.kafka_key().encode(),
                value=message.model_dump_json().encode(),
                headers=envelope.to_headers(),
            )
        )

    def forward(self, record: OutgoingRecord) -> None:
        """Queue a record as is (dead letters keep the original bytes and headers)."""
        self.pending.append(record)

    async def flush(self) -> None:
        if not self.pending:
            return
        await self.conn.executemany(
            "INSERT INTO outbox (topic, key, value, header_keys, header_values) VALUES ($1, $2, $3, $4, $5)",
            [
                (r.topic, r.key, r.value, [k for k, _ in r.headers], [v for _, v in r.headers])
                for r in self.pending
            ],
        )
        # Delivered by PostgreSQL only when the transaction commits: wakes the relay.
        await self.conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
        self.pending.clear()
