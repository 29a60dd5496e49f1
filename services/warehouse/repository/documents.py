"""Warehouse documents with their lines (W11): receipts, shipments and activities (put-away, pick, movement).

The domain's documents are immutable values; they are stored as a header and one row per line, so
that quantities handled and outstanding can be queried, and rebuilt from those rows when loaded.
"""

from typing import Any

import asyncpg

from units_of_measure import StatedUnit
from warehouse.domain.documents import (
    ZERO,
    Activity,
    ActivityLine,
    Document,
    DocumentLine,
    DocumentType,
    Receipt,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    SourceLine,
    TrackedQuantity,
)
from warehouse.domain.errors import DocumentNotFoundError, DuplicateDocumentError
from warehouse.domain.tracking import Tracking
from warehouse.repository import exact

_LINE_COLUMNS = {
    "line_no": "int", "item_no": "text", "variant": "text", "quantity": "numeric", "quantity_handled": "numeric",
    "source_type": "text", "source_no": "text", "source_line_no": "int", "bin_code": "text", "take_bin": "text",
    "place_bin": "text", "serial": "text", "lot": "text", "expiration": "date", "document_line_no": "int",
    "quantity_on_pick": "numeric", "unit_code": "text", "quantity_per_unit": "numeric",
}


def describe(document_type: DocumentType, document_no: str) -> str:
    return f"{document_type.value.replace('_', '-')} {document_no}"


def type_of(document: Document[Any]) -> DocumentType:
    if isinstance(document, Activity):
        return document.type
    return DocumentType.RECEIPT if isinstance(document, Receipt) else DocumentType.SHIPMENT


# --- loading -------------------------------------------------------------------------------------
async def receipt(conn: asyncpg.Connection, receipt_no: str, *, for_update: bool = True) -> Receipt:
    header, lines = await _load(conn, DocumentType.RECEIPT, receipt_no, for_update)
    return Receipt(no=receipt_no, location_code=header["location_code"], vendor_no=header["vendor_no"], lines=tuple(
        ReceiptLine(**_line_fields(r), source=_source_line(r), bin_code=r["bin_code"]) for r in lines))


async def shipment(conn: asyncpg.Connection, shipment_no: str, *, for_update: bool = True) -> Shipment:
    header, lines = await _load(conn, DocumentType.SHIPMENT, shipment_no, for_update)
    picked: dict[int, list[TrackedQuantity]] = {}
    for r in await conn.fetch("SELECT * FROM shipment_line_picked WHERE shipment_no = $1", shipment_no):
        picked.setdefault(r["line_no"], []).append(TrackedQuantity(_tracking(r), exact(r["quantity"])))
    return Shipment(no=shipment_no, location_code=header["location_code"], customer_no=header["customer_no"],
                    lines=tuple(
                        ShipmentLine(**_line_fields(r), source=_source_line(r), bin_code=r["bin_code"],
                                     quantity_on_pick=exact(r["quantity_on_pick"]),
                                     picked=tuple(picked.get(r["line_no"], ())))
                        for r in lines))


async def activity(conn: asyncpg.Connection, activity_type: DocumentType, activity_no: str, *,
                   for_update: bool = True) -> Activity:
    header, lines = await _load(conn, activity_type, activity_no, for_update)
    return Activity(no=activity_no, location_code=header["location_code"], type=activity_type,
                    document_no=header["source_document_no"], lines=tuple(
        ActivityLine(**_line_fields(r), tracking=_tracking(r), take_bin=r["take_bin"], place_bin=r["place_bin"],
                     source=_source_line(r) if r["source_type"] else None, document_line_no=r["document_line_no"])
        for r in lines))


async def _load(conn: asyncpg.Connection, document_type: DocumentType, document_no: str,
                for_update: bool) -> tuple[asyncpg.Record, list[asyncpg.Record]]:
    """The header (locked when the caller will change the document) and the lines in order."""
    header = await conn.fetchrow(
        "SELECT * FROM warehouse_document WHERE document_type = $1 AND document_no = $2"
        + (" FOR UPDATE" if for_update else ""), document_type.value, document_no)
    if header is None:
        raise DocumentNotFoundError(
            f"There is no {describe(document_type, document_no)}: check the document number.")
    lines = await conn.fetch(
        "SELECT * FROM warehouse_document_line WHERE document_type = $1 AND document_no = $2 ORDER BY line_no",
        document_type.value, document_no)
    return header, lines


def _line_fields(row: asyncpg.Record) -> dict[str, Any]:
    return {"line_no": row["line_no"], "item_no": row["item_no"], "variant": row["variant"],
            "quantity": exact(row["quantity"]), "quantity_handled": exact(row["quantity_handled"]),
            "stated": StatedUnit(row["unit_code"], exact(row["quantity_per_unit"]))}


