"""SQL for the inventory's state; every function runs on the unit of work's connection.

Every stock message follows one pattern: lock the item+location it touches, load its
`StockState`, let the domain decide, write the `StockChanges`, all in the message's transaction.
The lock (not Kafka partitioning) is what keeps two messages about the same stock apart: commands
about one item may arrive on different partitions and several instances consume at once.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

import asyncpg

from inventory.domain.availability import DemandTotals, StockKey, StockTotals
from inventory.domain.demand import Demand, DemandTracking
from inventory.domain.events import LedgerEntriesPosted
from inventory.domain.items import Item, TrackingPolicy
from inventory.domain.keys import BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from inventory.domain.ledger import EntryType, ItemLedgerEntry, SourceDocument
from inventory.domain.postings import ParkedPosting, PostedLine, Posting, Shortage
from inventory.domain.quantities import normalized
from inventory.domain.reconciliation import ReconciliationDifference
from inventory.domain.supply import Reservation
from inventory.domain.workspace import StockChanges, StockState


# --- items and locations -------------------------------------------------------------------------
async def get_item(conn: asyncpg.Connection, item_no: str) -> Item | None:
    row = await conn.fetchrow(
        """SELECT item_no, base_unit, tracking_policy, expiration_required, strict_expiration
           FROM item WHERE item_no = $1""",
        item_no,
    )
    if row is None:
        return None
    return Item(row["item_no"], row["base_unit"], TrackingPolicy(row["tracking_policy"]),
                row["expiration_required"], row["strict_expiration"])


async def add_item(conn: asyncpg.Connection, item: Item) -> None:
    await conn.execute(
        """INSERT INTO item (item_no, base_unit, tracking_policy, expiration_required, strict_expiration)
           VALUES ($1, $2, $3, $4, $5)""",
        item.item_no, item.base_unit, item.tracking_policy.value, item.expiration_required, item.strict_expiration,
    )


async def save_location(conn: asyncpg.Connection, location_code: str) -> None:
    await conn.execute(
        """INSERT INTO location (location_code) VALUES ($1)
           ON CONFLICT (location_code) DO UPDATE SET configured_at = now()""",
        location_code,
    )


# --- loading stock -------------------------------------------------------------------------------
async def lock_stock(conn: asyncpg.Connection, item_no: str, location_codes: Iterable[str]) -> None:
    """Serialize every message about these item+locations until the transaction ends. Sorted, so
    a message locking several (a block) never deadlocks with one locking a single location.
    Taking a lock the transaction already holds is harmless (they nest)."""
    for location_code in sorted(set(location_codes)):
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"stock|{item_no}|{location_code}")


async def load_stock(
    conn: asyncpg.Connection, item_no: str, location_code: str, *, posting: bool = False
) -> StockState:
    """Lock and load what the domain needs for one item at one location (all its variants).
    A `posting` also locks the entry counter, so entries are numbered in commit order."""
    await lock_stock(conn, item_no, [location_code])
    where = (item_no, location_code)
    item = await get_item(conn, item_no)
    known = await conn.fetchval("SELECT count(*) FROM location WHERE location_code = $1", location_code)
    return StockState(
        items=(item,) if item else (),
        locations=frozenset([location_code] if known else []),
        open_entries=tuple(map(_entry, await conn.fetch(
            "SELECT * FROM item_ledger_entry WHERE item_no = $1 AND location_code = $2 AND open", *where))),
        reservations=tuple(map(_reservation, await conn.fetch(
            "SELECT * FROM reservation WHERE item_no = $1 AND location_code = $2", *where))),
        totals=await _load_totals(conn, _STOCK_TABLES, *where),
        demand_totals=await _load_totals(conn, _DEMAND_TABLES, *where),
        demand_tracking=tuple(map(_demand_tracking, await conn.fetch(
            "SELECT * FROM demand_tracking WHERE item_no = $1 AND location_code = $2", *where))),
        blocked=await blocked_tracking(conn, item_no),
        next_entry_no=await conn.fetchval("SELECT next_entry_no FROM entry_counter FOR UPDATE") if posting else 0,
    )


async def parked_postings(conn: asyncpg.Connection, item_no: str, location_code: str) -> tuple[ParkedPosting, ...]:
    """Oldest first: they are retried in the order they arrived."""
    rows = await conn.fetch(
        """SELECT posting, reason_code, message, shortages FROM parked_posting
           WHERE item_no = $1 AND location_code = $2 ORDER BY parked_seq""",
        item_no, location_code,
    )
    return tuple(
        ParkedPosting(_posting_from_json(row["posting"]), row["reason_code"], row["message"],
                      tuple(map(_shortage_from_json, json.loads(row["shortages"]))))
        for row in rows
    )


# --- writing stock changes -----------------------------------------------------------------------
async def save_stock_changes(conn: asyncpg.Connection, changes: StockChanges) -> None:
    """Write what the domain decided; the events are the caller's (they go to the outbox)."""
    await _insert_entries(conn, changes)
    if changes.updated_entries:
        await conn.executemany(
            "UPDATE item_ledger_entry SET remaining_quantity = $2, open = $3 WHERE entry_no = $1",
            [(entry.entry_no, entry.remaining_quantity, entry.open) for entry in changes.updated_entries],
        )
    if changes.applications:
        await conn.executemany(
            "INSERT INTO item_application (outbound_entry_no, inbound_entry_no, quantity) VALUES ($1, $2, $3)",
            [(a.outbound_entry_no, a.inbound_entry_no, a.quantity) for a in changes.applications],
        )
    await _save_reservations(conn, changes.reservations)
    await _save_demand_tracking(conn, changes.demand_tracking)
    await _add_totals(conn, _STOCK_TABLES, changes.totals)
    await _add_totals(conn, _DEMAND_TABLES, changes.demand_totals)
    await _park(conn, changes.parked)
    if changes.unparked:
        await conn.execute("DELETE FROM parked_posting WHERE posting_id = ANY($1::text[])", list(changes.unparked))


