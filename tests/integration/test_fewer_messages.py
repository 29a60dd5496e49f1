"""Fewer messages (issue 10, point 6): facts the warehouse reads only to skip no longer reach it.

A serial document makes the inventory publish facts that grow per serial (the serial really picked, the
reservation consumed per shipped serial, the ledger entries); the warehouse acts on none of them. It reads
the inventory's facts from `inventory.replication.v1`, which carries only the ones it replicates.
"""

import re
from collections import Counter

import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS
from slt_cli import kafka as slt_kafka
from slt_cli.lag import lags
from tests.support.ids import unique
from tests.support.warehouse import WAREHOUSE_READS_INVENTORY, Warehouse, read_by_the_warehouse, serial

SERIALS = 400  # one part of each fact (LINES_PER_PART is 500)


async def ignored_by_the_warehouse(warehouse_url: str) -> float:
    """How many inventory facts the warehouse's consumer has taken only to skip them, since it started."""
    async with httpx.AsyncClient(timeout=10) as client:
        metrics = (await client.get(f"{warehouse_url}/metrics")).text
    pattern = rf'^slt_messages_processed_total{{[^}}]*consumer="{WAREHOUSE_READS_INVENTORY}"[^}}]*outcome="ignored"[^}}]*}} (\S+)$'
    return sum(float(value) for value in re.findall(pattern, metrics, re.MULTILINE))


async def what_reaches_the_warehouse(bootstrap: str, item_no: str) -> list[str]:
    """The ce_type of every record about the item on the topics the warehouse's consumer group reads."""
    topics = sorted({row.topic for row in await lags(bootstrap, [WAREHOUSE_READS_INVENTORY])})
    assert topics, "the warehouse's consumer group has committed nothing yet"
    async with slt_kafka.reader(bootstrap, topics, from_beginning=True) as consumer:
        return [record.type async for record in slt_kafka.records(consumer, to_end=True)
                if isinstance(body := record.json(), dict) and body.get("item_no") == item_no]


async def test_Z1_a_serial_document_reaches_the_warehouse_only_with_the_facts_it_replicates(stack, kafka):
    warehouse = Warehouse(stack.warehouse.url, kafka)
    location, item_no, order = await warehouse.configure(unique("WH")), unique("ITEM"), unique("SO")
    await warehouse.register_item(item_no, "serial")
    skipped_before = await ignored_by_the_warehouse(stack.warehouse.url)

    # Received, reserved, picked and shipped: one document of SERIALS serials each way.
    await warehouse.stock_up(location, item_no, [serial(f"SN-{n:04}") for n in range(SERIALS)])
    reserve = inv.Reserve(source_no=order, source_line_no=1, item_no=item_no, location_code=location,
                          quantity=SERIALS)
    reserved = await kafka.send_command(INVENTORY_COMMANDS, reserve.TYPE, reserve.model_dump(mode="json"),
                                        key=reserve.kafka_key())
    await kafka.wait_for(type=inv.ReservationCreated.TYPE, causation_id=reserved)
    shipment_no = await warehouse.shipment(location, item_no, SERIALS, source_no=order)
    created = await warehouse.pick(shipment_no)
    await warehouse.run(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [
        {"line_no": line["line_no"], "quantity": "1"} for line in created["lines"]]}, wh.PickRegistered)
    await warehouse.run(wh.PostShipment, {"shipment_no": shipment_no}, wh.ShipmentPosted)
    [shipped] = [m for m in kafka.matching(type=wh.ShipmentPosted.TYPE) if m.json()["shipment_no"] == shipment_no]
    await kafka.wait_for(type=inv.ReservationsSynchronized.TYPE, causation_id=shipped.headers["ce_id"],
                         count=SERIALS, timeout=60)
    await read_by_the_warehouse(stack.infra.bootstrap)

    # The inventory still publishes its per-serial facts on inventory.events.v1 (v1 readers keep them) ...
    published = Counter(m.type for m in kafka.matching(topic=INVENTORY_EVENTS) if m.json().get("item_no") == item_no)
    assert published[inv.PickedTrackingRecorded.TYPE] == SERIALS
    assert published[inv.ReservationsSynchronized.TYPE] == SERIALS
    # ... but what reaches the warehouse is what it replicates: a handful, whatever the number of serials.
    reaching = Counter(await what_reaches_the_warehouse(stack.infra.bootstrap, item_no))
    assert set(reaching) <= set(inv.REPLICATION), reaching
    assert sum(reaching.values()) <= 5, reaching
    assert reaching[inv.DemandReservationChanged.TYPE] >= 2  # reserved, then consumed by the shipment
    assert await ignored_by_the_warehouse(stack.warehouse.url) == skipped_before
