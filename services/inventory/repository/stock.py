"""The stock of one item at one location: lock it, load its `StockState`, write the `StockChanges`."""

from collections.abc import Iterable, Sequence

import asyncpg

from inventory.domain.availability import DemandTotals, StockTotals
from inventory.domain.demand import DemandTracking, Reservation
from inventory.domain.events import LedgerEntriesPosted
from inventory.domain.scope import StockScope
from inventory.domain.workspace import StockChanges, StockState
from servicekit import locks

from . import blocks, information, items, parked, rows, totals


async def lock(conn: asyncpg.Connection, item_no: str, location_codes: Iterable[str]) -> None:
    """Serialize every message about these item+locations until the transaction ends. In one global
    order (servicekit.locks), so a message locking several (a block) never deadlocks with one locking a
    single location, nor one batch with another.
    Taking a lock the transaction already holds is harmless (they nest)."""
    await locks.take(conn, (locks.key("stock", item_no, code) for code in location_codes))


async def load(conn: asyncpg.Connection, item_no: str, location_code: str) -> StockState:
    """Lock and load what the domain needs for one item at one location (all its variants)."""
    await lock(conn, item_no, [location_code])
    return await read(conn, item_no, location_code)


async def read(conn: asyncpg.Connection, item_no: str, location_code: str, *, new_entries: int = 0,
               also_at: Sequence[str] = (), scope: StockScope | None = None) -> StockState:
    """The `StockState` in one statement, under the stock lock the caller holds (taken in a statement
    of its own: a statement reads what was committed when it began), with `new_entries` entry
    numbers for a posting: drawn from the `item_ledger_entry_no` sequence, ascending. No lock is
    shared between items, and since they are drawn under the stock lock, after every earlier posting
    of this stock committed, they are above all of its entries: first in, first out holds
    (migration 005). Numbers a posting does not use are left as gaps. `also_at`: more locations of the item
    whose stock the message changes with it (a transfer, X2), locked by the caller too. `scope`: only
    the rows of the serial/lot numbers and demands it names (Z1, `inventory.domain.scope`), at one location."""
    codes = sorted({location_code, *also_at})
    if scope is None:
        [state] = await conn.fetch(_STATE, item_no, codes, new_entries)
    else:
        assert codes == [scope.location.location_code] and item_no == scope.location.item_no
        [state] = await conn.fetch(_SCOPED_STATE, item_no, codes, new_entries, *_scope_values(scope))
    loaded = [table.to_domain(row) for table in totals.TABLES for row in state[table.name]]
    return StockState(
        items=(items.item(state["item"]),) if state["item"] else (),
        locations=frozenset(state["known_locations"]),
        open_entries=tuple(map(rows.entry, state["open_entries"])),
        reservations=tuple(map(rows.reservation, state["reservations"])),
        totals=tuple(row for row in loaded if isinstance(row, StockTotals)),
        demand_totals=tuple(row for row in loaded if isinstance(row, DemandTotals)),
        demand_tracking=tuple(map(rows.demand_tracking, state["demand_tracking"])),
        blocked=tuple(map(blocks.blocked, state["blocked"])),
        entry_nos=sorted(state["entry_nos"]),
        information=tuple(map(information.information, state["information"])),
        scope=scope,
    )


def _scope_values(scope: StockScope) -> list[list[str] | list[int]]:
    """The filters as three arrays (variant, serial, lot), then the demands as three (type, number, line)."""
    filters = sorted(scope.filters)
    demands = list(zip(*map(rows.demand_values, sorted(scope.demands)), strict=True)) or [(), (), ()]
    return [[variant for variant, _ in filters], [numbers.serial_no for _, numbers in filters],
            [numbers.lot_no for _, numbers in filters], *(list(column) for column in demands)]


_AT = "item_no = $1 AND location_code = ANY($2::text[])"
_STATE = f"""
    SELECT (SELECT t FROM item t WHERE item_no = $1) AS item,
           ARRAY(SELECT location_code FROM location WHERE location_code = ANY($2::text[])) AS known_locations,
           ARRAY(SELECT t FROM item_ledger_entry t WHERE {_AT} AND open) AS open_entries,
           ARRAY(SELECT t FROM reservation t WHERE {_AT}) AS reservations,
           {", ".join(f"ARRAY(SELECT t FROM {table.name} t WHERE {_AT}) AS {table.name}" for table in totals.TABLES)},
           ARRAY(SELECT t FROM demand_tracking t WHERE {_AT}) AS demand_tracking,
           ARRAY(SELECT t FROM blocked_tracking t WHERE item_no = $1 ORDER BY {blocks.ORDER}) AS blocked,
           ARRAY(SELECT nextval('item_ledger_entry_no') FROM generate_series(1, $3)) AS entry_nos,
           ARRAY(SELECT t FROM tracking_information t WHERE item_no = $1 AND {information.WITHHELD}
                 ORDER BY {information.ORDER}) AS information
"""


