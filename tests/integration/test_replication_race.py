"""A command right after the fact it depends on in the other service is held, not refused.

The warehouse learns items from the inventory's `ItemRegistered`, the inventory learns locations from
the warehouse's `LocationConfigured`. A command that arrives before that fact is held for
`HOLD_FOR_OTHER_SERVICE_SECONDS` (rolled back and retried), then refused if the fact never came.
"""

import asyncio
import time

from aiokafka.structs import ConsumerRecord

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_COMMANDS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from servicekit.consumer import MessageProcessor, Rejections, Route
from servicekit.database import CORE_MIGRATIONS, apply_migrations, create_pool
from servicekit.metrics import ServiceMetrics
from servicekit.unit_of_work import UnitOfWork
from tests.support.warehouse import Warehouse, layout, unique
from warehouse.domain.errors import UnknownItemError, WarehouseError


async def test_S8_a_receipt_released_right_after_register_item_waits_for_the_item(stack, kafka):
    warehouse = Warehouse(stack.warehouse.url, kafka)
    location, item_no = await warehouse.configure(unique("RACE")), unique("FRESH")
    register = {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "lot", "expiration_required": False}

    # Both commands leave at once: the warehouse may see the receipt before the item's replica.
    await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, register, key=item_no)
    released = await warehouse.run(wh.ReleaseInboundRequest, {
        "receipt_no": unique("RC"), "location_code": location, "source_no": unique("PO"),
        "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": "3"}]}, wh.ReceiptReleased)

    assert released[0]["lines"][0]["item_no"] == item_no


async def test_S8_a_reservation_right_after_configure_location_waits_for_the_location(stack, kafka):
    item_no, location = unique("RES"), unique("NEWLOC")
    register = {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "none", "expiration_required": False}
    registered = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, register, key=item_no)
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=registered)

    await kafka.send_command(WAREHOUSE_COMMANDS, wh.ConfigureLocation.TYPE, layout(location), key=location)
    reserve = {"source_no": unique("SO"), "source_line_no": 1, "item_no": item_no, "location_code": location,
               "quantity": "1"}
    command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.Reserve.TYPE, reserve, key=f"{item_no}|{location}")

    [answer] = await kafka.wait_for(type=inv.CommandRejected.TYPE, causation_id=command_id)
    # Refused for what the location holds (nothing yet), not because the location was unknown.
    assert answer.json()["reason_code"] == "insufficient_availability"


async def test_S8_a_command_whose_item_never_arrives_is_refused_once_its_hold_is_over(stack, kafka):
    pool = await create_pool(await stack.infra.create_database("hold"), 2)
    await apply_migrations(pool, "servicekit", CORE_MIGRATIONS)
    attempts = []

    async def release(uow: UnitOfWork, command: wh.ReleaseInboundRequest, envelope: Envelope) -> None:
        attempts.append(time.perf_counter())
        raise UnknownItemError(f"Item {command.lines[0].item_no} is not registered.")

    rejections = Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, "/warehouse", (WarehouseError,))
    processor = MessageProcessor(pool, "hold-test", [Route(wh.ReleaseInboundRequest, lambda m: m, release)],
                                 wh.COMMANDS, ServiceMetrics(), rejections, hold_for_other_service=1.0)
    body = release_of(unique("NEVER"))
    envelope = Envelope.new(wh.ReleaseInboundRequest.TYPE, "/tests")
    record = ConsumerRecord(WAREHOUSE_COMMANDS, 0, 1, 0, 0, b"k", body, None, 1, len(body), envelope.to_headers())
    started = time.perf_counter()
    try:
        await asyncio.wait_for(processor.process(record), 20)
        async with pool.acquire() as conn:
            queued = await conn.fetch("SELECT header_values FROM outbox")
            claimed = await conn.fetchval("SELECT count(*) FROM inbox WHERE message_id = $1", envelope.id)
    finally:
        await pool.close()

    assert time.perf_counter() - started >= 1.0, "the command was refused before its hold was over"
    assert len(attempts) >= 3, "the command was not tried again while held"
    assert claimed == 1, "the refusal commits the inbox row once"
    assert [b"warehouse.command.rejected.v1" in values for values in (r["header_values"] for r in queued)] == [True]


def release_of(item_no: str) -> bytes:
    return wh.ReleaseInboundRequest(
        receipt_no=unique("RC"), location_code="ANY", source_no=unique("PO"),
        lines=[{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": "1"}],
    ).model_dump_json().encode()
