"""Units of measure (U1-U4) through both real services: an item received in boxes and picked in pieces.

Items, their units and reservations go to the inventory service; receipts, picks and shipments to the
warehouse. Every quantity is stored in base units; the unit it was stated in travels beside it.
"""

import asyncio
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS
from tests.support.ids import unique
from tests.support.kafka import Client
from tests.support.warehouse import Warehouse, serial

D = Decimal
BOX = {"code": "BOX", "quantity_per_base_unit": "12"}
REPLICATION = 60.0
"""Seconds a fact may take to reach the other service: the suite's 10,000-serial tests run just before these and
leave both services busy for a while on a small machine."""


class Units:
    """One location and the calls the tests make to both services."""

    def __init__(self, stack, kafka: Client) -> None:
        self.kafka = kafka
        self.warehouse = Warehouse(stack.warehouse.url, kafka)
        self.inventory_url = stack.inventory.url
        self.location = unique("WH")

    async def start(self) -> "Units":
        await self.warehouse.configure(self.location)
        await self.until(lambda: self.inventory("/locations"),
                         lambda rows: self.location in {row["location_code"] for row in rows})
        return self

    async def item(self, policy: str = "none", *units: dict, precision: str = "1") -> str:
        """Registered in inventory with base unit PCS and `units`; replicated to the warehouse with them."""
        item_no = unique("ITEM")
        command = {"item_no": item_no, "base_unit": "PCS", "tracking_policy": policy,
                   "rounding_precision": precision, "units": list(units)}
        await self.kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, command, key=item_no)
        await self.warehouse.eventually(f"/items/{item_no}/tracking", lambda row: row["base_unit"] == "PCS",
                                        timeout=REPLICATION)
        return item_no

    async def inventory_command(self, command: type[inv.Command], data: dict) -> Any:
        """The inventory's first answer to the command."""
        command_id = await self.kafka.send_command(INVENTORY_COMMANDS, command.TYPE, data,
                                                   key="|".join(str(data[k]) for k in command.KEY))
        return (await self.kafka.wait_for(causation_id=command_id))[0]

    async def receipt(self, item_no: str, quantity: str, unit: str = "") -> tuple[str, dict]:
        """A released one-line receipt; returns its number and the line as ReceiptReleased says it."""
        receipt_no = unique("RC")
        [released] = await self.warehouse.run(wh.ReleaseInboundRequest, {
            "receipt_no": receipt_no, "location_code": self.location, "source_no": unique("PO"),
            "lines": [self._request_line(item_no, quantity, unit)]}, wh.ReceiptReleased)
        return receipt_no, released["lines"][0]

    def _request_line(self, item_no: str, quantity: str, unit: str) -> dict:
        return {"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": quantity, "unit": unit}

    async def inventory(self, path: str, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.inventory_url) as client:
            response = await client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    async def availability(self, item_no: str, **params: Any) -> dict:
        return (await self.inventory(f"/availability/{item_no}", location=self.location, **params))["locations"][0]

    @staticmethod
    async def until(read: Callable, holds: Callable[[Any], bool], timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while not holds(value := await read()):
            assert time.monotonic() < deadline, f"still {value} after {timeout}s"
            await asyncio.sleep(0.05)
        return value


async def units(stack, kafka) -> Units:
    return await Units(stack, kafka).start()


async def test_U1_item_units_are_registered_in_inventory_and_replicated_to_the_warehouse(stack, kafka):
    at = await units(stack, kafka)
    item_no = await at.item("none", BOX, {"code": "PAL", "quantity_per_base_unit": "480", "rounding_precision": "12"})

    registered = await at.inventory(f"/items/{item_no}")
    replica = await at.warehouse.get(f"/items/{item_no}/tracking")

    assert D(registered["rounding_precision"]) == 1
    # BOX names no precision of its own: it takes the base unit's.
    assert [(u["unit_code"], D(u["quantity_per_base_unit"]), D(u["rounding_precision"]))
            for u in registered["units"]] == [("BOX", 12, 1), ("PAL", 480, 12)]
    assert replica["base_unit"] == "PCS"
    assert [(u["code"], D(u["per_base"]), D(u["precision"])) for u in replica["units"]] == [
        ("BOX", 12, 1), ("PAL", 480, 12)]


async def test_U2_U3_received_in_boxes_and_picked_in_pieces(stack, kafka):
    at = await units(stack, kafka)
    item_no = await at.item("none", BOX)

    # Released and received in boxes: base quantities, with the unit beside them, in both services.
    receipt_no, released = await at.receipt(item_no, "2", "BOX")
    [posted] = await at.warehouse.run(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, "quantity": "2", "unit": "BOX"}]}, wh.ReceiptPosted)
    assert (D(released["quantity"]), released["unit_code"], D(released["quantity_per_unit"])) == (24, "BOX", 12)
    assert (D(posted["lines"][0]["quantity"]), posted["lines"][0]["unit_code"]) == (24, "BOX")
    entries = (await at.until(lambda: at.inventory(f"/items/{item_no}/ledger-entries", location=at.location),
                              lambda answer: answer["entries"]))["entries"]
    assert [(D(e["quantity"]), e["unit_code"], D(e["quantity_per_unit"])) for e in entries] == [(24, "BOX", 12)]
    await at.warehouse.run(wh.RegisterPutAway, {"put_away_no": posted["put_away_no"], "lines": [
        {"line_no": 1, "quantity": "2", "unit": "BOX", "place_bin": "P-01"}]}, wh.PutAwayRegistered)

    # Shipped in pieces: 5 PCS picked.
    shipment_no = unique("SH")
    await at.warehouse.run(wh.ReleaseOutboundRequest, {
        "shipment_no": shipment_no, "location_code": at.location, "source_no": unique("SO"),
        "lines": [at._request_line(item_no, "5", "PCS")]}, wh.ShipmentReleased)
    [created] = await at.warehouse.run(wh.CreatePick, {"pick_no": unique("PK"), "shipment_no": shipment_no},
                                       wh.PickCreated)
    await at.warehouse.run(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [
        {"line_no": 1, "quantity": "5", "unit": "PCS"}]}, wh.PickRegistered)

    # U3: bin content and availability in base units; a unit's view beside them.
    assert await at.warehouse.content(at.location, item_no=item_no) == {("P-01", "", ""): 19, ("S-01", "", ""): 5}
    [in_boxes] = await at.warehouse.get("/bin-contents", location_code=at.location, item_no=item_no, bin_code="P-01",
                                        unit="BOX")
    assert (D(in_boxes["quantity"]), D(in_boxes["quantity_in_unit"])) == (19, D("1.583333"))
    row = await at.until(lambda: at.availability(item_no, unit="BOX"),
                         lambda row: D(row["in_outbound_bins"]) == 5)
    assert (D(row["inventory"]), D(row["available_to_reserve"])) == (24, 19)
    assert row["in_unit"]["unit"] == "BOX"
    assert (D(row["in_unit"]["inventory"]), D(row["in_unit"]["available_to_reserve"])) == (2, D("1.583333"))

    # U2 in inventory: a reservation stated in boxes is reserved in pieces.
    reserved = await at.inventory_command(inv.Reserve, {
        "source_type": "sales_order", "source_no": unique("SO"), "source_line_no": 1, "item_no": item_no,
        "location_code": at.location, "quantity": "1", "unit": "BOX"})
    assert reserved.type == inv.ReservationCreated.TYPE, reserved.json()
    assert D(reserved.json()["quantity"]) == 12


