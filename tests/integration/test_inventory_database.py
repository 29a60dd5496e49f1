"""The inventory's use cases on a real PostgreSQL, without Kafka: what the database itself must
guarantee (locks between concurrent messages, the append-only ledger, totals kept in step)."""

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_EVENTS
from inventory import handlers, subscribers
from inventory.domain.errors import InsufficientAvailabilityError
from servicekit.database import migrate_service
from servicekit.unit_of_work import UnitOfWork
from tests.support.inventory import TODAY, q

MIGRATIONS = Path(handlers.__file__).parent / "migrations"
WH = "WH1"


@pytest_asyncio.fixture(scope="module")
async def pool(infra):
    dsn = await infra.create_database("inventory_db")
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=4)
    await migrate_service(pool, "inventory", MIGRATIONS)
    yield pool
    await pool.close()


ROUTES = {route.contract: route for route in (*subscribers.COMMANDS, *subscribers.WAREHOUSE_FACTS)}


async def apply(uow: UnitOfWork, message: Message) -> None:
    """Translate and handle the message as the consumer does, inside `uow`."""
    await ROUTES[type(message)].apply(uow, message, Envelope.new(message.TYPE, "/tests"))


async def run(pool: asyncpg.Pool, message: Message) -> list:
    """One message, one transaction, as the consumer runs it; returns the facts it queued on inventory.events.v1
    (those the warehouse replicates are queued on inventory.replication.v1 as well)."""
    async with UnitOfWork(pool) as uow:
        await apply(uow, message)
        published = [record.headers for record in uow.outbox.pending if record.topic == INVENTORY_EVENTS]
        await uow.commit()
    return [dict(headers)["ce_type"].decode() for headers in published]


async def stocked_item(pool: asyncpg.Pool, quantity: int) -> str:
    item_no = f"ITEM-{uuid.uuid4().hex[:8]}"
    await run(pool, inv.RegisterItem(item_no=item_no, base_unit="PCS", tracking_policy="none"))
    await run(pool, wh.LocationConfigured(
        location_code=WH, zones=(), bins=(), receive_bin="R", ship_bin="S", adjustment_bin="A", pick_by_fefo=False))
    await run(pool, wh.ReceiptPosted(
        receipt_no="R-1", put_away_no="PA-1", location_code=WH, item_no=item_no, posting_date=TODAY,
        lines=(wh.PostedLineFact(document_line_no=1, source_type="purchase_order", source_no="PO-1", source_line_no=1,
                                 variant="", bin_code="R", quantity=q(quantity)),),
    ))
    return item_no


def reserve(item_no: str, order: str) -> inv.Reserve:
    return inv.Reserve(source_no=order, source_line_no=1, item_no=item_no, location_code=WH, quantity=q(1))


async def test_I5_two_concurrent_reservations_of_the_last_unit_cannot_both_succeed(pool):
    item_no = await stocked_item(pool, 1)

    async with UnitOfWork(pool) as first:
        await apply(first, reserve(item_no, "SO-1"))
        # The second message (another partition, another instance) waits for the item+location lock...
        second = asyncio.create_task(run(pool, reserve(item_no, "SO-2")))
        await until_a_transaction_waits_for_a_lock(pool)
        assert not second.done()
        await first.commit()

    # ...and then sees the first reservation: the last unit is gone.
    with pytest.raises(InsufficientAvailabilityError):
        await second
    assert await pool.fetchval("SELECT reserved FROM location_totals WHERE item_no = $1", item_no) == 1


async def until_a_transaction_waits_for_a_lock(pool: asyncpg.Pool) -> None:
    for _ in range(200):
        if await pool.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no transaction ever waited for the stock lock")


async def test_I1_item_ledger_entries_are_append_only(pool):
    item_no = await stocked_item(pool, 5)
    entry_no = await pool.fetchval("SELECT entry_no FROM item_ledger_entry WHERE item_no = $1", item_no)

    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await pool.execute("UPDATE item_ledger_entry SET quantity = 7 WHERE entry_no = $1", entry_no)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await pool.execute("DELETE FROM item_ledger_entry WHERE entry_no = $1", entry_no)
    await pool.execute("UPDATE item_ledger_entry SET remaining_quantity = 5 WHERE entry_no = $1", entry_no)


