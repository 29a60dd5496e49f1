"""Read-only queries behind the HTTP API. They read committed state without locks: an answer is what
was true when it was asked, which is all a read API promises.

Quantities leave as exact decimal strings (as on the wire), never as floats.
"""

from collections.abc import Mapping
from dataclasses import asdict
from decimal import Decimal
from typing import Any

import asyncpg

from units_of_measure import ItemUnits
from warehouse.clock import today
from warehouse.domain.documents import DocumentType
from warehouse.domain.errors import WarehouseError
from warehouse.domain.outbound import create_pick
from warehouse.repository import documents, exact, stock
from warehouse.repository.replicas import item_units as item_units_of
from warehouse.repository.state import picking_state

MAX_ROWS = 1000


def plain(row: Mapping[str, Any] | asyncpg.Record) -> dict[str, Any]:
    return {k: str(exact(v)) if isinstance(v, Decimal) else v for k, v in row.items()}


def _where(filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """`column = $n` for every filter given (None means not filtered)."""
    given = {column: value for column, value in filters.items() if value is not None}
    clauses = [f"{column} = ${i}" for i, column in enumerate(given, start=1)]
    return " AND ".join(clauses) or "TRUE", list(given.values())


async def bin_contents(conn: asyncpg.Connection, filters: Mapping[str, Any], limit: int) -> list[dict[str, Any]]:
    where, args = _where(filters)
    rows = await conn.fetch(
        f"""SELECT location_code, bin_code, item_no, variant, serial, lot, expiration, quantity, first_entry_no,
                   is_adjustment_bin FROM bin_content WHERE {where}
            ORDER BY location_code, bin_code, item_no, variant, lot, serial LIMIT {min(limit, MAX_ROWS)}""", *args)
    return [plain(r) for r in rows]


async def item_units(conn: asyncpg.Connection, item_no: str) -> ItemUnits:
    """U1: the item's replicated units (none besides a blank base unit when they are not known)."""
    row = await conn.fetchrow("SELECT * FROM item_tracking WHERE item_no = $1", item_no)
    return (item_units_of(row) if row else None) or ItemUnits(item_no, "")


def in_unit(rows: list[dict[str, Any]], units: ItemUnits, unit: str) -> list[dict[str, Any]]:
    """U3: each row's base quantity also in `unit`, truncated at six decimals (10 PCS in BOX of 12: 0.833333)."""
    units.unit(unit)
    return [{**row, "unit": unit, "quantity_in_unit": str(exact(units.view(Decimal(row["quantity"]), unit)))}
            for row in rows]


async def warehouse_entries(conn: asyncpg.Connection, filters: Mapping[str, Any], after: int,
                            limit: int) -> dict[str, Any]:
    """Paged by entry number: `next_after` is the last number shown, or None on the last page."""
    where, args = _where(filters)
    limit = min(limit, MAX_ROWS)
    rows = await conn.fetch(
        f"""SELECT * FROM warehouse_entry WHERE {where} AND entry_no > ${len(args) + 1}
            ORDER BY entry_no LIMIT {limit}""", *args, after)
    return {"entries": [plain(r) for r in rows],
            "next_after": rows[-1]["entry_no"] if len(rows) == limit else None}


async def document(conn: asyncpg.Connection, document_type: DocumentType, document_no: str) -> dict[str, Any] | None:
    header = await conn.fetchrow("SELECT * FROM warehouse_document WHERE document_type = $1 AND document_no = $2",
                                 document_type.value, document_no)
    if header is None:
        return None
    lines = [plain(r) for r in await conn.fetch(
        """SELECT * FROM warehouse_document_line WHERE document_type = $1 AND document_no = $2
           ORDER BY line_no""", document_type.value, document_no)]
    if document_type is DocumentType.SHIPMENT:
        picked = await conn.fetch("SELECT * FROM shipment_line_picked WHERE shipment_no = $1 ORDER BY lot, serial",
                                  document_no)
        for line in lines:
            line["picked"] = [plain(p) for p in picked if p["line_no"] == line["line_no"]]
    return {**plain(header), "is_open": any(Decimal(line["quantity_outstanding"]) for line in lines), "lines": lines}


async def documents_of_type(conn: asyncpg.Connection, document_type: DocumentType, location_code: str | None,
                            after: str, limit: int) -> list[dict[str, Any]]:
    """Headers only, paged by document number."""
    where, args = _where({"document_type": document_type.value, "location_code": location_code})
    rows = await conn.fetch(
        f"""SELECT * FROM warehouse_document WHERE {where} AND document_no > ${len(args) + 1}
            ORDER BY document_no LIMIT {min(limit, MAX_ROWS)}""", *args, after)
    return [plain(r) for r in rows]


async def pick_proposal(conn: asyncpg.Connection, shipment_no: str) -> dict[str, Any]:
    """W5 preview: what a pick created now would take. Nothing is stored or locked; creating the pick for real
    may propose otherwise if stock changes meanwhile."""
    shipment = await documents.shipment(conn, shipment_no, for_update=False)
    state = await picking_state(conn, shipment.location_code, {line.item_no for line in shipment.lines}, today())
    answer: dict[str, Any] = {"shipment_no": shipment_no, "location_code": state.location.code, "lines": []}
    try:
        pick = create_pick(shipment, "preview", state).pick
    except WarehouseError as refusal:
        return {**answer, "reason_code": refusal.reason_code, "message": refusal.message}
    answer["lines"] = [plain({
        "line_no": line.line_no, "shipment_line_no": line.document_line_no, "item_no": line.item_no,
        "variant": line.variant, "take_bin": line.take_bin, "place_bin": line.place_bin,
        "serial": line.tracking.serial, "lot": line.tracking.lot, "expiration": line.tracking.expiration,
        "quantity": line.quantity}) for line in pick.lines]
    return answer


async def bin_totals(conn: asyncpg.Connection, location_code: str, item_no: str | None) -> list[dict[str, Any]]:
    """S7's warehouse side, as ReportBinTotals publishes it."""
    item_nos = [item_no] if item_no else await stock.items_with_entries(conn, location_code)
    return [plain(asdict(total)) for total in await stock.bin_totals(conn, location_code, item_nos)]


async def demands(conn: asyncpg.Connection, location_code: str, item_no: str) -> list[dict[str, Any]]:
    """The replicas the warehouse picks by: per demand and serial/lot, reserved (I7) and assigned (W5), as the
    inventory service last published them."""
    rows = await conn.fetch("""SELECT * FROM demand_tracking WHERE location_code = $1 AND item_no = $2
                               ORDER BY source_type, source_no, source_line_no, lot, serial""", location_code, item_no)
    return [plain(r) for r in rows]


# --- transfers between locations (X1-X6) ---------------------------------------------------------------
_TRANSFER_TOTALS = """coalesce(sum(t.shipped), 0) AS shipped, coalesce(sum(t.received), 0) AS received,
    coalesce(sum(t.shipped - t.received), 0) AS in_transit"""


async def transfer_orders(conn: asyncpg.Connection, location_code: str | None, in_transit_only: bool,
                          after: str, limit: int) -> list[dict[str, Any]]:
    """Transfer orders by number, a page at a time (`after` the last number), with what they shipped, received
    and have in transit; only those touching `location_code` (from, in transit or to) when given."""
    rows = await conn.fetch(
        f"""SELECT o.transfer_no, o.from_location, o.in_transit_location, o.to_location, o.released_at,
                   {_TRANSFER_TOTALS}
            FROM transfer_order o LEFT JOIN transfer_tracking t USING (transfer_no)
            WHERE o.transfer_no > $1 AND ($2::text IS NULL OR $2 IN (o.from_location, o.in_transit_location,
                                                                     o.to_location))
            GROUP BY o.transfer_no HAVING NOT $3 OR coalesce(sum(t.shipped - t.received), 0) > 0
            ORDER BY o.transfer_no LIMIT {min(limit, MAX_ROWS)}""", after, location_code, in_transit_only)
    return [plain(r) for r in rows]


async def transfer_order(conn: asyncpg.Connection, transfer_no: str) -> dict[str, Any] | None:
    """X3: a transfer order with its predefined tracking: per receipt line and serial/lot, shipped, received
    and in transit."""
    order = await conn.fetchrow("SELECT * FROM transfer_order WHERE transfer_no = $1", transfer_no)
    if order is None:
        return None
    lines = await conn.fetch(
        """SELECT line_no, item_no, variant, serial, lot, expiration, shipped, received,
                  shipped - received AS in_transit
           FROM transfer_tracking WHERE transfer_no = $1 ORDER BY line_no, lot, serial""", transfer_no)
    return {**plain(order), "tracking": [plain(r) for r in lines]}


async def recall(conn: asyncpg.Connection, item_no: str, serial: str, lot: str) -> dict[str, Any]:
    """R1's where-now from the bin content: every real bin holding the lot/serial (of the item, or of every
    item with that number), with the bin's zone and type. The adjustment bin is left out: it holds no stock."""
    where, args = _where({"c.item_no": item_no or None, "c.lot": lot or None, "c.serial": serial or None})
    rows = await conn.fetch(
        f"""SELECT c.location_code, b.zone_code, c.bin_code, b.types AS bin_types, c.item_no, c.variant, c.serial,
                   c.lot, c.expiration, c.quantity
            FROM bin_content c JOIN bin b USING (location_code, bin_code)
            WHERE {where} AND NOT c.is_adjustment_bin AND c.quantity > 0
            ORDER BY c.item_no, c.location_code, c.bin_code, c.variant, c.lot, c.serial""", *args)
    return {"bins": [plain(r) for r in rows]}
