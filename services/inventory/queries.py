"""Read-only queries behind the HTTP API. They read committed state without locks: an answer is
what was true when it was asked, which is all a read API promises.

Quantities leave as exact decimal strings (as on the wire), never as floats.
"""

import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from inventory.domain.availability import AvailabilityBreakdown, StockTotals, availability
from inventory.domain.information import TrackingInformation
from inventory.domain.keys import BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from inventory.domain.quantities import normalized
from inventory.repository import blocks, information, totals
from inventory.repository.items import get_item
from units_of_measure import FINEST, ItemUnits

Json = dict[str, Any]


async def availability_of(
    conn: asyncpg.Connection, item_no: str, location: str, variant: str | None, numbers: TrackingNumbers
) -> list[Json]:
    """I5 per item/variant/location with its serial/lot rows, from the maintained totals (I8);
    `numbers` narrows the serial/lot rows shown. Quarantined and rejected numbers are withheld like
    blocked ones (Q1); each serial/lot row says its quality status."""
    rows = await totals.stock_totals(conn, item_no)
    withheld = await information.withheld(conn, item_no)
    blocked = (*await blocks.blocked_tracking(conn, item_no), *(block for r in withheld if (block := r.block)))
    tracking_rows = [row for row in rows if isinstance(row.key, TrackingKey)]
    return [
        _location_availability(
            row, [t for t in tracking_rows if t.key.location_key == row.key], blocked, withheld, numbers)
        for row in sorted(rows, key=lambda row: row.key.location_key)
        if isinstance(row.key, LocationKey)
        and location in ("", row.key.location_code)
        and variant in (None, row.key.variant_code)
    ]


def _location_availability(
    row: StockTotals, tracking_rows: list[StockTotals], blocked: tuple[BlockedTracking, ...],
    withheld: tuple[TrackingInformation, ...], numbers: TrackingNumbers,
) -> Json:
    return {
        "location_code": row.key.location_code,
        "variant": row.key.variant_code,
        **_breakdown(availability(row, tracking_rows, blocked)),
        "tracking": [
            _tracking_availability(tracking, tracking.key, blocked, withheld)
            for tracking in sorted(tracking_rows, key=lambda tracking: tracking.key)
            if isinstance(tracking.key, TrackingKey) and numbers.matches(tracking.key)
        ],
    }


def _tracking_availability(tracking: StockTotals, key: TrackingKey, blocked: tuple[BlockedTracking, ...],
                           withheld: tuple[TrackingInformation, ...]) -> Json:
    """A serial/lot row is the only row at its own level: it alone says what its block withholds
    (Z1: the answer for an item of N serials is linear in N). `is_blocked` is true for quarantined and
    rejected numbers too; `quality_status` says which (the lot's or the serial's, rejected first)."""
    statuses = {record.status.value for record in withheld if record.number.covers(key)}
    return {
        "serial": key.serial_no,
        "lot": key.lot_no,
        "is_blocked": any(block.covers(key) for block in blocked),
        "quality_status": next((s for s in ("rejected", "quarantine") if s in statuses), "released"),
        **_breakdown(availability(tracking, [tracking], blocked)),
    }


async def item(conn: asyncpg.Connection, item_no: str) -> Json | None:
    """The item with its units (U1)."""
    row = await conn.fetchrow("SELECT * FROM item WHERE item_no = $1", item_no)
    if row is None:
        return None
    units = await conn.fetch("SELECT unit_code, quantity_per_base_unit, rounding_precision FROM item_unit "
                             "WHERE item_no = $1 ORDER BY unit_code", item_no)
    return {**dict(row), "units": _plain(units)}


# --- units of measure (U3) -----------------------------------------------------------------------
_FIGURES = {f.name for f in fields(AvailabilityBreakdown)} | {"available_to_reserve"}


async def item_units(conn: asyncpg.Connection, item_no: str, unit: str) -> ItemUnits:
    """The item's units; a unit it does not have (or an item not registered) is refused with a UnitError."""
    found = await get_item(conn, item_no)
    units = found.measures if found else ItemUnits(item_no, "", FINEST)
    units.unit(unit)
    return units


