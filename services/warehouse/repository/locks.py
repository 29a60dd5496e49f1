"""Which commands wait for each other.

Stock commands read bin content, open activities and replicas, let the domain decide, and write: two
of them touching the same item at the same location must not both read before either writes, or two
picks could allocate the last unit twice. Each takes a transaction-level advisory lock per item at the
location, in one global order (sorted lock keys, servicekit.locks, also across a batch's messages), so
they queue instead of deadlocking; commands for
the same item may arrive on different partitions or instances. Configuring a location takes its lock
exclusively, stock commands share it, so a layout change never removes a bin under a posting.
"""

from collections.abc import Iterable

import asyncpg

from servicekit import locks


def _key(*parts: str) -> int:
    """A stable signed 64-bit lock key; the prefix keeps it apart from the reliability core's locks."""
    return locks.key("warehouse", *parts)


async def lock_stock(conn: asyncpg.Connection, location_code: str, item_nos: Iterable[str]) -> None:
    """Until the transaction ends: the location shared, then each item at it exclusively, in key order."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", _key("location", location_code))
    await locks.take(conn, (_key("stock", location_code, item_no) for item_no in item_nos))


async def lock_location(conn: asyncpg.Connection, location_code: str) -> None:
    """Until the transaction ends: the whole location, while its layout is replaced."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _key("location", location_code))