async def test_I7_a_reservation_publishes_the_demands_reservation_total(pool):
    item_no = await stocked_item(pool, 5)

    facts = await run(pool, reserve(item_no, "SO-1"))

    # ... followed by what it did to availability (A1).
    assert facts == [inv.ReservationCreated.TYPE, inv.DemandReservationChanged.TYPE, inv.AvailabilityChanged.TYPE]


def receipt(item_no: str, receipt_no: str, quantity: int) -> wh.ReceiptPosted:
    return wh.ReceiptPosted(
        receipt_no=receipt_no, put_away_no=f"PA-{receipt_no}", location_code=WH, item_no=item_no, posting_date=TODAY,
        lines=(wh.PostedLineFact(document_line_no=1, source_type="purchase_order", source_no="PO-1", source_line_no=1,
                                 variant="", bin_code="R", quantity=q(quantity)),),
    )


async def entry_nos(pool: asyncpg.Pool, item_no: str) -> list[int]:
    rows = await pool.fetch("SELECT entry_no FROM item_ledger_entry WHERE item_no = $1 ORDER BY entry_no", item_no)
    return [row["entry_no"] for row in rows]


async def test_ID2_postings_of_different_items_do_not_wait_for_each_other(pool):
    first_item, other_item = await stocked_item(pool, 1), await stocked_item(pool, 1)

    async with UnitOfWork(pool) as first:
        await apply(first, receipt(first_item, "R-2", 3))
        # The first posting's transaction is still open: the other item's posting commits meanwhile.
        await asyncio.wait_for(run(pool, receipt(other_item, "R-2", 4)), timeout=10)
        assert len(await entry_nos(pool, other_item)) == 2
        await first.commit()

    first_entries, other_entries = await entry_nos(pool, first_item), await entry_nos(pool, other_item)
    assert len(first_entries) == 2 and not set(first_entries) & set(other_entries)


async def test_I2_a_posting_of_the_same_stock_waits_and_its_entries_come_after_the_earlier_ones(pool):
    item_no = await stocked_item(pool, 1)

    async with UnitOfWork(pool) as first:
        await apply(first, receipt(item_no, "R-2", 3))
        second = asyncio.create_task(run(pool, receipt(item_no, "R-3", 4)))
        await until_a_transaction_waits_for_a_lock(pool)
        assert not second.done()
        await first.commit()
    await second

    received = await pool.fetch(
        "SELECT document_no FROM item_ledger_entry WHERE item_no = $1 ORDER BY entry_no", item_no)
    assert [row["document_no"] for row in received] == ["R-1", "R-2", "R-3"]


# asyncpg looks a type up once per connection (here the arrays of `unnest`): not the use case's statements.
TYPE_INTROSPECTION = ("typeinfo_tree", "current_setting('jit')", "set_config('jit'")


async def statements(pool: asyncpg.Pool, message: Message) -> list[str]:
    """Every statement the use case sends, as asyncpg sends it (an `executemany` is one pipelined batch)."""
    sent: list[str] = []

    def record(query: asyncpg.connection.LoggedQuery) -> None:
        if not any(marker in query.query for marker in TYPE_INTROSPECTION):
            sent.append(query.query)

    async with UnitOfWork(pool) as uow:
        uow.conn.add_query_logger(record)
        try:
            await apply(uow, message)
        finally:
            uow.conn.remove_query_logger(record)
        await uow.commit()
    return sent


def loads(sent: list[str]) -> list[str]:
    """The statements before the first one that is not a SELECT: how the use case loads its state."""
    writes = [n for n, query in enumerate(sent) if query.split()[0].upper() != "SELECT"]
    return sent[: writes[0] if writes else len(sent)]


def totals_writes(sent: list[str]) -> list[str]:
    return [query for query in sent if "_totals" in query and query.split()[0].upper() != "SELECT"]


def shipment(item_no: str, order: str, quantity: int) -> wh.ShipmentPosted:
    return wh.ShipmentPosted(
        shipment_no=f"SH-{order}", location_code=WH, item_no=item_no, posting_date=TODAY,
        lines=(wh.PostedLineFact(document_line_no=1, source_type="sales_order", source_no=order, source_line_no=1,
                                 variant="", bin_code="S", quantity=q(quantity)),),
    )


