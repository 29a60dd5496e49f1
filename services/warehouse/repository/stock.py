"""Warehouse entries (append-only) and bin content, their projection, kept in the same transaction (W1)."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import asyncpg

from warehouse.domain.documents import DocumentType
from warehouse.domain.errors import DuplicateDocumentError, InsufficientBinContentError, SerialAlreadyInStockError
from warehouse.domain.events import BinTotal
from warehouse.domain.stock import ContentRow, StockKey, WarehouseEntry
from warehouse.domain.tracking import Tracking
from warehouse.repository import exact

_KEY = "location_code, bin_code, item_no, variant, serial, lot, expiration"


def _stock_key(row: asyncpg.Record) -> StockKey:
    return StockKey(row["location_code"], row["bin_code"], row["item_no"], row["variant"],
                    Tracking(row["serial"], row["lot"], row["expiration"]))


def _key_columns(keys: Sequence[StockKey]) -> list[list[Any]]:
    return [[k.location_code for k in keys], [k.bin_code for k in keys], [k.item_no for k in keys],
            [k.variant for k in keys], [k.tracking.serial for k in keys], [k.tracking.lot for k in keys],
            [k.tracking.expiration for k in keys]]


def content_row(row: asyncpg.Record) -> ContentRow:
    """A bin_content row (or composite value) as the domain sees it."""
    return ContentRow(_stock_key(row), exact(row["quantity"]), row["first_entry_no"])


async def append(conn: asyncpg.Connection, entries: Sequence[WarehouseEntry], adjustment_bin: str) -> None:
    """Append the entries in order and move bin content by them. Content that an entry takes leaves first,
    so a serial moved between bins is never in stock twice at the same moment (T2's unique index)."""
    if not entries:
        return
    numbers = await conn.fetch("SELECT nextval('warehouse_entry_entry_no_seq') AS n FROM generate_series(1, $1)",
                               len(entries))
    numbered = list(zip(sorted(r["n"] for r in numbers), entries, strict=True))
    await _insert_entries(conn, numbered)
    deltas: dict[StockKey, Decimal] = {}
    first_entry: dict[StockKey, int] = {}
    for entry_no, entry in numbered:
        deltas[entry.key] = deltas.get(entry.key, Decimal(0)) + entry.quantity
        first_entry.setdefault(entry.key, entry_no)
    for leaving in (True, False):
        changed = [k for k, q in deltas.items() if q and (q < 0) == leaving]
        await _move_content(conn, changed, [deltas[k] for k in changed], [first_entry[k] for k in changed],
                            adjustment_bin)


async def _insert_entries(conn: asyncpg.Connection, numbered: Sequence[tuple[int, WarehouseEntry]]) -> None:
    entries = [e for _, e in numbered]
    await conn.execute(
        f"""INSERT INTO warehouse_entry (entry_no, entry_type, document_no, line_no, {_KEY}, quantity,
                                        source_type, source_no, source_line_no, unit_code, quantity_per_unit)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
                                 $8::text[], $9::text[], $10::text[], $11::date[], $12::numeric[], $13::text[],
                                 $14::text[], $15::int[], $16::text[], $17::numeric[])""",
        [n for n, _ in numbered], [e.entry_type.value for e in entries], [e.document_no for e in entries],
        [e.line_no for e in entries], *_key_columns([e.key for e in entries]), [e.quantity for e in entries],
        [e.source.source_type if e.source else "" for e in entries],
        [e.source.source_no if e.source else "" for e in entries],
        [e.source.line_no if e.source else 0 for e in entries],
        [e.stated.code for e in entries], [e.stated.per_base for e in entries],
    )


_SAME_KEY = """(c.location_code, c.bin_code, c.item_no, c.variant, c.serial, c.lot)
               = (d.location_code, d.bin_code, d.item_no, d.variant, d.serial, d.lot)
               AND c.expiration IS NOT DISTINCT FROM d.expiration"""
_MOVE_CONTENT = f"""
    WITH d AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                    $7::date[], $8::numeric[], $9::bigint[]) AS d ({_KEY}, quantity, first_entry_no)),
         changed AS (UPDATE bin_content c SET quantity = c.quantity + d.quantity FROM d
                     WHERE {_SAME_KEY} RETURNING c.*)
    INSERT INTO bin_content ({_KEY}, quantity, is_adjustment_bin, first_entry_no)
    SELECT {_KEY}, quantity, bin_code = $10, first_entry_no FROM d
    WHERE NOT EXISTS (SELECT FROM changed c WHERE {_SAME_KEY})"""


async def _move_content(conn: asyncpg.Connection, keys: Sequence[StockKey], deltas: Sequence[Decimal],
                        first_entries: Sequence[int], adjustment_bin: str) -> None:
    """Add signed deltas to the content rows, creating missing ones, then drop the rows that reached zero.
    Not an upsert: PostgreSQL checks a row's CHECK before ON CONFLICT, so a negative delta could never update.
    The item locks keep the rows from appearing between the update and the insert. The database refuses
    what the domain already refused, in case a lock was ever missed."""
    if not keys:
        return
    try:
        await conn.execute(_MOVE_CONTENT, *_key_columns(keys), list(deltas), list(first_entries), adjustment_bin)
    except asyncpg.CheckViolationError as error:
        raise InsufficientBinContentError(
            "A bin would go below zero: another command took the stock first. Check the bin content and try again."
        ) from error
    except asyncpg.UniqueViolationError as error:
        if error.constraint_name != "bin_content_serial_in_stock":
            raise
        raise SerialAlreadyInStockError(
            "A serial number would be in stock twice: another command placed it first. Check the label."
        ) from error
    # Only stock that leaves can bring a real bin's row to zero; the adjustment bin's may be negative (found stock).
    if any(delta < 0 for delta in deltas) or any(key.bin_code == adjustment_bin for key in keys):
        await conn.execute(
            "DELETE FROM bin_content WHERE quantity = 0 AND location_code = $1 AND item_no = ANY($2::text[])",
            keys[0].location_code, list({k.item_no for k in keys}),
        )


async def items_with_adjustment_balance(conn: asyncpg.Connection, location_code: str) -> set[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT item_no FROM bin_content WHERE location_code = $1 AND is_adjustment_bin", location_code)
    return {r["item_no"] for r in rows}


async def items_with_entries(conn: asyncpg.Connection, location_code: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT item_no FROM warehouse_entry WHERE location_code = $1 ORDER BY item_no", location_code)
    return [r["item_no"] for r in rows]


async def refuse_registered(conn: asyncpg.Connection, entry_type: DocumentType, document_no: str) -> None:
    """A journal is registered once under its number: a resent journal with a new message id would count twice."""
    if await conn.fetchval("SELECT EXISTS (SELECT FROM warehouse_entry WHERE document_no = $1 AND entry_type = $2)",
                           document_no, entry_type.value):
        raise DuplicateDocumentError(
            f"{entry_type.value.replace('_', ' ').capitalize()} {document_no} is already registered: "
            "choose a new document number for a new journal."
        )


async def bin_totals(conn: asyncpg.Connection, location_code: str, item_nos: Sequence[str]) -> list[BinTotal]:
    """S7: per item/variant/serial/lot, the content of all real bins and the adjustment bin balance."""
    rows = await conn.fetch(
        """SELECT item_no, variant, serial, lot,
                  coalesce(sum(quantity) FILTER (WHERE NOT is_adjustment_bin), 0) AS real_bins,
                  coalesce(sum(quantity) FILTER (WHERE is_adjustment_bin), 0) AS adjustment_bin
           FROM bin_content WHERE location_code = $1 AND item_no = ANY($2::text[])
           GROUP BY item_no, variant, serial, lot ORDER BY item_no, variant, lot, serial""",
        location_code, list(item_nos),
    )
    # As stored (six decimals), as the fact has always carried them; the HTTP answer shortens them (queries.plain).
    return [BinTotal(r["item_no"], r["variant"], r["serial"], r["lot"], r["real_bins"], r["adjustment_bin"])
            for r in rows]
