"""Quarantines: where a record or an outbox row goes when even its fallback fails, so nothing waits on it.

- `consumer_quarantine`: a consumed record whose dead letter could not be written (position, reason,
  error); the consumer moves on. Metric `slt_consumer_quarantined_total`, log line "record quarantined".
- `relay_quarantine`: an outbox row the broker refused for good (e.g. larger than it accepts); the relay
  moves it there and publishes the rows after it. Metric `slt_relay_quarantined_total` and gauge
  `slt_relay_quarantine_rows`, log line "outbox row quarantined". `slt outbox quarantine list|redrive`.
"""

import asyncpg
from aiokafka.structs import ConsumerRecord

from servicekit.outbox import NOTIFY_CHANNEL

_ROW = "id, topic, key, value, header_keys, header_values, created_at"


async def quarantine_record(pool: asyncpg.Pool, consumer: str, record: ConsumerRecord, reason: str,
                            error: str) -> None:
    await pool.execute(
        """INSERT INTO consumer_quarantine (consumer, topic, partition, "offset", reason, error)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        consumer, record.topic, record.partition, record.offset,
        reason.encode(errors="backslashreplace").decode().replace("\x00", "\\x00")[:2000], error[:2000],
    )


async def quarantine_outbox_row(conn: asyncpg.Connection, row_id: int, error: str) -> None:
    """Move one outbox row to the relay quarantine, in one transaction."""
    async with conn.transaction():
        await conn.execute(
            f"""INSERT INTO relay_quarantine ({_ROW}, error)
                SELECT {_ROW}, $2 FROM outbox WHERE id = $1 ON CONFLICT (id) DO NOTHING""", row_id, error[:2000])
        await conn.execute("DELETE FROM outbox WHERE id = $1", row_id)


async def quarantined_rows(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT id, topic, octet_length(value) AS size, created_at, quarantined_at, error,
                  header_values[array_position(header_keys, 'ce_id')] AS ce_id,
                  header_values[array_position(header_keys, 'ce_type')] AS ce_type
           FROM relay_quarantine ORDER BY id""")


async def redrive(conn: asyncpg.Connection, ids: list[int]) -> list[int]:
    """Put quarantined rows back at the end of the outbox (new ids: they leave after what is waiting);
    returns the ids re-driven. Fix their cause first (e.g. the broker's message.max.bytes)."""
    async with conn.transaction():
        moved = await conn.fetch(
            "DELETE FROM relay_quarantine WHERE id = ANY($1::bigint[]) RETURNING " + _ROW, ids)
        await conn.executemany(
            """INSERT INTO outbox (topic, key, value, header_keys, header_values, created_at)
               VALUES ($1, $2, $3, $4, $5, $6)""",
            [(r["topic"], r["key"], r["value"], r["header_keys"], r["header_values"], r["created_at"]) for r in moved])
        await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return sorted(r["id"] for r in moved)