def in_unit(rows: list[Json], units: ItemUnits, unit: str) -> list[Json]:
    """U3: each location's (and serial/lot's) I5 figures also shown in `unit`: base quantity / quantity per
    unit, truncated at six decimals (10 PCS in BOX of 12: 0.833333); the base figures stay as they are."""
    return [{**row, "in_unit": _figures_in(row, units, unit),
             "tracking": [{**t, "in_unit": _figures_in(t, units, unit)} for t in row["tracking"]]} for row in rows]


def _figures_in(row: Json, units: ItemUnits, unit: str) -> Json:
    return {"unit": unit, **{name: _json_value(units.view(Decimal(value), unit)) for name, value in row.items()
                             if name in _FIGURES}}


async def items(conn: asyncpg.Connection, after: str, limit: int) -> list[Json]:
    """A page of items in item number order, starting after `after`."""
    rows = await conn.fetch("SELECT * FROM item WHERE item_no > $1 ORDER BY item_no LIMIT $2", after, limit)
    return [dict(row) for row in rows]


async def locations(conn: asyncpg.Connection) -> list[Json]:
    return [dict(row) for row in await conn.fetch("SELECT * FROM location ORDER BY location_code")]


async def ledger_entries(
    conn: asyncpg.Connection, item_no: str, location: str, numbers: TrackingNumbers, after: int, limit: int
) -> Json:
    """Oldest first, a page at a time: pass `next_after` back as `after` for the next page."""
    rows = await conn.fetch(
        """SELECT * FROM item_ledger_entry
           WHERE item_no = $1 AND ($2 = '' OR location_code = $2) AND ($3 = '' OR serial_no = $3)
             AND ($4 = '' OR lot_no = $4) AND entry_no > $5
           ORDER BY entry_no LIMIT $6""",
        item_no, location, numbers.serial_no, numbers.lot_no, after, limit,
    )
    entries = _plain(rows)
    return {"entries": entries, "next_after": entries[-1]["entry_no"] if len(entries) == limit else None}


async def item_tracing(conn: asyncpg.Connection, item_no: str, numbers: TrackingNumbers, after: int = 0,
                       limit: int = 1000) -> Json:
    """A page of the entries of the serial/lot (at any location) and every application they took part in."""
    entries = await conn.fetch(
        """SELECT * FROM item_ledger_entry
           WHERE item_no = $1 AND ($2 = '' OR serial_no = $2) AND ($3 = '' OR lot_no = $3) AND entry_no > $4
           ORDER BY entry_no LIMIT $5""",
        item_no, numbers.serial_no, numbers.lot_no, after, limit + 1,
    )
    more, entries = len(entries) > limit, entries[:limit]
    applications = await conn.fetch(
        """SELECT * FROM item_application
           WHERE inbound_entry_no = ANY($1::bigint[]) OR outbound_entry_no = ANY($1::bigint[])
           ORDER BY outbound_entry_no, inbound_entry_no""",
        [row["entry_no"] for row in entries],
    )
    return {"entries": _plain(entries), "applications": _plain(applications),
            "next_after": entries[-1]["entry_no"] if more else None}


