"""Availability over HTTP with a large ledger: bulk-loaded with set-based SQL, queried one by one.

Every item gets the same shape (`entries_per_item` purchase entries over `lots_per_item` lots, one
nonspecific reservation of one unit per `entries_per_item // reservations_per_item` entries), so
the 10,000-entry and the 1,000,000-entry runs ask the same question of tables of very different
size: I8 says the answer comes from maintained totals, so its cost must not follow the ledger.

The rows are written exactly as the service writes them: entries (open, remaining = quantity),
reservations (nonspecific: blank named numbers, the entry's own key repeated), and the maintained
totals at both levels (location: inventory and all reservations; serial/lot: inventory, and only
specific reservations, of which there are none here), per demand too.
"""

from __future__ import annotations

import random
import time

import asyncpg
import httpx

LOCATION = "AV"


async def bulk_load(dsn: str, first_item: int, items: int, entries_per_item: int = 100, lots_per_item: int = 20,
                    reservations_per_item: int = 10) -> None:
    """Items `first_item` .. `first_item + items - 1` with their entries, reservations and totals."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("INSERT INTO location (location_code) VALUES ($1) ON CONFLICT DO NOTHING", LOCATION)
            start_entry = await conn.fetchval("SELECT nextval('item_ledger_entry_no')")
            args = (first_item, items, entries_per_item, lots_per_item, start_entry)
            await conn.execute(
                """INSERT INTO item (item_no, base_unit, tracking_policy, expiration_required, strict_expiration)
                   SELECT 'AV-' || i, 'PCS', 'lot', false, false FROM generate_series($1::int, $1 + $2 - 1) AS i""",
                first_item, items)
            # entry k (0-based) of item i: lot k % lots, quantity 1 + k % 7; numbered item by item.
            await conn.execute(
                """INSERT INTO item_ledger_entry (entry_no, posting_id, entry_type, item_no, variant_code,
                       location_code, serial_no, lot_no, expiration_date, quantity, remaining_quantity, open,
                       document_type, document_no, document_line_no, source_type, source_no, source_line_no)
                   SELECT $5 + (i - $1)::bigint * $3 + k, 'bulk-' || i || '-' || k, 'purchase', 'AV-' || i, '',
                          'AV', '', 'LOT-' || (k % $4), NULL, 1 + k % 7, 1 + k % 7, true,
                          'receipt', 'RC-BULK-' || i, 1 + k, 'purchase_order', 'PO-BULK-' || i, 1
                   FROM generate_series($1::int, $1 + $2 - 1) AS i, generate_series(0, $3 - 1) AS k""",
                *args)
            next_entry = start_entry + items * entries_per_item
            await conn.execute("SELECT setval('item_ledger_entry_no', $1, false)", next_entry)
            step = entries_per_item // reservations_per_item
            await conn.execute(
                """INSERT INTO reservation (source_type, source_no, source_line_no, entry_no, named_serial_no,
                       named_lot_no, item_no, location_code, variant_code, serial_no, lot_no, quantity)
                   SELECT 'sales_order', 'SO-BULK-' || e.item_no || '-' || e.document_line_no, 1, e.entry_no, '', '',
                          e.item_no, e.location_code, '', '', e.lot_no, 1
                   FROM item_ledger_entry e
                   WHERE e.entry_no >= $1 AND e.entry_no < $2 AND (e.entry_no - $1) % $3 = 0""",
                start_entry, start_entry + items * entries_per_item, step)
            new_entries = "entry_no >= $1 AND entry_no < $2"
            bounds = (start_entry, start_entry + items * entries_per_item)
            await conn.execute(
                f"""INSERT INTO location_totals (item_no, location_code, variant_code, inventory, reserved)
                    SELECT e.item_no, e.location_code, e.variant_code, sum(e.remaining_quantity),
                           coalesce((SELECT sum(r.quantity) FROM reservation r WHERE r.item_no = e.item_no
                                     AND r.location_code = e.location_code), 0)
                    FROM item_ledger_entry e WHERE {new_entries}
                    GROUP BY e.item_no, e.location_code, e.variant_code""", *bounds)
            await conn.execute(
                f"""INSERT INTO tracking_totals (item_no, location_code, variant_code, serial_no, lot_no, inventory)
                    SELECT item_no, location_code, variant_code, serial_no, lot_no, sum(remaining_quantity)
                    FROM item_ledger_entry WHERE {new_entries}
                    GROUP BY item_no, location_code, variant_code, serial_no, lot_no""", *bounds)
            await conn.execute(
                """INSERT INTO demand_location_totals (item_no, location_code, variant_code, source_type, source_no,
                        source_line_no, reserved)
                    SELECT r.item_no, r.location_code, r.variant_code, r.source_type, r.source_no, r.source_line_no,
                           sum(r.quantity)
                    FROM reservation r WHERE r.entry_no >= $1 AND r.entry_no < $2
                    GROUP BY r.item_no, r.location_code, r.variant_code, r.source_type, r.source_no,
                             r.source_line_no""", *bounds)
        # Freshly loaded pages would get their hint bits set (written again) by the first queries that read
        # them, and the load's WAL would trigger a checkpoint mid-measurement: settle both before measuring.
        await conn.execute("VACUUM (ANALYZE)")
        try:
            await conn.execute("CHECKPOINT")
        except asyncpg.InsufficientPrivilegeError:
            pass
    finally:
        await conn.close()


async def counts(dsn: str) -> tuple[int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        return (await conn.fetchval("SELECT count(*) FROM item_ledger_entry"),
                await conn.fetchval("SELECT count(*) FROM reservation"))
    finally:
        await conn.close()


async def query_latencies(url: str, path_of, keys: list, requests: int, seed: int = 5) -> list[float]:
    """Sequential GETs on one keep-alive connection; each answer is checked, the first few warm up."""
    rng = random.Random(seed)
    latencies = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for n in range(requests + 50):
            path = path_of(rng.choice(keys))
            started = time.perf_counter()
            response = await client.get(path)
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if n >= 50:
                latencies.append(elapsed)
    return latencies


def availability_path(item: int) -> str:
    return f"/availability/AV-{item}?location={LOCATION}"


async def check_answer(url: str, item: int, entries_per_item: int = 100, reservations_per_item: int = 10) -> dict:
    """The loaded rows answer like the service's own: inventory is the sum of the entries, reserved the reservations."""
    async with httpx.AsyncClient(base_url=url) as client:
        [row] = (await client.get(availability_path(item))).json()["locations"]
    inventory = sum(1 + k % 7 for k in range(entries_per_item))
    assert float(row["inventory"]) == inventory, row
    assert float(row["reserved"]) == reservations_per_item, row
    assert float(row["available_to_reserve"]) == inventory - reservations_per_item, row
    return row

