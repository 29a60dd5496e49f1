"""Races between truly concurrent commands (W1, W5, T2).

A second warehouse instance joins the consumer group, as a scaled-out deployment runs. Each race
publishes its two commands at the same moment on keys whose partitions belong to different instances,
so two processes handle them at once against the same database: exactly one wins, the other is refused
with a reason a client can branch on, and no bin content is lost or goes below zero.
"""

import asyncio
import time
from decimal import Decimal

import pytest_asyncio
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.partitioner import murmur2

from contracts import warehouse as wh
from contracts.base import Message
from contracts.topics import ALL_TOPICS, WAREHOUSE_COMMANDS
from tests.support.ids import unique
from tests.support.kafka import Received
from tests.support.services import ServiceProcess
from tests.support.warehouse import Warehouse, lot, serial

D = Decimal
GROUP = "warehouse.commands"
PARTITIONS = next(t.partitions for t in ALL_TOPICS if t.name == WAREHOUSE_COMMANDS)


async def partitions_per_instance(bootstrap: str) -> list[set[int]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([GROUP])
    finally:
        await admin.close()
    _, _, state, _, _, members = response.groups[0]
    if state != "Stable":
        return []
    # An instance runs several consumers of the group (CONSUMER_PARTITION_WORKERS), all with its client id.
    owned: dict[str, set[int]] = {}
    for _, client_id, _, _, assignment in members:
        owned.setdefault(client_id, set()).update(
            p for topic, partitions in ConsumerProtocolMemberAssignment.decode(assignment).assignment
            if topic == WAREHOUSE_COMMANDS for p in partitions)
    return list(owned.values())


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def instances(stack) -> list[set[int]]:
    """Start a second instance; wait until the group has split the command partitions between the two."""
    second = ServiceProcess("warehouse", stack.warehouse.env, stack.warehouse.log_path.parent)
    await asyncio.to_thread(second.start)
    deadline = time.monotonic() + 60
    while len(owned := await partitions_per_instance(stack.infra.bootstrap)) != 2 or not all(owned):
        assert time.monotonic() < deadline, f"the consumer group never split its partitions: {owned}"
        await asyncio.sleep(0.5)
    yield owned
    await asyncio.to_thread(second.stop)


def partition_of(key: str) -> int:
    """Where the producer's default partitioner puts the key (murmur2, as the Java client)."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % PARTITIONS


def numbers_for_each_instance(prefix: str, instances: list[set[int]]) -> list[str]:
    """One document number per instance, each keyed onto a partition that instance consumes."""
    numbers = []
    for owned in instances:
        number = unique(prefix)
        while partition_of(number) not in owned:
            number = unique(prefix)
        numbers.append(number)
    return numbers


async def race(warehouse: Warehouse, command: type[Message], payloads: list[dict]) -> list[Received]:
    """Publish the commands at the same moment; returns the first answer to each, in payload order."""
    ids = await asyncio.gather(*(warehouse.send(command, payload) for payload in payloads))
    return list(await asyncio.gather(*(warehouse.first_answer(command_id) for command_id in ids)))


def refusals(answers: list[Received]) -> list[str]:
    return [a.json()["reason_code"] for a in answers if a.type == wh.CommandRejected.TYPE]


async def last_unit(warehouse: Warehouse) -> tuple[str, str]:
    bolt, loc = unique("BOLT"), unique("WH")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc)
    await warehouse.stock_up(loc, bolt, [lot("", 1)])
    return bolt, loc


async def test_W5_two_picks_racing_for_the_last_unit_one_wins(warehouse: Warehouse, instances):
    bolt, loc = await last_unit(warehouse)
    shipments = [await warehouse.shipment(loc, bolt, 1, shipment_no=number)
                 for number in numbers_for_each_instance("SH", instances)]

    answers = await race(warehouse, wh.CreatePick,
                         [{"pick_no": unique("PK"), "shipment_no": number} for number in shipments])

    assert refusals(answers) == ["nothing_to_pick"]
    [created] = [a.json() for a in answers if a.type == wh.PickCreated.TYPE]
    assert [(x["take_bin"], D(x["quantity"])) for x in created["lines"]] == [("P-01", D(1))]
    assert await warehouse.content(loc) == {("P-01", "", ""): D(1)}


async def test_W1_two_movements_racing_for_the_last_unit_one_wins(warehouse: Warehouse, instances):
    bolt, loc = await last_unit(warehouse)
    movements = numbers_for_each_instance("MV", instances)
    created = [{"movement_no": number, "location_code": loc,
                "lines": [{"item_no": bolt, "from_bin": "P-01", "to_bin": "P-02", "quantity": "1"}]}
               for number in movements]
    creations = await asyncio.gather(*(warehouse.send(wh.CreateMovement, payload) for payload in created))

    # Registering each on the same key (so after its creation) shows which one exists.
    registered = await race(warehouse, wh.RegisterMovement, [
        {"movement_no": number, "lines": [{"line_no": 1, "quantity": "1"}]} for number in movements])

    assert refusals(registered) == ["document_not_found"]
    [loser] = [c for c, r in zip(creations, registered, strict=True) if r.type == wh.CommandRejected.TYPE]
    [winner] = [c for c in creations if c != loser]
    assert (await warehouse.refusal_of(loser))["reason_code"] == "insufficient_bin_content"
    assert (await warehouse.first_answer(winner)).type == wh.MovementCreated.TYPE
    assert await warehouse.content(loc) == {("P-02", "", ""): D(1)}


async def test_T2_one_serial_received_at_two_locations_at_once_is_in_stock_once(warehouse: Warehouse, instances):
    phone = unique("PHONE")
    await warehouse.register_item(phone, "serial")
    receipts = numbers_for_each_instance("RC", instances)
    for receipt_no in receipts:
        loc = await warehouse.configure(unique("WH"))
        await warehouse.run(wh.ReleaseInboundRequest, {
            "receipt_no": receipt_no, "location_code": loc, "source_no": unique("PO"),
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": phone, "quantity": "1"}]}, wh.ReceiptReleased)

    answers = await race(warehouse, wh.PostReceipt, [
        {"receipt_no": receipt_no, "lines": [{"line_no": 1, **serial("S1")}]} for receipt_no in receipts])

    assert refusals(answers) == ["serial_already_in_stock"]
    assert [(r["bin_code"], r["quantity"]) for r in await warehouse.get("/bin-contents", item_no=phone)] == [
        ("R-01", "1")]
