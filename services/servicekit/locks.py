"""Transaction-level advisory locks in one global order (ascending keys), also across a batch's messages.

Each use case takes its locks sorted, so two messages never wait for each other in a circle. A batch's
transaction keeps the locks of its earlier messages, though, and its next message may need a key below
them: waiting for it could close a circle with another batch. So a key below the highest one the earlier
messages took is only tried (`pg_try_advisory_xact_lock`); when another transaction holds it,
`LockOutOfOrder` rolls the batch back and its messages are processed one per transaction. A transaction
thus only ever waits for keys above all it holds: no deadlock among them.
"""

import hashlib
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

import asyncpg


class LockOutOfOrder(Exception):
    """A later message of a batch needs a lock below those of earlier messages, and it is taken."""


@dataclass
class _Taken:
    highest: int | None = None  # the highest key taken in this transaction (savepoints rolled back included)
    floor: int | None = None  # the highest key the earlier messages of the batch took


_taken: ContextVar[_Taken | None] = ContextVar("servicekit_locks_taken", default=None)


def key(*parts: str) -> int:
    """A stable signed 64-bit lock key of the parts (the first names what is locked)."""
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def begin_transaction() -> None:
    _taken.set(_Taken())


def begin_message() -> None:
    """The next message of the batch starts: what the earlier ones locked is the floor."""
    if (taken := _taken.get()) is not None:
        taken.floor = taken.highest


async def take(conn: asyncpg.Connection, keys: Iterable[int]) -> None:
    """Until the transaction ends, each key exclusively, in ascending order (taking one again is harmless)."""
    wanted = sorted(set(keys))
    if not wanted:
        return
    taken = _taken.get() or _Taken()
    below = [k for k in wanted if taken.floor is not None and k < taken.floor]
    if below and not await conn.fetchval(
            "SELECT bool_and(pg_try_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k", below):
        raise LockOutOfOrder(f"{len(below)} lock(s) below those of the batch's earlier messages are taken")
    await conn.execute("SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k", wanted[len(below):])
    taken.highest = max(wanted[-1], taken.highest if taken.highest is not None else wanted[-1])