# A scope's parameters, from $4 on (`_scope_values`): its filters and its demands.
_FILTERS = "unnest($4::text[], $5::text[], $6::text[]) AS f(variant_code, serial_no, lot_no)"
_DEMANDS = "unnest($7::text[], $8::text[], $9::int[]) AS d(source_type, source_no, source_line_no)"


def _covered(alias: str) -> str:
    """The row's serial/lot is one a filter of the scope covers (`inventory.domain.scope`)."""
    return (f"(({alias}.variant_code, {alias}.serial_no) IN"
            f" (SELECT variant_code, serial_no FROM {_FILTERS} WHERE serial_no <> '')"
            f" OR ({alias}.variant_code, {alias}.lot_no) IN"
            f" (SELECT variant_code, lot_no FROM {_FILTERS} WHERE serial_no = '' AND lot_no <> '')"
            f" OR {alias}.variant_code IN (SELECT variant_code FROM {_FILTERS} WHERE serial_no = '' AND lot_no = ''))")


def _of_demand(alias: str) -> str:
    return f"({alias}.source_type, {alias}.source_no, {alias}.source_line_no) IN (SELECT * FROM {_DEMANDS})"


_HELD_NUMBERS = f"""(SELECT variant_code, serial_no, lot_no FROM blocked_tracking WHERE item_no = $1
                 UNION ALL SELECT variant_code, serial_no, lot_no FROM tracking_information
                 WHERE item_no = $1 AND {information.WITHHELD})"""
# The first EXISTS is evaluated once: without a block or a withheld number, no row pays for the second.
_HELD = f"""(EXISTS (SELECT 1 FROM {_HELD_NUMBERS} h) AND EXISTS (SELECT 1 FROM {_HELD_NUMBERS} h
                WHERE h.variant_code = t.variant_code AND h.serial_no IN ('', t.serial_no)
                AND h.lot_no IN ('', t.lot_no)))"""
_IN_SCOPE = f"{_AT} AND ({_covered('t')} OR {_of_demand('t')})"
_TOTALS_IN_SCOPE = {
    "location_totals": _AT,
    "tracking_totals": f"{_AT} AND ({_covered('t')} OR {_HELD})",
    "demand_location_totals": f"""{_AT} AND ({_of_demand('t')} OR (t.source_type, t.source_no, t.source_line_no) IN
        (SELECT r.source_type, r.source_no, r.source_line_no FROM reservation r
         WHERE r.item_no = $1 AND r.location_code = ANY($2::text[]) AND {_covered('r')}))""",
    "demand_tracking_totals": f"""{_AT} AND ({_covered('t')} OR (t.source_type, t.source_no, t.source_line_no,
        t.variant_code, t.serial_no, t.lot_no) IN (SELECT r.source_type, r.source_no, r.source_line_no, r.variant_code,
        r.serial_no, r.lot_no FROM reservation r WHERE r.item_no = $1 AND r.location_code = ANY($2::text[])
        AND {_of_demand('r')}))""",
}
_SCOPED_STATE = f"""
    SELECT (SELECT t FROM item t WHERE item_no = $1) AS item,
           ARRAY(SELECT location_code FROM location WHERE location_code = ANY($2::text[])) AS known_locations,
           ARRAY(SELECT t FROM item_ledger_entry t WHERE {_AT} AND open AND ({_covered('t')} OR entry_no IN
                 (SELECT r.entry_no FROM reservation r WHERE r.item_no = $1 AND r.location_code = ANY($2::text[])
                  AND {_of_demand('r')}))) AS open_entries,
           ARRAY(SELECT t FROM reservation t WHERE {_IN_SCOPE}) AS reservations,
           {", ".join(f"ARRAY(SELECT t FROM {table.name} t WHERE {_TOTALS_IN_SCOPE[table.name]}) AS {table.name}"
                      for table in totals.TABLES)},
           ARRAY(SELECT t FROM demand_tracking t WHERE {_AT} AND {_covered('t')}) AS demand_tracking,
           ARRAY(SELECT t FROM blocked_tracking t WHERE item_no = $1 ORDER BY {blocks.ORDER}) AS blocked,
           ARRAY(SELECT nextval('item_ledger_entry_no') FROM generate_series(1, $3)) AS entry_nos,
           ARRAY(SELECT t FROM tracking_information t WHERE item_no = $1 AND {information.WITHHELD}
                 ORDER BY {information.ORDER}) AS information
"""