async def _insert_entries(conn: asyncpg.Connection, changes: StockChanges) -> None:
    """New entries carry the posting that created them, as their LedgerEntriesPosted fact says."""
    if not changes.new_entries:
        return
    posted_by = {
        entry.entry_no: event.posting_id
        for event in changes.events
        if isinstance(event, LedgerEntriesPosted)
        for entry in event.entries
    }
    await conn.executemany(
        """INSERT INTO item_ledger_entry (entry_no, posting_id, entry_type, item_no, location_code, variant_code,
               serial_no, lot_no, expiration_date, quantity, remaining_quantity, open, document_type, document_no,
               document_line_no, source_type, source_no, source_line_no)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)""",
        [
            (
                entry.entry_no, posted_by[entry.entry_no], entry.entry_type.value, *_key_values(entry.key),
                entry.expiration_date, entry.quantity, entry.remaining_quantity, entry.open,
                entry.source.document_type, entry.source.document_no, entry.source.line_no,
                *_demand_values(entry.demand or Demand("", "", 0)),
            )
            for entry in changes.new_entries
        ],
    )
    await conn.execute("UPDATE entry_counter SET next_entry_no = $1", changes.next_entry_no)


async def _save_reservations(conn: asyncpg.Connection, rows: Sequence[Reservation]) -> None:
    """Each changed row is stored as it is now; quantity zero means it no longer exists."""
    identity = "source_type = $1 AND source_no = $2 AND source_line_no = $3 AND entry_no = $4 " \
               "AND named_serial_no = $5 AND named_lot_no = $6"
    gone = [row for row in rows if not row.quantity]
    kept = [row for row in rows if row.quantity]
    if gone:
        await conn.executemany(
            f"DELETE FROM reservation WHERE {identity}",
            [(*_demand_values(row.demand), row.entry_no, row.named.serial_no, row.named.lot_no) for row in gone],
        )
    if kept:
        await conn.executemany(
            """INSERT INTO reservation (source_type, source_no, source_line_no, entry_no, named_serial_no,
                   named_lot_no, item_no, location_code, variant_code, serial_no, lot_no, quantity)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
               ON CONFLICT (source_type, source_no, source_line_no, entry_no, named_serial_no, named_lot_no)
               DO UPDATE SET quantity = excluded.quantity""",
            [
                (*_demand_values(row.demand), row.entry_no, row.named.serial_no, row.named.lot_no,
                 *_key_values(row.key), row.quantity)
                for row in kept
            ],
        )