# --- recall (R1) ---------------------------------------------------------------------------------
async def recall(conn: asyncpg.Connection, item_no: str, numbers: TrackingNumbers, after: int = 0,
                 limit: int = 1000) -> Json:
    """R1 from the item ledger: one page of the entries of the lot/serial (of the item, or of every item that
    has the number), outbound ones `forward` with the inbound entries they were applied to, inbound ones
    `backward` with what remains of them; `where_now` (what remains per location, with the location's kind)
    on every page. A transfer's legs through its in-transit location are internal (X2): left out of the
    postings; what lies in transit shows in `where_now`."""
    where, args = _recall_where(item_no, numbers)
    entries = await conn.fetch(
        f"""SELECT e.* FROM item_ledger_entry e
            WHERE {where} AND e.entry_no > ${len(args) + 1} AND e.location_code NOT IN ({_IN_TRANSIT})
            ORDER BY e.entry_no LIMIT ${len(args) + 2}""",
        *args, after, limit + 1,
    )
    more, entries = len(entries) > limit, entries[:limit]
    applied = await conn.fetch(
        """SELECT outbound_entry_no, inbound_entry_no, quantity FROM item_application
           WHERE outbound_entry_no = ANY($1::bigint[]) ORDER BY outbound_entry_no, inbound_entry_no""",
        [row["entry_no"] for row in entries if row["quantity"] < 0],
    )
    remaining = await conn.fetch(
        f"""SELECT e.item_no, e.location_code, e.variant_code, e.serial_no, e.lot_no,
                   sum(e.remaining_quantity) AS remaining_quantity, coalesce(l.kind, 'warehouse') AS location_kind
            FROM item_ledger_entry e LEFT JOIN location l ON l.location_code = e.location_code
            WHERE {where} AND e.open
            GROUP BY e.item_no, e.location_code, e.variant_code, e.lot_no, e.serial_no, l.kind
            ORDER BY e.item_no, e.location_code, e.variant_code, e.lot_no, e.serial_no""",
        *args,
    )
    return {**_recall_postings(entries, applied), "where_now": _plain(remaining),
            "next_after": entries[-1]["entry_no"] if more else None}


_IN_TRANSIT = "SELECT location_code FROM location WHERE kind = 'in_transit'"


def _recall_where(item_no: str, numbers: TrackingNumbers) -> tuple[str, list[str]]:
    """Only the numbers named, so each statement keeps to the index it needs (lot or serial, with or
    without the item)."""
    named = {"e.item_no": item_no, "e.lot_no": numbers.lot_no, "e.serial_no": numbers.serial_no}
    given = {column: value for column, value in named.items() if value}
    return " AND ".join(f"{column} = ${n}" for n, column in enumerate(given, 1)), list(given.values())


def _recall_postings(entries: list[asyncpg.Record], applied: list[asyncpg.Record]) -> Json:
    """Outbound entries forward (quantities as taken, positive), inbound ones backward; a transfer's with the
    order's destination or source."""
    sources: dict[int, list[Json]] = {}
    for row in _plain(applied):
        sources.setdefault(row["outbound_entry_no"], []).append(
            {"entry_no": row["inbound_entry_no"], "quantity": row["quantity"]})
    forward, backward = [], []
    for entry in entries:
        posting = {name: entry[name] for name in _POSTING_FIELDS}
        posting["quantity"] = abs(entry["quantity"])
        if entry["quantity"] < 0:
            forward.append({**posting, "customer_no": entry["customer_no"],
                            "destinations": _route_end(entry, "transfer_to_location"),
                            "applied_to": sources.get(entry["entry_no"], [])})
        else:
            backward.append({**posting, "vendor_no": entry["vendor_no"],
                             "origins": _route_end(entry, "transfer_from_location"),
                             "remaining_quantity": entry["remaining_quantity"]})
    return {"forward": [_json_ready(row) for row in forward], "backward": [_json_ready(row) for row in backward]}


def _route_end(entry: asyncpg.Record, end: str) -> list[str]:
    """A transfer entry's way (X2): where its transfer order goes to (forward) or comes from (backward)."""
    return [entry[end]] if entry[end] else []


_POSTING_FIELDS = ("entry_no", "entry_type", "item_no", "location_code", "variant_code", "serial_no", "lot_no",
                   "expiration_date", "document_type", "document_no", "document_line_no", "source_type",
                   "source_no", "source_line_no", "posting_date", "posted_at")


async def demand_line(conn: asyncpg.Connection, source_type: str, source_no: str, source_line_no: int) -> Json:
    """A demand line's reservations and what it says about serial/lot numbers (assigned, picked)."""
    demand = (source_type, source_no, source_line_no)
    where = "source_type = $1 AND source_no = $2 AND source_line_no = $3"
    reservations = await conn.fetch(f"SELECT * FROM reservation WHERE {where} ORDER BY entry_no", *demand)
    tracking = await conn.fetch(f"SELECT * FROM demand_tracking WHERE {where} ORDER BY lot_no, serial_no", *demand)
    return {"reservations": _plain(reservations), "tracking": _plain(tracking)}


