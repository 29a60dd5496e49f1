"""SQL for the warehouse's state; every function runs on the caller's connection (the unit of work's,
or a read-only one for queries) and never commits."""

from decimal import Decimal
from typing import Any

import asyncpg


def exact(stored: Decimal) -> Decimal:
    """numeric(18,6) comes back with six decimals; facts and messages to people say 6, not 6.000000."""
    normalized = stored.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized


async def one_row(conn: asyncpg.Connection, query: str, *args: Any) -> asyncpg.Record:
    """The row of a statement that always returns exactly one (a SELECT of sub-selects, without FROM)."""
    row = await conn.fetchrow(query, *args)
    assert row is not None, "a SELECT without FROM returns one row"
    return row
