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
    """One message, one transaction, as the consumer runs it; returns the facts it queued."""
    async with UnitOfWork(pool) as uow:
        await apply(uow, message)
        published = [record.headers for record in uow.outbox.pending]
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

    assert facts == [inv.ReservationCreated.TYPE, inv.DemandReservationChanged.TYPE]
