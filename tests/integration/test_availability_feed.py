"""The availability feed (A1) as an order system uses it, through both real services.

The order system is written the way its integrators would write it, from the AsyncAPI document
alone: a plain aiokafka consumer in a group of its own, subscribed to `inventory.events.v1`, reading
`ce_type` from the headers and the JSON value, nothing of this project's code. After every step the
figures it received equal what `GET /availability/{item}` answers at that moment.
"""

import asyncio
import json
import time
from decimal import Decimal

from aiokafka import AIOKafkaConsumer

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.topics import INVENTORY_COMMANDS
from tests.cli.operator import slt
from tests.support.ids import unique
from tests.support.journey import Journey
from tests.support.warehouse import SOON, lot, serial

D = Decimal
FEED_TOPIC, FEED_TYPE = "inventory.events.v1", "inventory.availability.changed.v1"
FIGURES = ("inventory", "on_picks_and_movements", "reserved", "in_outbound_bins", "adjustment_bin_positive",
           "reserved_and_allocated_same_demand", "blocked", "available_to_reserve")


class OrderSystem:
    """Subscribes to the feed and keeps every AvailabilityChanged about one item, with its key and headers."""

    def __init__(self, bootstrap: str, item_no: str) -> None:
        self.item_no = item_no
        self.seen: list[tuple[str, dict[str, str], dict]] = []
        self._consumer = AIOKafkaConsumer(
            FEED_TOPIC, bootstrap_servers=bootstrap, group_id=unique("order-system"), auto_offset_reset="earliest")

    async def __aenter__(self) -> "OrderSystem":
        await self._consumer.start()
        self._reading = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_: object) -> None:
        self._reading.cancel()
        await self._consumer.stop()

    async def _read(self) -> None:
        async for record in self._consumer:
            headers = {name: value.decode() for name, value in record.headers}
            if headers.get("ce_type") != FEED_TYPE:
                continue
            value = json.loads(record.value)
            if value["item_no"] == self.item_no:
                self.seen.append((record.key.decode(), headers, value))

    async def caused_by(self, causation_id: str, timeout: float = 30.0) -> list[tuple[str, dict]]:
        """(Kafka key, value) of the AvailabilityChanged that one message caused, once the first is here."""
        deadline = time.monotonic() + timeout
        while not (found := self._caused_by(causation_id)):
            assert time.monotonic() < deadline, f"no {FEED_TYPE} caused by {causation_id}; saw {self.seen}"
            await asyncio.sleep(0.05)
        return found

    def _caused_by(self, causation_id: str) -> list[tuple[str, dict]]:
        return [(key, value) for key, headers, value in self.seen if headers.get("ce_causationid") == causation_id]


async def announced_as_answered(journey: Journey, order_system: OrderSystem, causation_id: str) -> dict:
    """The one AvailabilityChanged the message caused, keyed item|location, equal to the read API's answer now."""
    [(key, figures)] = await order_system.caused_by(causation_id)
    assert key == f"{order_system.item_no}|{journey.location}"
    answered = await journey.availability(order_system.item_no)
    assert (figures["location_code"], figures["variant"]) == (journey.location, "")
    assert {name: D(figures[name]) for name in FIGURES} == {name: D(answered[name]) for name in FIGURES}
    return figures


def ids(facts) -> list[str]:
    return [fact.headers["ce_id"] for fact in facts]