async def test_U2_U3_five_boxes_of_a_serial_item_need_sixty_serials(stack, kafka):
    at = await units(stack, kafka)
    item_no = await at.item("serial", BOX)
    receipt_no, released = await at.receipt(item_no, "5", "BOX")
    assert D(released["quantity"]) == 60

    refusal = await at.warehouse.refused(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, "quantity": "5", "unit": "BOX"}]})

    assert refusal["reason_code"] == "serials_lacking"
    assert "5 BOX of serial item" in refusal["message"] and "60 serial numbers are lacking" in refusal["message"]
    # One serial per piece is received.
    [posted] = await at.warehouse.run(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, **serial(f"S{n}"), "unit": "PCS"} for n in range(60)]}, wh.ReceiptPosted)
    assert len(posted["lines"]) == 60


async def test_U2_a_quantity_that_does_not_convert_exactly_is_refused_with_the_nearest_valid_ones(stack, kafka):
    at = await units(stack, kafka)
    item_no = await at.item("none", BOX)

    in_boxes = await at.warehouse.refused(wh.ReleaseInboundRequest, {
        "receipt_no": unique("RC"), "location_code": at.location, "source_no": unique("PO"),
        "lines": [at._request_line(item_no, "1.3", "BOX")]})
    in_pieces = await at.warehouse.refused(wh.ReleaseInboundRequest, {
        "receipt_no": unique("RC"), "location_code": at.location, "source_no": unique("PO"),
        "lines": [at._request_line(item_no, "0.5", "PCS")]})
    unknown = await at.warehouse.refused(wh.ReleaseInboundRequest, {
        "receipt_no": unique("RC"), "location_code": at.location, "source_no": unique("PO"),
        "lines": [at._request_line(item_no, "1", "CASE")]})
    reserve = await at.inventory_command(inv.Reserve, {
        "source_type": "sales_order", "source_no": unique("SO"), "source_line_no": 1, "item_no": item_no,
        "location_code": at.location, "quantity": "0.5", "unit": "PCS"})

    assert in_pieces["reason_code"] == "quantity_not_convertible"
    assert "0.5 PCS" in in_pieces["message"] and "enter 0 PCS or 1 PCS" in in_pieces["message"]
    assert in_boxes["reason_code"] == "quantity_not_convertible"
    assert "1.3 BOX" in in_boxes["message"] and "1.25 BOX (= 15 PCS) or 16 PCS" in in_boxes["message"]
    assert (in_boxes["details"]["nearest_below"], in_boxes["details"]["nearest_above"]) == ("15", "16")
    assert unknown["reason_code"] == "unknown_unit" and "use one of PCS, BOX" in unknown["message"]
    assert reserve.type == inv.CommandRejected.TYPE
    assert reserve.json()["reason_code"] == "quantity_not_convertible"
    assert "enter 0 PCS or 1 PCS" in reserve.json()["message"]


