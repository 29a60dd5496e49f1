"""Blocked serial/lot numbers (T4): per item, at every location."""

import asyncpg

from inventory.domain.keys import BlockedTracking, TrackingNumbers

ORDER = "variant_code, serial_no, lot_no"


async def blocked_tracking(conn: asyncpg.Connection, item_no: str) -> tuple[BlockedTracking, ...]:
    rows = await conn.fetch(f"SELECT * FROM blocked_tracking WHERE item_no = $1 ORDER BY {ORDER}", item_no)
    return tuple(map(blocked, rows))


def blocked(row: asyncpg.Record) -> BlockedTracking:
    return BlockedTracking(row["item_no"], row["variant_code"], TrackingNumbers(row["serial_no"], row["lot_no"]))


async def save_block(conn: asyncpg.Connection, blocked: BlockedTracking, reason: str) -> None:
    await conn.execute(
        """INSERT INTO blocked_tracking (item_no, variant_code, serial_no, lot_no, reason) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (item_no, variant_code, serial_no, lot_no) DO UPDATE SET reason = excluded.reason""",
        *_blocked_values(blocked), reason,
    )


async def remove_block(conn: asyncpg.Connection, blocked: BlockedTracking) -> None:
    await conn.execute(
        "DELETE FROM blocked_tracking WHERE item_no = $1 AND variant_code = $2 AND serial_no = $3 AND lot_no = $4",
        *_blocked_values(blocked),
    )


async def stocked_locations(conn: asyncpg.Connection, item_no: str) -> list[str]:
    """Where the item has totals: the locations a new block may withdraw reservations from."""
    rows = await conn.fetch("SELECT DISTINCT location_code FROM location_totals WHERE item_no = $1", item_no)
    return [row["location_code"] for row in rows]


def _blocked_values(blocked: BlockedTracking) -> tuple[str, str, str, str]:
    return blocked.item_no, blocked.variant_code, blocked.numbers.serial_no, blocked.numbers.lot_no