async def item_reservations(conn: asyncpg.Connection, item_no: str, location: str) -> list[Json]:
    rows = await conn.fetch(
        """SELECT * FROM reservation WHERE item_no = $1 AND ($2 = '' OR location_code = $2)
           ORDER BY location_code, source_type, source_no, source_line_no, entry_no""",
        item_no, location,
    )
    return _plain(rows)


async def parked_postings(conn: asyncpg.Connection, item_no: str, location: str, after: int = 0,
                          limit: int = 100) -> list[Json]:
    """S5: what waits, why, and for which serial/lot, oldest first, one page (after `parked_seq`)."""
    rows = await conn.fetch(
        """SELECT posting_id, item_no, location_code, document_type, document_no, reason_code, message,
                  shortages, parked_at, parked_seq
           FROM parked_posting WHERE ($1 = '' OR item_no = $1) AND ($2 = '' OR location_code = $2) AND parked_seq > $3
           ORDER BY parked_seq LIMIT $4""",
        item_no, location, after, limit,
    )
    return _plain(rows)


async def blocked_tracking(conn: asyncpg.Connection, item_no: str) -> list[Json]:
    rows = await conn.fetch("SELECT * FROM blocked_tracking WHERE item_no = $1 ORDER BY lot_no, serial_no", item_no)
    return _plain(rows)


async def tracking_information(conn: asyncpg.Connection, item_no: str, numbers: TrackingNumbers,
                               variant: str | None, after: str, limit: int) -> list[Json]:
    """Q1: the information records of the item that describe the named serial or the named lot (both
    named: either; none: every record of the item), by lot, then serial; a page after the `number` key
    (`lot_no|serial_no|variant_code`) given. A number without a record is released."""
    rows = await conn.fetch(
        """SELECT item_no, variant_code, serial_no, lot_no, quality_status, certificate_no, comment, changed_at,
                  lot_no || '|' || serial_no || '|' || variant_code AS number
           FROM tracking_information
           WHERE item_no = $1 AND ($4::text IS NULL OR variant_code = $4)
             AND (($2 = '' AND $3 = '') OR ($2 <> '' AND serial_no = $2) OR ($3 <> '' AND lot_no = $3))
             AND lot_no || '|' || serial_no || '|' || variant_code > $5
           ORDER BY number LIMIT $6""",
        item_no, numbers.serial_no, numbers.lot_no, variant, after, limit,
    )
    return _plain(rows)


async def reconciliation(conn: asyncpg.Connection, request_id: str) -> Json | None:
    """S7: complete once every item of the warehouse's report was compared; agreed when no item
    shows a difference."""
    rows = _plain(await conn.fetch(
        "SELECT * FROM reconciliation_result WHERE request_id = $1 ORDER BY item_no, location_code", request_id
    ))
    if not rows:
        return None
    return {
        "request_id": request_id,
        "items_in_report": rows[0]["items_in_report"],
        "items_compared": len(rows),
        "complete": len(rows) >= rows[0]["items_in_report"],
        "agreed": not any(row["differences"] for row in rows),
        "items": [
            {name: row[name] for name in ("item_no", "location_code", "differences", "reconciled_at")} for row in rows
        ],
    }


# --- shaping answers -----------------------------------------------------------------------------
def _breakdown(breakdown: AvailabilityBreakdown) -> Json:
    return {**_json_ready(asdict(breakdown)), "available_to_reserve": _json_value(breakdown.available_to_reserve)}


def _plain(rows: Iterable[asyncpg.Record]) -> list[Json]:
    return [_json_ready(dict(row)) for row in rows]


def _json_ready(values: Json) -> Json:
    return {name: json.loads(value) if name in _JSONB else _json_value(value) for name, value in values.items()}


_JSONB = {"shortages", "differences"}  # asyncpg hands jsonb columns over as text


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(normalized(value))
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
