"""One message = one transaction: the inbox row, the state change and the outbox rows."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

import asyncpg
import structlog

from servicekit.outbox import OutboxWriter

log = structlog.get_logger(__name__)


class UnitOfWork:
    """`async with UnitOfWork(pool) as uow: ...; await uow.commit()`; leaving without commit rolls back."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def __aenter__(self) -> "UnitOfWork":
        self.conn: asyncpg.Connection = await self._pool.acquire()
        self._transaction = self.conn.transaction()
        await self._transaction.start()
        self.outbox = OutboxWriter(self.conn)
        self._done = False
        return self

    async def claim(self, consumer: str, message_id: str, message_type: str) -> bool:
        """Record the message in the inbox; False when this consumer already processed it."""
        status = await self.conn.execute(
            "INSERT INTO inbox (consumer, message_id, message_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            consumer, message_id, message_type,
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
                await self._pool.release(self.conn)
            except Exception as error:
                # Resetting a connection the server dropped fails ("cannot switch to state ..."); the pool has
                # closed it already. The transaction's outcome is decided either way, so this error must not
                # replace the one that brought us here, nor fail a unit of work that committed.
                log.warning("connection dropped on release", error=repr(error))
