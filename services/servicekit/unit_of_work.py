"""One message = one transaction: the inbox row, the state change and the outbox rows."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import Enum
from types import TracebackType
from typing import Any, cast

import asyncpg
import structlog
from aiokafka.structs import ConsumerRecord

from contracts.envelope import Envelope
from servicekit.outbox import MAX_RECORD_BYTES, OutboxWriter

log = structlog.get_logger(__name__)


class Claim(Enum):
    NEW = "new"
    SEEN = "seen"
    REUSED_ID = "reused_id"


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