async def test_U4_a_unit_in_use_keeps_its_quantity_per_base_unit(stack, kafka):
    at = await units(stack, kafka)
    item_no = await at.item("none", BOX)
    receipt_no, _ = await at.receipt(item_no, "1", "BOX")
    [posted] = await at.warehouse.run(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, "quantity": "1", "unit": "BOX"}]}, wh.ReceiptPosted)
    await at.until(lambda: at.inventory(f"/items/{item_no}/ledger-entries", location=at.location),
                   lambda answer: answer["entries"])

    changed = await at.inventory_command(inv.SetItemUnits, {
        "item_no": item_no, "units": [{"code": "BOX", "quantity_per_base_unit": "10"}]})
    added = await at.inventory_command(inv.SetItemUnits, {
        "item_no": item_no, "units": [BOX, {"code": "PAL", "quantity_per_base_unit": "480"}]})

    assert changed.type == inv.CommandRejected.TYPE
    assert changed.json()["reason_code"] == "unit_in_use"
    assert "unit BOX changes its quantity per base unit" in changed.json()["message"]
    assert added.type == inv.ItemUnitsSet.TYPE
    assert [(u["code"], D(u["quantity_per_base_unit"])) for u in added.json()["units"]] == [("BOX", 12), ("PAL", 480)]
    await at.warehouse.eventually(f"/items/{item_no}/tracking", lambda row: "PAL" in {u["code"] for u in row["units"]})
    # The warehouse converts with the new unit at once.
    [released] = (await at.warehouse.run(wh.ReleaseInboundRequest, {
        "receipt_no": unique("RC"), "location_code": at.location, "source_no": unique("PO"),
        "lines": [at._request_line(item_no, "1", "PAL")]}, wh.ReceiptReleased))[0]["lines"]
    assert D(released["quantity"]) == 480
    assert posted["lines"][0]["unit_code"] == "BOX"
