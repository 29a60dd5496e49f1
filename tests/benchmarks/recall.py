"""Recall (R1) over both services' HTTP APIs with a large ledger, bulk-loaded with set-based SQL.

Every item gets the same shape of 100 item ledger entries, so the 10,000-entry and the 1,000,000-entry runs
ask the same question of tables of very different size. Even items are lot-tracked: 10 lots of 10 entries,
6 receipts of 5 (vendors V-0 and V-1) and 4 shipments of 5 (customers C-6..C-9), each shipment applied to
one receipt of its lot; 10 of each lot stay in a bin. Odd items are serial-tracked: 60 serials received,
40 of them shipped (each applied to its receipt), 20 in bins. Lot and serial numbers are unique company-wide,
so a recall without the item finds one item. The warehouse holds the open rest as bin content.

The rows are written as the services write them: entries with their applications (outbound entries closed,
inbound ones with what remains), and the bin content of what remains, in pick bins P-0 .. P-9.
"""

from __future__ import annotations

import random
import time

import asyncpg

from slt_cli.readapi import ReadApis
from slt_cli.recall import recall

LOCATION = "RC"
PER_ITEM = 100


async def bulk_load(inventory_dsn: str, warehouse_dsn: str, first_item: int, items: int) -> None:
    """Items `first_item` .. `first_item + items - 1`: their ledger entries and applications, and their bins."""
    await _load_ledger(inventory_dsn, first_item, items)
    await _load_bins(warehouse_dsn, first_item, items)


# entry k (0-based) of item i. Lot items: lot k / 10, receipt when k % 10 < 6, else a shipment applied to entry
# k - 6. Serial items: receipt of serial k when k < 60, else a shipment of serial k - 60 applied to entry k - 60.
_ENTRIES = """
    WITH shaped AS (
        SELECT i, k, $3 + (i - $1)::bigint * 100 + k AS entry_no, i % 2 = 0 AS by_lot,
               CASE WHEN i % 2 = 0 THEN k % 10 < 6 ELSE k < 60 END AS inbound
        FROM generate_series($1::int, $1 + $2 - 1) AS i, generate_series(0, 99) AS k)
    INSERT INTO item_ledger_entry (entry_no, posting_id, entry_type, item_no, variant_code, location_code,
        serial_no, lot_no, expiration_date, quantity, remaining_quantity, open, document_type, document_no,
        document_line_no, source_type, source_no, source_line_no, posting_date, vendor_no, customer_no)
    SELECT entry_no, 'bulk-' || entry_no, CASE WHEN inbound THEN 'purchase' ELSE 'sale' END, 'RC-' || i, '', 'RC',
           CASE WHEN by_lot THEN '' ELSE 'RS-' || i || '-' || (CASE WHEN inbound THEN k ELSE k - 60 END) END,
           CASE WHEN by_lot THEN 'RL-' || i || '-' || (k / 10) ELSE '' END, NULL,
           (CASE WHEN by_lot THEN 5 ELSE 1 END) * (CASE WHEN inbound THEN 1 ELSE -1 END),
           CASE WHEN NOT inbound THEN 0 WHEN by_lot AND k % 10 >= 4 THEN 5 WHEN NOT by_lot AND k >= 40 THEN 1
                ELSE 0 END,
           inbound AND CASE WHEN by_lot THEN k % 10 >= 4 ELSE k >= 40 END,
           CASE WHEN inbound THEN 'receipt' ELSE 'shipment' END, CASE WHEN inbound THEN 'RC-' ELSE 'SH-' END || entry_no,
           1, CASE WHEN inbound THEN 'purchase_order' ELSE 'sales_order' END, 'O-' || entry_no, 1, DATE '2026-01-01',
           CASE WHEN inbound THEN 'V-' || (k % 2) ELSE '' END, CASE WHEN inbound THEN '' ELSE 'C-' || (k % 10) END
    FROM shaped"""
_APPLICATIONS = """
    INSERT INTO item_application (outbound_entry_no, inbound_entry_no, quantity)
    SELECT entry_no, entry_no - CASE WHEN lot_no <> '' THEN 6 ELSE 60 END, -quantity
    FROM item_ledger_entry WHERE entry_no >= $1 AND entry_no < $2 AND quantity < 0"""