async def test_Z1_a_use_case_loads_its_state_in_at_most_three_statements(pool):
    item_no = await stocked_item(pool, 5)

    sent = {
        "reserve": await statements(pool, reserve(item_no, "SO-1")),
        "post a receipt": await statements(pool, receipt(item_no, "R-2", 3)),
        "post a shipment": await statements(pool, shipment(item_no, "SO-1", 1)),
    }

    print({use_case: (len(loads(queries)), len(queries)) for use_case, queries in sent.items()})
    assert {use_case: len(loads(queries)) <= 3 for use_case, queries in sent.items()} == dict.fromkeys(sent, True)
    # The maintained totals of all four tables: added in one statement; rows that came to nothing pruned in another,
    # sent only when one may have (the shipment consumed SO-1's reservation: its reserved row comes to zero).
    assert {use_case: len(totals_writes(queries)) for use_case, queries in sent.items()} == {
        "reserve": 1, "post a receipt": 1, "post a shipment": 2}


# --- Z1: a message loads the stock it names, not the item's whole stock at the location -----------
def is_scoped_load(query: str) -> bool:
    return "AS open_entries" in query and "unnest($4::text[]" in query


def is_whole_load(query: str) -> bool:
    return "AS open_entries" in query and "unnest($4::text[]" not in query


async def serial_stock(pool: asyncpg.Pool, serials: list[str]) -> str:
    item_no = f"SER-{uuid.uuid4().hex[:8]}"
    await run(pool, inv.RegisterItem(item_no=item_no, base_unit="PCS", tracking_policy="serial"))
    await run(pool, wh.LocationConfigured(
        location_code=WH, zones=(), bins=(), receive_bin="R", ship_bin="S", adjustment_bin="A", pick_by_fefo=False))
    await run(pool, wh.ReceiptPosted(
        receipt_no="R-1", put_away_no="PA-1", location_code=WH, item_no=item_no, posting_date=TODAY,
        lines=tuple(wh.PostedLineFact(document_line_no=n, source_type="purchase_order", source_no="PO-1",
                                      source_line_no=1, variant="", bin_code="R", serial=serial, quantity=q(1))
                    for n, serial in enumerate(serials, 1)),
    ))
    return item_no


def serial_shipment(item_no: str, order: str, serial: str) -> wh.ShipmentPosted:
    return wh.ShipmentPosted(
        shipment_no=f"SH-{order}", location_code=WH, item_no=item_no, posting_date=TODAY,
        lines=(wh.PostedLineFact(document_line_no=1, source_type="sales_order", source_no=order, source_line_no=1,
                                 variant="", bin_code="S", serial=serial, quantity=q(1)),),
    )


async def test_Z1_a_shipment_of_one_serial_loads_that_serial_not_the_300_beside_it(pool):
    serials = [f"SN-{n:03}" for n in range(1, 301)]
    item_no = await serial_stock(pool, serials)

    sent = await statements(pool, serial_shipment(item_no, "SO-1", "SN-150"))

    assert [is_scoped_load(query) for query in sent].count(True) == 1
    assert not any(map(is_whole_load, sent))
    open_serials = await pool.fetch("SELECT serial_no FROM item_ledger_entry WHERE item_no = $1 AND open", item_no)
    assert sorted(row["serial_no"] for row in open_serials) == [s for s in serials if s != "SN-150"]
    totals = await pool.fetchrow("SELECT inventory FROM location_totals WHERE item_no = $1", item_no)
    assert totals["inventory"] == 299


async def test_Z1_a_shipment_that_must_move_another_demands_reservation_loads_the_whole_stock_and_moves_it(pool):
    item_no = await serial_stock(pool, ["SN-1", "SN-2", "SN-3"])
    await run(pool, reserve(item_no, "SO-1"))  # nonspecific: it sits on the first serial, SN-1
    assert await pool.fetchval("SELECT serial_no FROM reservation WHERE item_no = $1", item_no) == "SN-1"

    # SO-2 ships SN-1: SO-1's promise must move to other stock, which the shipment's scope did not load.
    sent = await statements(pool, serial_shipment(item_no, "SO-2", "SN-1"))

    assert list(map(is_scoped_load, sent)).count(True) == 1
    assert list(map(is_whole_load, sent)).count(True) == 1
    moved = await pool.fetch("SELECT source_no, serial_no, quantity FROM reservation WHERE item_no = $1", item_no)
    assert [(row["source_no"], row["serial_no"], row["quantity"]) for row in moved] == [("SO-1", "SN-2", 1)]
    totals = await pool.fetchrow("SELECT inventory, reserved FROM location_totals WHERE item_no = $1", item_no)
    assert (totals["inventory"], totals["reserved"]) == (2, 1)