def _source_line(row: asyncpg.Record) -> SourceLine:
    return SourceLine(row["source_type"], row["source_no"], row["source_line_no"])


def _tracking(row: asyncpg.Record) -> Tracking:
    return Tracking(row["serial"], row["lot"], row["expiration"])


# --- storing -------------------------------------------------------------------------------------
async def add(conn: asyncpg.Connection, document: Document[Any]) -> None:
    """Store a new document; its number must not be in use for its type yet."""
    document_type = type_of(document)
    status = await conn.execute(
        """INSERT INTO warehouse_document (document_type, document_no, location_code, source_document_no, vendor_no,
               customer_no)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        document_type.value, document.no, document.location_code, getattr(document, "document_no", None),
        getattr(document, "vendor_no", ""), getattr(document, "customer_no", ""))
    if status == "INSERT 0 0":
        raise DuplicateDocumentError(
            f"{describe(document_type, document.no).capitalize()} already exists: choose another number.")
    await _save_lines(conn, document_type, document)


async def update(conn: asyncpg.Connection, document: Document[Any]) -> None:
    """Store what handling changed: quantities (handled, cancelled, on pick) and, for shipments, what is picked."""
    await _save_lines(conn, type_of(document), document, touch=True)


async def count_posting(conn: asyncpg.Connection, document_type: DocumentType, document_no: str) -> int:
    """Which posting of the receipt or shipment this is (1, 2, ...): numbers the documents it creates."""
    postings: int = await conn.fetchval(
        """UPDATE warehouse_document SET postings = postings + 1 WHERE document_type = $1 AND document_no = $2
           RETURNING postings""", document_type.value, document_no)
    return postings


async def _save_lines(conn: asyncpg.Connection, document_type: DocumentType, document: Document[Any],
                      touch: bool = False) -> None:
    """The lines as they are now; `touch`: the document's `updated_at` too, in the same statement."""
    rows = [_line_values(line) for line in document.lines]
    columns = list(_LINE_COLUMNS)
    touched = ("WITH touched AS (UPDATE warehouse_document SET updated_at = now() "
               "WHERE document_type = $1 AND document_no = $2) ") if touch else ""
    await conn.execute(
        f"""{touched}INSERT INTO warehouse_document_line (document_type, document_no, {", ".join(columns)})
            SELECT $1, $2, * FROM unnest({", ".join(f"${i}::{t}[]" for i, t in enumerate(_LINE_COLUMNS.values(), 3))})
            ON CONFLICT (document_type, document_no, line_no) DO UPDATE SET quantity = EXCLUDED.quantity,
                quantity_handled = EXCLUDED.quantity_handled, quantity_on_pick = EXCLUDED.quantity_on_pick""",
        document_type.value, document.no, *([row[c] for row in rows] for c in columns))
    if isinstance(document, Shipment):
        await _save_picked(conn, document)


def _line_values(line: DocumentLine) -> dict[str, Any]:
    source = getattr(line, "source", None)
    values = {
        "line_no": line.line_no, "item_no": line.item_no, "variant": line.variant, "quantity": line.quantity,
        "quantity_handled": line.quantity_handled, "source_type": source.source_type if source else "",
        "source_no": source.source_no if source else "", "source_line_no": source.line_no if source else 0,
        "bin_code": getattr(line, "bin_code", None), "take_bin": None, "place_bin": None, "serial": "", "lot": "",
        "expiration": None, "document_line_no": None, "quantity_on_pick": getattr(line, "quantity_on_pick", ZERO),
        "unit_code": line.stated.code, "quantity_per_unit": line.stated.per_base,
    }
    if isinstance(line, ActivityLine):
        values.update(take_bin=line.take_bin, place_bin=line.place_bin, serial=line.tracking.serial,
                      lot=line.tracking.lot, expiration=line.tracking.expiration,
                      document_line_no=line.document_line_no)
    return values


async def _save_picked(conn: asyncpg.Connection, shipment_: Shipment) -> None:
    picked = [(line.line_no, p) for line in shipment_.lines for p in line.picked]
    await conn.execute("DELETE FROM shipment_line_picked WHERE shipment_no = $1", shipment_.no)
    await conn.execute(
        """INSERT INTO shipment_line_picked (shipment_no, line_no, serial, lot, expiration, quantity)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::date[], $6::numeric[])""",
        shipment_.no, [n for n, _ in picked], [p.tracking.serial for _, p in picked],
        [p.tracking.lot for _, p in picked], [p.tracking.expiration for _, p in picked],
        [p.quantity for _, p in picked])
