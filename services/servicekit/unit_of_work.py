"""One transaction: the inbox rows, the state change and the outbox rows of one message, or of a batch."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from enum import Enum
from types import TracebackType
from typing import Any, cast

import asyncpg
import structlog
from aiokafka.structs import ConsumerRecord

from contracts.envelope import Envelope
from servicekit import locks
from servicekit.outbox import MAX_RECORD_BYTES, OutboxWriter

log = structlog.get_logger(__name__)


class Claim(Enum):
    NEW = "new"
    SEEN = "seen"
    REUSED_ID = "reused_id"


def _claim(new: bool, stored: bytes | None, payload_hash: bytes) -> Claim | None:
    if new:
        return Claim.NEW
    if stored is None:
        return None
    return Claim.SEEN if stored == payload_hash else Claim.REUSED_ID


class UnitOfWork:
    """`async with UnitOfWork(pool) as uow: ...; await uow.commit()`; leaving without commit rolls back."""

    def __init__(self, pool: asyncpg.Pool, max_record_bytes: int = MAX_RECORD_BYTES) -> None:
        self._pool = pool
        self._max_record_bytes = max_record_bytes

    async def __aenter__(self) -> "UnitOfWork":
        # The pool hands out a proxy of a connection; the repositories take it as the connection it stands for.
        self.conn = cast(asyncpg.Connection, await self._pool.acquire())
        self._transaction = self.conn.transaction()
        await self._transaction.start()
        locks.begin_transaction()
        self.outbox = OutboxWriter(self.conn, self._max_record_bytes)
        self._done = False
        return self

    async def claim(self, consumer: str, envelope: Envelope, payload_hash: bytes) -> Claim:
        """Record the message in the inbox under consumer + ce_source + ce_id with its payload's hash.

        SEEN: this consumer processed it already (same hash, or a row from before hashes were kept, whose
        source is ''); REUSED_ID: the id is taken by another payload.
        """
        status = await self.conn.execute(
            """INSERT INTO inbox (consumer, source, message_id, message_type, payload_hash)
               SELECT $1, $2, $3, $4, $5
               WHERE NOT EXISTS (SELECT 1 FROM inbox WHERE consumer = $1 AND source = '' AND message_id = $3)
               ON CONFLICT DO NOTHING""",
            consumer, envelope.source, envelope.id, envelope.type, payload_hash,
        )
        if status == "INSERT 0 1":
            return Claim.NEW
        stored = await self.conn.fetchval(
            "SELECT payload_hash FROM inbox WHERE consumer = $1 AND source IN ($2, '') AND message_id = $3",
            consumer, envelope.source, envelope.id,
        )
        return Claim.SEEN if stored in (None, payload_hash) else Claim.REUSED_ID

    async def claim_all(self, consumer: str, messages: Sequence[tuple[Envelope, bytes]]) -> list[Claim | None]:
        """`claim` for many messages in one statement (their source + id pairs differ). None where one
        statement cannot tell (the id is taken by a row it does not see: a concurrent claim, or one from before
        hashes were kept): ask `claim` for that message."""
        rows = await self.conn.fetch(
            """WITH wanted AS (
                   SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[]) WITH ORDINALITY
                                 AS w (source, message_id, message_type, payload_hash, n)),
               claimed AS (
                   INSERT INTO inbox (consumer, source, message_id, message_type, payload_hash)
                   SELECT $1, source, message_id, message_type, payload_hash FROM wanted
                   WHERE NOT EXISTS (SELECT 1 FROM inbox i WHERE i.consumer = $1 AND i.source = ''
                                                             AND i.message_id = wanted.message_id)
                   ON CONFLICT DO NOTHING
                   RETURNING source, message_id)
               SELECT EXISTS (SELECT 1 FROM claimed c WHERE c.source = w.source AND c.message_id = w.message_id),
                      (SELECT i.payload_hash FROM inbox i  -- the rows from before this statement
                       WHERE i.consumer = $1 AND i.source = w.source AND i.message_id = w.message_id)
               FROM wanted w ORDER BY w.n""",
            consumer, [e.source for e, _ in messages], [e.id for e, _ in messages], [e.type for e, _ in messages],
            [payload_hash for _, payload_hash in messages],
        )
        return [_claim(new, stored, payload_hash) for (new, stored), (_, payload_hash) in zip(rows, messages,
                                                                                             strict=True)]

    async def claim_record(self, consumer: str, record: ConsumerRecord, outcome: str) -> bool:
        """Answer a record by its position (dead letters, refusals of a reused id): a namespace no ce_id
        reaches. False when a previous attempt answered it already."""
        status = await self.conn.execute(
            """INSERT INTO record_claims (consumer, topic, partition, "offset", outcome) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT DO NOTHING""",
            consumer, record.topic, record.partition, record.offset, outcome,
        )
        return status == "INSERT 0 1"

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction: on an error, what the block wrote and queued in the outbox is undone, the
        inbox row (and anything before the block) is kept."""
        queued = len(self.outbox.pending)
        try:
            async with self.conn.transaction():
                yield
        except BaseException:
            self.outbox.discard_since(queued)
            raise

    async def commit(self) -> None:
        await self.outbox.flush()
        await self._transaction.commit()
        self._done = True

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._done:
                await self._transaction.rollback()
        except Exception:
            # The server went away mid-transaction (a restart): the rollback fails too, with a client-state
            # error. The connection is useless, and the error that brought us here (the lost connection, an
            # infrastructure error the consumer retries) must stay the one that counts, not this one.
            self.conn.terminate()
            if exc is None:
                raise
        finally:
            try:
                await self._pool.release(cast(Any, self.conn))
            except Exception as error:
                # Resetting a connection the server dropped fails ("cannot switch to state ..."); the pool has
                # closed it already. The transaction's outcome is decided either way, so this error must not
                # replace the one that brought us here, nor fail a unit of work that committed.
                log.warning("connection dropped on release", error=repr(error))