async def _load_ledger(dsn: str, first_item: int, items: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("INSERT INTO location (location_code) VALUES ($1) ON CONFLICT DO NOTHING", LOCATION)
            await conn.execute(
                """INSERT INTO item (item_no, base_unit, tracking_policy, expiration_required, strict_expiration)
                   SELECT 'RC-' || i, 'PCS', CASE WHEN i % 2 = 0 THEN 'lot' ELSE 'serial' END, false, false
                   FROM generate_series($1::int, $1 + $2 - 1) AS i""", first_item, items)
            start = await conn.fetchval("SELECT nextval('item_ledger_entry_no')")
            await conn.execute(_ENTRIES, first_item, items, start)
            await conn.execute(_APPLICATIONS, start, start + items * PER_ITEM)
            await conn.execute("SELECT setval('item_ledger_entry_no', $1, false)", start + items * PER_ITEM)
        await _settle(conn)
    finally:
        await conn.close()


async def _load_bins(dsn: str, first_item: int, items: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                """INSERT INTO location (location_code, receive_bin, ship_bin, adjustment_bin, pick_by_fefo)
                   VALUES ($1, 'R', 'S', 'ADJ', false) ON CONFLICT DO NOTHING""", LOCATION)
            await conn.execute("INSERT INTO zone (location_code, zone_code) VALUES ($1, 'PICK') ON CONFLICT DO NOTHING",
                               LOCATION)
            await conn.execute(
                """INSERT INTO bin (location_code, bin_code, zone_code, types)
                   SELECT $1, 'P-' || b, 'PICK', ARRAY['put_away', 'pick'] FROM generate_series(0, 9) AS b
                   ON CONFLICT DO NOTHING""", LOCATION)
            # what remains: 10 of each lot (bin P-<lot>), serials 40..59 (bin P-<serial % 10>)
            await conn.execute(
                """INSERT INTO bin_content (location_code, bin_code, item_no, variant, serial, lot, expiration,
                       quantity, is_adjustment_bin, first_entry_no)
                   SELECT $3, 'P-' || (n % 10), 'RC-' || i, '',
                          CASE WHEN i % 2 = 0 THEN '' ELSE 'RS-' || i || '-' || (40 + n) END,
                          CASE WHEN i % 2 = 0 THEN 'RL-' || i || '-' || n ELSE '' END, NULL,
                          CASE WHEN i % 2 = 0 THEN 10 ELSE 1 END, false, 1
                   FROM generate_series($1::int, $1 + $2 - 1) AS i, generate_series(0, 19) AS n
                   WHERE i % 2 = 1 OR n < 10""", first_item, items, LOCATION)
        await _settle(conn)
    finally:
        await conn.close()


async def _settle(conn: asyncpg.Connection) -> None:
    """Hint bits and the load's checkpoint settle before measuring (as availability.py does)."""
    await conn.execute("VACUUM (ANALYZE)")
    try:
        await conn.execute("CHECKPOINT")
    except asyncpg.InsufficientPrivilegeError:
        pass


def numbers(items: int) -> list[tuple[str, str]]:
    """(serial, lot) of every lot and of every fifth serial of the loaded items."""
    return [("", f"RL-{i}-{j}") if i % 2 == 0 else (f"RS-{i}-{j * 5}", "") for i in range(items) for j in range(10)]


async def latencies(apis: ReadApis, keys: list[tuple[str, str]], requests: int, seed: int = 7) -> list[float]:
    """Sequential recalls as `slt recall` makes them (both services, every page), without the item."""
    rng = random.Random(seed)
    measured = []
    async with apis.open() as read:
        for n in range(requests + 50):
            serial, lot = rng.choice(keys)
            started = time.perf_counter()
            await recall(read, None, serial, lot)
            if n >= 50:  # the first few warm up
                measured.append(time.perf_counter() - started)
    return measured


async def check_answer(apis: ReadApis, item: int) -> None:
    """A loaded lot recalls as the services' own rows would: 6 receipts, 4 shipments, 10 left in one bin."""
    async with apis.open() as read:
        found = await recall(read, None, "", f"RL-{item}-3")
    assert (len(found.backward), len(found.forward)) == (6, 4), found
    assert {p["vendor_no"] for p in found.backward} == {"V-0", "V-1"}, found
    assert [(w["place"], w["bin_code"], w["quantity"]) for w in found.where_now] == [("bin", "P-3", "10")], found
    assert found.totals() == {"in": "30", "out": "20", "now": "10"}, found
