"""Transfer orders as the item ledger knows them (X5)."""

import asyncpg


async def in_transit_location(conn: asyncpg.Connection, item_no: str, transfer_no: str, destination: str) -> str | None:
    """Where the transfer order's stock of the item on its way to `destination` is, if any is in transit."""
    code: str | None = await conn.fetchval(
        """SELECT location_code FROM item_ledger_entry
           WHERE item_no = $1 AND document_no = $2 AND entry_type = 'transfer' AND open
             AND transfer_to_location = $3 AND location_code <> $3
           LIMIT 1""",
        item_no, transfer_no, destination)
    return code
