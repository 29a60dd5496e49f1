"""Transfer orders and what their shipments sent (X1, X3)."""

from collections.abc import Iterable, Sequence
from decimal import Decimal

import asyncpg

from warehouse.domain.errors import DuplicateDocumentError
from warehouse.domain.events import BinTotal, TransferRoute
from warehouse.domain.tracking import Tracking
from warehouse.domain.transfers import ShippedTracking, TrackingKey
from warehouse.repository import exact


async def add(conn: asyncpg.Connection, route: TransferRoute) -> None:
    status = await conn.execute(
        """INSERT INTO transfer_order (transfer_no, from_location, in_transit_location, to_location)
           VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""",
        route.transfer_no, route.from_location, route.in_transit_location, route.to_location)
    if status.endswith(" 0"):
        raise DuplicateDocumentError(f"Transfer order {route.transfer_no} was released already: use another number.")


async def route(conn: asyncpg.Connection, transfer_no: str) -> TransferRoute | None:
    row = await conn.fetchrow("SELECT * FROM transfer_order WHERE transfer_no = $1", transfer_no)
    if row is None:
        return None
    return TransferRoute(row["transfer_no"], row["from_location"], row["in_transit_location"], row["to_location"])


async def expected(conn: asyncpg.Connection, transfer_no: str, keys: Iterable[TrackingKey]) -> dict[
        TrackingKey, ShippedTracking]:
    """The predefined tracking lines of these keys, locked until the transaction ends (Z1: only those asked)."""
    keys = list(set(keys))
    rows = await conn.fetch(
        """SELECT * FROM transfer_tracking WHERE transfer_no = $1 AND (line_no, serial, lot) IN
               (SELECT * FROM unnest($2::integer[], $3::text[], $4::text[])) FOR UPDATE""",
        transfer_no, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys])
    return {(r["line_no"], r["serial"], r["lot"]): _shipped(r) for r in rows}


def _shipped(r: asyncpg.Record) -> ShippedTracking:
    return ShippedTracking(r["line_no"], r["item_no"], r["variant"], Tracking(r["serial"], r["lot"], r["expiration"]),
                           exact(r["shipped"]), exact(r["received"]))


async def add_shipped(conn: asyncpg.Connection, transfer_no: str, shipped: Sequence[ShippedTracking]) -> None:
    await conn.executemany(
        """INSERT INTO transfer_tracking (transfer_no, line_no, item_no, variant, serial, lot, expiration, shipped)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (transfer_no, line_no, serial, lot) DO UPDATE
           SET shipped = transfer_tracking.shipped + excluded.shipped""",
        [(transfer_no, s.line_no, s.item_no, s.variant, s.tracking.serial, s.tracking.lot, s.tracking.expiration,
          s.shipped) for s in shipped])


async def save_received(conn: asyncpg.Connection, transfer_no: str, changed: Sequence[ShippedTracking]) -> None:
    await conn.executemany(
        """UPDATE transfer_tracking SET received = $5
           WHERE transfer_no = $1 AND line_no = $2 AND serial = $3 AND lot = $4""",
        [(transfer_no, s.line_no, s.tracking.serial, s.tracking.lot, s.received) for s in changed])


async def in_transit_totals(conn: asyncpg.Connection, in_transit_location: str,
                            item_nos: Sequence[str]) -> list[BinTotal]:
    """X6: per item/variant/serial/lot, what the warehouse shipped through the location and is not received yet
    (an empty `item_nos`: every item)."""
    rows = await conn.fetch(
        """SELECT t.item_no, t.variant, t.serial, t.lot, sum(t.shipped - t.received) AS quantity
           FROM transfer_tracking t JOIN transfer_order o USING (transfer_no)
           WHERE o.in_transit_location = $1 AND (cardinality($2::text[]) = 0 OR t.item_no = ANY($2::text[]))
           GROUP BY t.item_no, t.variant, t.serial, t.lot
           HAVING sum(t.shipped - t.received) > 0 OR t.item_no = ANY($2::text[])""",
        in_transit_location, list(item_nos))
    return [BinTotal(r["item_no"], r["variant"], r["serial"], r["lot"], r["quantity"], Decimal(0)) for r in rows]


async def receipt_created(conn: asyncpg.Connection, transfer_no: str) -> bool:
    """X1: the first shipment posting of a transfer creates its receipt."""
    return bool(await conn.fetchval(
        "SELECT EXISTS (SELECT FROM warehouse_document WHERE document_type = 'receipt' AND document_no = $1)",
        transfer_no))