async def test_A1_an_order_system_sees_receipt_reservation_pick_and_shipment_with_the_figures_the_api_answers(
        stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    order = unique("SO")
    async with OrderSystem(stack.infra.bootstrap, item_no) as order_system:
        # Receipt (S1): 10 arrive.
        posted = await journey.receive(item_no, [lot("L1", 10, SOON)])
        receipt_posted = fact_id(kafka, wh.ReceiptPosted, receipt_no=posted["receipt_no"])
        figures = await announced_as_answered(journey, order_system, receipt_posted)
        assert (figures["inventory"], figures["available_to_reserve"]) == ("10", "10")
        await journey.put_away(posted)

        # Reservation (I3): 4 for the order.
        command_id = await journey.send_reserve(item_no, order, 4)
        figures = await announced_as_answered(journey, order_system, command_id)
        assert (figures["reserved"], figures["available_to_reserve"]) == ("4", "6")

        # Pick allocated (S2): 3 on a pick for the same order, reserved and allocated, counted once.
        shipment_no = await journey.shipment(order, (item_no, 3))
        created = (await journey.pick(shipment_no))[item_no]
        pick_created = fact_id(kafka, wh.PickCreated, pick_no=created["pick_no"])
        figures = await announced_as_answered(journey, order_system, pick_created)
        assert (figures["on_picks_and_movements"], figures["reserved_and_allocated_same_demand"]) == ("3", "3")

        # Pick registered (S3): the 3 wait in the ship bin (picked, not shipped); the terms move, the total stays.
        [registered] = ids(await journey.register_all(created))
        figures = await announced_as_answered(journey, order_system, registered)
        assert (figures["on_picks_and_movements"], figures["in_outbound_bins"]) == ("0", "3")
        assert figures["available_to_reserve"] == "6"

        # Shipment (S5): 3 leave the ledger; the reservation's remaining 1 stays.
        [shipped] = ids(await journey.post_shipment(shipment_no))
        figures = await announced_as_answered(journey, order_system, shipped)
        assert (figures["inventory"], figures["in_outbound_bins"], figures["reserved"]) == ("7", "0", "1")
        assert figures["available_to_reserve"] == "6"

        # A block (T4) withdraws the promise on the lot (ID32) and withholds all of it: announced too.
        blocked = await send_block(kafka, inv.BlockTracking, item_no, "L1")
        figures = await announced_as_answered(journey, order_system, blocked)
        assert (figures["reserved"], figures["blocked"], figures["available_to_reserve"]) == ("0", "7", "0")
        # Lifting it changes no totals row, only the blocked term: announced as well.
        unblocked = await send_block(kafka, inv.UnblockTracking, item_no, "L1")
        figures = await announced_as_answered(journey, order_system, unblocked)
        assert (figures["blocked"], figures["available_to_reserve"]) == ("0", "7")


async def test_A1_a_receipt_of_1000_serials_in_two_parts_is_announced_once_per_item_location(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("serial")
    async with OrderSystem(stack.infra.bootstrap, item_no) as order_system:
        await journey.receive(item_no, [serial(f"SN-{n:04}") for n in range(1000)])
        parts = [m for m in kafka.matching(type=wh.ReceiptPosted.TYPE) if m.json()["item_no"] == item_no]
        assert sorted(m.json()["part"] for m in parts) == [1, 2]
        last = next(m for m in parts if m.json()["part"] == 2)

        figures = await announced_as_answered(journey, order_system, last.headers["ce_id"])

        # Parts are published and applied in order on one key: once the last part's announcement is here,
        # an announcement of the first part would have arrived before it.
        assert [value for _, _, value in order_system.seen] == [figures]
        assert (figures["inventory"], figures["available_to_reserve"]) == ("1000", "1000")

    # An operator sees the same with `slt watch`, as the I5 sum.
    watched = await slt(stack, "watch", FEED_TOPIC, "--from-beginning", "--type", FEED_TYPE, "--item", item_no,
                        "--timeout", "20")
    assert watched.exit_code == 0 and "1 record(s)" in watched.out, watched.err
    assert f"{item_no} at {journey.location}: available 1000 = inventory 1000 - on picks 0 - reserved 0" in watched.out


def fact_id(kafka, fact: type[Message], **fields: str) -> str:
    """The id of the warehouse fact of this type with these field values (the test saw it arrive)."""
    return next(m.headers["ce_id"] for m in kafka.matching(type=fact.TYPE)
                if all(m.json()[name] == value for name, value in fields.items()))


async def send_block(kafka, command: type[inv.BlockTracking] | type[inv.UnblockTracking], item_no: str,
                     lot_no: str) -> str:
    message = command(item_no=item_no, lot=lot_no)
    return await kafka.send_command(INVENTORY_COMMANDS, message.TYPE, message.model_dump(mode="json"),
                                    key=message.kafka_key())