async def _save_demand_tracking(conn: asyncpg.Connection, rows: Sequence[DemandTracking]) -> None:
    """Stored as they are now; a row with nothing assigned or picked no longer exists."""
    if not rows:
        return
    await conn.executemany(
        """INSERT INTO demand_tracking (item_no, location_code, variant_code, serial_no, lot_no, source_type,
               source_no, source_line_no, assigned_quantity, picked_quantity)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (item_no, location_code, variant_code, serial_no, lot_no, source_type, source_no,
               source_line_no)
           DO UPDATE SET assigned_quantity = excluded.assigned_quantity, picked_quantity = excluded.picked_quantity""",
        [
            (*_key_values(row.key), *_demand_values(row.demand), row.assigned_quantity, row.picked_quantity)
            for row in rows
        ],
    )
    await conn.executemany(
        """DELETE FROM demand_tracking WHERE item_no = $1 AND location_code = $2 AND variant_code = $3
               AND serial_no = $4 AND lot_no = $5 AND source_type = $6 AND source_no = $7 AND source_line_no = $8
               AND assigned_quantity = 0 AND picked_quantity = 0""",
        [(*_key_values(row.key), *_demand_values(row.demand)) for row in rows if not row.assigned_quantity],
    )


async def _park(conn: asyncpg.Connection, parked: Sequence[ParkedPosting]) -> None:
    if not parked:
        return
    await conn.executemany(
        """INSERT INTO parked_posting (posting_id, item_no, location_code, document_type, document_no, reason_code,
               message, shortages, posting)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        [
            (
                waiting.posting.posting_id, *_posting_place(waiting.posting), waiting.reason_code, waiting.message,
                json.dumps([_shortage_json(shortage) for shortage in waiting.shortages]),
                json.dumps(_posting_json(waiting.posting)),
            )
            for waiting in parked
        ],
    )


def _posting_place(posting: Posting) -> tuple[str, str, str, str]:
    """Item, location and document of a posting: one item at one location per warehouse fact."""
    [first, *_] = posting.lines
    return first.key.item_no, first.key.location_code, first.source.document_type, first.source.document_no


# --- maintained totals (I8) ----------------------------------------------------------------------
@dataclass(frozen=True)
class _TotalsTable:
    """One table of maintained totals: rows are only ever changed by adding deltas."""

    name: str
    key_columns: tuple[str, ...]
    figures: tuple[str, ...]

    @property
    def tracking_level(self) -> bool:
        return "lot_no" in self.key_columns

    @property
    def per_demand(self) -> bool:
        return "source_no" in self.key_columns

    def holds(self, key: StockKey) -> bool:
        return isinstance(key, TrackingKey) == self.tracking_level

    def key_of(self, row: StockTotals | DemandTotals) -> tuple:
        return (*_key_values(row.key), *(_demand_values(row.demand) if self.per_demand else ()))

    def to_domain(self, record: asyncpg.Record) -> StockTotals | DemandTotals:
        key = _tracking_key(record) if self.tracking_level else _location_key(record)
        figures = {figure: normalized(record[figure]) for figure in self.figures}
        return DemandTotals(_demand(record), key, **figures) if self.per_demand else StockTotals(key, **figures)

    def add_sql(self) -> str:
        columns = (*self.key_columns, *self.figures)
        values = ", ".join(f"${number}" for number in range(1, len(columns) + 1))
        additions = ", ".join(f"{figure} = {self.name}.{figure} + excluded.{figure}" for figure in self.figures)
        return (
            f"INSERT INTO {self.name} ({', '.join(columns)}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(self.key_columns)}) DO UPDATE SET {additions}"
        )

    def prune_sql(self) -> str:
        """Rows that add up to nothing are removed: a missing row reads as zeros."""
        keys = " AND ".join(f"{column} = ${number}" for number, column in enumerate(self.key_columns, 1))
        zeros = " AND ".join(f"{figure} = 0" for figure in self.figures)
        return f"DELETE FROM {self.name} WHERE {keys} AND {zeros}"


_LOCATION = ("item_no", "location_code", "variant_code")
_TRACKING = (*_LOCATION, "serial_no", "lot_no")
_DEMAND = ("source_type", "source_no", "source_line_no")
_STOCK_FIGURES = tuple(f.name for f in fields(StockTotals) if f.name != "key")
_DEMAND_FIGURES = tuple(f.name for f in fields(DemandTotals) if f.name not in ("demand", "key"))
_STOCK_TABLES = (
    _TotalsTable("location_totals", _LOCATION, _STOCK_FIGURES),
    _TotalsTable("tracking_totals", _TRACKING, _STOCK_FIGURES),
)
_DEMAND_TABLES = (
    _TotalsTable("demand_location_totals", (*_LOCATION, *_DEMAND), _DEMAND_FIGURES),
    _TotalsTable("demand_tracking_totals", (*_TRACKING, *_DEMAND), _DEMAND_FIGURES),
)


async def _add_totals(
    conn: asyncpg.Connection, tables: Sequence[_TotalsTable], deltas: Sequence[StockTotals | DemandTotals]
) -> None:
    """`col = col + delta` in the message's transaction, then drop rows that came to nothing."""
    for table in tables:
        rows = [delta for delta in deltas if table.holds(delta.key)]
        if rows:
            keys = [table.key_of(row) for row in rows]
            figures = [tuple(getattr(row, figure) for figure in table.figures) for row in rows]
            await conn.executemany(table.add_sql(), [(*key, *row) for key, row in zip(keys, figures, strict=True)])
            await conn.executemany(table.prune_sql(), keys)


async def _load_totals(conn: asyncpg.Connection, tables: Sequence[_TotalsTable], item_no: str,
                       location_code: str | None = None) -> tuple:
    """The tables' rows of an item, at one location or (None) at all."""
    loaded = []
    for table in tables:
        rows = await conn.fetch(
            f"SELECT * FROM {table.name} WHERE item_no = $1 AND ($2::text IS NULL OR location_code = $2)",
            item_no, location_code,
        )
        loaded += map(table.to_domain, rows)
    return tuple(loaded)


async def stock_totals(conn: asyncpg.Connection, item_no: str) -> tuple[StockTotals, ...]:
    """Both levels of the item's maintained totals, at every location."""
    return await _load_totals(conn, _STOCK_TABLES, item_no)


async def ledger_inventory(conn: asyncpg.Connection, item_no: str, location_code: str) -> dict[TrackingKey, Decimal]:
    """S7: what the item ledger holds per serial/lot, from the maintained totals (I8)."""
    rows = await conn.fetch(
        "SELECT * FROM tracking_totals WHERE item_no = $1 AND location_code = $2 AND inventory <> 0",
        item_no, location_code,
    )
    return {_tracking_key(row): normalized(row["inventory"]) for row in rows}


# --- blocked serial/lot numbers (T4) -------------------------------------------------------------
async def blocked_tracking(conn: asyncpg.Connection, item_no: str) -> tuple[BlockedTracking, ...]:
    rows = await conn.fetch(
        "SELECT * FROM blocked_tracking WHERE item_no = $1 ORDER BY variant_code, serial_no, lot_no", item_no
    )
    return tuple(
        BlockedTracking(row["item_no"], row["variant_code"], TrackingNumbers(row["serial_no"], row["lot_no"]))
        for row in rows
    )


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


# --- reconciliation (S7) -------------------------------------------------------------------------
async def save_reconciliation(
    conn: asyncpg.Connection,
    request_id: str,
    location: LocationKey,
    items_in_report: int,
    differences: Iterable[ReconciliationDifference],
) -> None:
    """The latest report of an item for a request wins (the warehouse may report again)."""
    await conn.execute(
        """INSERT INTO reconciliation_result (request_id, item_no, location_code, items_in_report, differences)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (request_id, item_no, location_code) DO UPDATE
           SET items_in_report = excluded.items_in_report, differences = excluded.differences, reconciled_at = now()""",
        request_id, location.item_no, location.location_code, items_in_report,
        json.dumps([_difference_json(found) for found in differences]),
    )


def _difference_json(found: ReconciliationDifference) -> dict:
    return {
        "variant": found.key.variant_code, "serial": found.key.serial_no, "lot": found.key.lot_no,
        "real_bins": str(found.real_bins), "adjustment_bin": str(found.adjustment_bin),
        "ledger_inventory": str(found.ledger_inventory), "difference": str(found.difference),
    }


# --- rows <-> domain (numeric(18,6) comes back with six decimals: facts should say 10, not 10.000000)
def _location_key(row) -> LocationKey:
    return LocationKey(row["item_no"], row["location_code"], row["variant_code"])


def _tracking_key(row) -> TrackingKey:
    return TrackingKey(row["item_no"], row["location_code"], row["variant_code"], row["serial_no"], row["lot_no"])


def _demand(row) -> Demand:
    return Demand(row["source_type"], row["source_no"], row["source_line_no"])


def _key_values(key: StockKey) -> tuple:
    numbers = (key.serial_no, key.lot_no) if isinstance(key, TrackingKey) else ()
    return (key.item_no, key.location_code, key.variant_code, *numbers)


def _demand_values(demand: Demand) -> tuple[str, str, int]:
    return demand.source_type, demand.source_id, demand.source_line


def _entry(row) -> ItemLedgerEntry:
    return ItemLedgerEntry(
        row["entry_no"],
        EntryType(row["entry_type"]),
        _tracking_key(row),
        normalized(row["quantity"]),
        normalized(row["remaining_quantity"]),
        row["open"],
        SourceDocument(row["document_type"], row["document_no"], row["document_line_no"]),
        row["expiration_date"],
        _demand(row) if row["source_type"] else None,
    )


def _reservation(row) -> Reservation:
    return Reservation(
        _demand(row),
        row["entry_no"],
        _tracking_key(row),
        normalized(row["quantity"]),
        TrackingNumbers(row["named_serial_no"], row["named_lot_no"]),
    )


def _demand_tracking(row) -> DemandTracking:
    return DemandTracking(
        _demand(row), _tracking_key(row), normalized(row["assigned_quantity"]), normalized(row["picked_quantity"])
    )


# A parked posting is kept as JSON: it is read back whole, never queried by its lines.
def _posting_json(posting: Posting) -> dict:
    return {"posting_id": posting.posting_id, "lines": [_line_json(line) for line in posting.lines]}


def _line_json(line: PostedLine) -> dict:
    return {
        "entry_type": line.entry_type.value,
        "key": list(_key_values(line.key)),
        "quantity": str(line.quantity),
        "source": [line.source.document_type, line.source.document_no, line.source.line_no],
        "expiration_date": line.expiration_date.isoformat() if line.expiration_date else None,
        "demand": list(_demand_values(line.demand)) if line.demand else None,
    }


def _posting_from_json(text: str) -> Posting:
    body = json.loads(text)
    return Posting(body["posting_id"], tuple(map(_line_from_json, body["lines"])))


def _line_from_json(body: dict) -> PostedLine:
    expiration = body["expiration_date"]
    return PostedLine(
        EntryType(body["entry_type"]),
        TrackingKey(*body["key"]),
        Decimal(body["quantity"]),
        SourceDocument(*body["source"]),
        date.fromisoformat(expiration) if expiration else None,
        Demand(*body["demand"]) if body["demand"] else None,
    )


def _shortage_json(shortage: Shortage) -> dict:
    return {"key": list(_key_values(shortage.key)), "needed": str(shortage.needed),
            "open_quantity": str(shortage.open_quantity)}


def _shortage_from_json(body: dict) -> Shortage:
    return Shortage(TrackingKey(*body["key"]), Decimal(body["needed"]), Decimal(body["open_quantity"]))