async def save(conn: asyncpg.Connection, changes: StockChanges) -> None:
    """Write what the domain decided; the events are the caller's (they go to the outbox)."""
    await _insert_entries(conn, changes)
    if changes.updated_entries:  # one statement, however many entries (an executemany costs a round of work per row)
        updated = changes.updated_entries
        await conn.execute(
            """UPDATE item_ledger_entry e SET remaining_quantity = u.remaining_quantity, open = u.open
               FROM unnest($1::bigint[], $2::numeric[], $3::boolean[]) AS u(entry_no, remaining_quantity, open)
               WHERE e.entry_no = u.entry_no""",
            [entry.entry_no for entry in updated], [entry.remaining_quantity for entry in updated],
            [entry.open for entry in updated],
        )
    if changes.applications:
        applied = changes.applications
        await conn.execute(
            """INSERT INTO item_application (outbound_entry_no, inbound_entry_no, quantity)
               SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[])""",
            [a.outbound_entry_no for a in applied], [a.inbound_entry_no for a in applied],
            [a.quantity for a in applied],
        )
    await _save_reservations(conn, changes.reservations)
    await _save_demand_tracking(conn, changes.demand_tracking)
    await totals.add(conn, (*changes.totals, *changes.demand_totals), changes.emptied_totals)
    await parked.park(conn, changes.parked)
    await parked.unpark(conn, changes.unparked)


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
    records = [
        (
            entry.entry_no, posted_by[entry.entry_no], entry.entry_type.value, *rows.key_values(entry.key),
            entry.expiration_date, entry.quantity, entry.remaining_quantity, entry.open,
            entry.source.document_type, entry.source.document_no, entry.source.line_no,
            *rows.demand_values(entry.demand or rows.NO_DEMAND), entry.warranty_date,
            entry.source.posting_date, entry.source.vendor_no, entry.source.customer_no, entry.stated.code,
            entry.stated.per_base, *rows.transfer_values(entry.transfer),
        )
        for entry in changes.new_entries
    ]
    await conn.execute(_INSERT_ENTRIES, *(list(column) for column in zip(*records, strict=True)))


# Set-based: one statement and one round trip for the whole posting, an array per column.
_ENTRY_COLUMNS = {
    "entry_no": "bigint", "posting_id": "text", "entry_type": "text", "item_no": "text", "location_code": "text",
    "variant_code": "text", "serial_no": "text", "lot_no": "text", "expiration_date": "date", "quantity": "numeric",
    "remaining_quantity": "numeric", "open": "boolean", "document_type": "text", "document_no": "text",
    "document_line_no": "int", "source_type": "text", "source_no": "text", "source_line_no": "int",
    "warranty_date": "date", "posting_date": "date", "vendor_no": "text", "customer_no": "text", "unit_code": "text",
    "quantity_per_unit": "numeric", "transfer_from_location": "text", "transfer_to_location": "text",
    "transferred_from_entry_no": "bigint",
}
_INSERT_ENTRIES = (
    f"INSERT INTO item_ledger_entry ({', '.join(_ENTRY_COLUMNS)}) SELECT * FROM unnest("
    + ", ".join(f"${n}::{kind}[]" for n, kind in enumerate(_ENTRY_COLUMNS.values(), 1)) + ")"
)


async def _save_reservations(conn: asyncpg.Connection, changed: Sequence[Reservation]) -> None:
    """Each changed row is stored as it is now; quantity zero means it no longer exists."""
    identity = "source_type = $1 AND source_no = $2 AND source_line_no = $3 AND entry_no = $4 " \
               "AND named_serial_no = $5 AND named_lot_no = $6"
    gone = [row for row in changed if not row.quantity]
    kept = [row for row in changed if row.quantity]
    if gone:
        await conn.executemany(
            f"DELETE FROM reservation WHERE {identity}",
            [(*rows.demand_values(row.demand), row.entry_no, row.named.serial_no, row.named.lot_no) for row in gone],
        )
    if kept:
        await conn.executemany(
            """INSERT INTO reservation (source_type, source_no, source_line_no, entry_no, named_serial_no,
                   named_lot_no, item_no, location_code, variant_code, serial_no, lot_no, quantity)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
               ON CONFLICT (source_type, source_no, source_line_no, entry_no, named_serial_no, named_lot_no)
               DO UPDATE SET quantity = excluded.quantity""",
            [
                (*rows.demand_values(row.demand), row.entry_no, row.named.serial_no, row.named.lot_no,
                 *rows.key_values(row.key), row.quantity)
                for row in kept
            ],
        )


async def _save_demand_tracking(conn: asyncpg.Connection, changed: Sequence[DemandTracking]) -> None:
    """Stored as they are now; a row with nothing assigned or picked no longer exists."""
    if not changed:
        return
    await conn.executemany(
        """INSERT INTO demand_tracking (item_no, location_code, variant_code, serial_no, lot_no, source_type,
               source_no, source_line_no, assigned_quantity, picked_quantity)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (item_no, location_code, variant_code, serial_no, lot_no, source_type, source_no,
               source_line_no)
           DO UPDATE SET assigned_quantity = excluded.assigned_quantity, picked_quantity = excluded.picked_quantity""",
        [
            (*rows.key_values(row.key), *rows.demand_values(row.demand), row.assigned_quantity, row.picked_quantity)
            for row in changed
        ],
    )
    emptied = [row for row in changed if not row.assigned_quantity and not row.picked_quantity]
    if emptied:
        await conn.executemany(
            """DELETE FROM demand_tracking WHERE item_no = $1 AND location_code = $2 AND variant_code = $3
                   AND serial_no = $4 AND lot_no = $5 AND source_type = $6 AND source_no = $7 AND source_line_no = $8
                   AND assigned_quantity = 0 AND picked_quantity = 0""",
            [(*rows.key_values(row.key), *rows.demand_values(row.demand)) for row in emptied],
        )
