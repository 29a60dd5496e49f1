"""The journey both services' end-to-end tests walk: the commands order systems and operators send, each
step waiting on the facts that answer it (by causation id) or on the read APIs, never on the clock."""

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.topics import INVENTORY_COMMANDS
from tests.support.ids import unique
from tests.support.kafka import Client, Received
from tests.support.warehouse import TODAY, Refused, Warehouse

D = Decimal
SOONEST = TODAY + timedelta(days=10)
BREAKDOWN_SIGNS = {  # I5, as the breakdown explains it: what each figure does to available to reserve
    "inventory": 1, "on_picks_and_movements": -1, "reserved": -1, "in_outbound_bins": -1,
    "adjustment_bin_positive": -1, "reserved_and_allocated_same_demand": 1, "own_allocation_not_reserved": 1,
    "blocked": -1,
}


class Journey:
    """One location, its items and the demands that want them, with both services really running."""

    def __init__(self, stack, kafka: Client) -> None:
        self.kafka = kafka
        self.warehouse = Warehouse(stack.warehouse.url, kafka)
        self.inventory_url = stack.inventory.url
        self.location = unique("WH")

    async def start(self) -> "Journey":
        """The warehouse configures the location; inventory learns it from the warehouse's fact."""
        await self.warehouse.configure(self.location)
        await self.until(lambda: self.inventory("/locations"),
                         lambda rows: self.location in {row["location_code"] for row in rows})
        return self

    async def item(self, policy: str, expiration_required: bool = False, strict: bool = False) -> str:
        """Registered in inventory (the owner); the warehouse replicates the tracking policy."""
        item_no = unique("ITEM")
        await self.warehouse.register_item(item_no, policy, expiration_required, strict)
        return item_no

    # --- warehouse commands and the facts they cause -------------------------------------------------
    async def facts(self, command_id: str, fact: type[Message], count: int = 1) -> list[Received]:
        """The warehouse facts a command caused (refused: fails at once), with their headers."""
        answer = await self.warehouse.first_answer(command_id)
        if answer.type == wh.CommandRejected.TYPE:
            raise Refused(f"command {command_id} was refused: {answer.json()}")
        return await self.kafka.wait_for(type=fact.TYPE, causation_id=command_id, count=count)

    async def run(self, command: type[Message], data: dict, fact: type[Message], count: int = 1) -> list[Received]:
        return await self.facts(await self.warehouse.send(command, data), fact, count)

    async def answered(self, facts: list[Received], answer: type[Message], count: int = 1) -> list[dict]:
        """What inventory published in reply to each of the warehouse's facts."""
        replies = []
        for fact in facts:
            found = await self.kafka.wait_for(type=answer.TYPE, causation_id=fact.headers["ce_id"], count=count)
            replies += [message.json() for message in found]
        return replies

    async def receive(self, item_no: str, lines: list[dict], vendor_no: str = "") -> dict:
        """W2/S1: release and post a receipt; the inventory ledger has its entries when this returns."""
        receipt_no = unique("RC")
        quantity = sum(D(line["quantity"]) for line in lines)
        await self.run(wh.ReleaseInboundRequest, {
            "receipt_no": receipt_no, "location_code": self.location, "source_no": unique("PO"), "vendor_no": vendor_no,
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": str(quantity)}]},
            wh.ReceiptReleased)
        posted = await self.run(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
            {"line_no": 1, **line} for line in lines]}, wh.ReceiptPosted)
        await self.answered(posted, inv.LedgerEntriesPosted)
        return posted[0].json()

    async def put_away(self, posted: dict, *places: tuple[int, Any, str]) -> None:
        """(put-away line, quantity, bin) per line; all of every line into P-01 when none are given."""
        places = places or tuple((n, line["quantity"], "P-01") for n, line in enumerate(posted["lines"], 1))
        await self.run(wh.RegisterPutAway, {"put_away_no": posted["put_away_no"], "lines": [
            {"line_no": n, "quantity": str(quantity), "place_bin": bin_code} for n, quantity, bin_code in places]},
            wh.PutAwayRegistered)

    async def stock_up(self, item_no: str, lines: list[dict]) -> None:
        await self.put_away(await self.receive(item_no, lines))

    async def shipment(self, order: str, *lines: tuple[str, Any], customer_no: str = "") -> str:
        """Release the sales order's lines (item, quantity), line n of the order on shipment line n."""
        shipment_no = unique("SH")
        await self.run(wh.ReleaseOutboundRequest, {
            "shipment_no": shipment_no, "location_code": self.location, "source_no": order,
            "customer_no": customer_no, "lines": [
                {"line_no": n, "source_line_no": n, "item_no": item_no, "quantity": str(quantity)}
                for n, (item_no, quantity) in enumerate(lines, 1)]}, wh.ShipmentReleased)
        return shipment_no

    async def pick(self, shipment_no: str, items: int = 1) -> dict[str, dict]:
        """Create a pick; its PickCreated per item."""
        created = await self.run(wh.CreatePick, {"pick_no": unique("PK"), "shipment_no": shipment_no},
                                 wh.PickCreated, items)
        return {fact.json()["item_no"]: fact.json() for fact in created}

    async def register_pick(self, pick_no: str, lines: list[dict], items: int = 1) -> list[Received]:
        return await self.run(wh.RegisterPick, {"pick_no": pick_no, "lines": lines}, wh.PickRegistered, items)

    async def register_all(self, created: dict) -> list[Received]:
        return await self.register_pick(created["pick_no"], [
            {"line_no": line["line_no"], "quantity": line["quantity"]} for line in created["lines"]])

    async def post_shipment(self, shipment_no: str, items: int = 1) -> list[Received]:
        """W4/S5: the inventory ledger has the sale entries when this returns."""
        shipped = await self.run(wh.PostShipment, {"shipment_no": shipment_no}, wh.ShipmentPosted, items)
        await self.answered(shipped, inv.LedgerEntriesPosted)
        return shipped

    # --- reservations (inventory commands) -----------------------------------------------------------
    def demand(self, order: str, line: int = 1) -> dict:
        return {"source_type": "sales_order", "source_no": order, "source_line_no": line}

    async def send_reserve(self, item_no: str, order: str, quantity: Any, line: int = 1, **options: Any) -> str:
        command = inv.Reserve(**self.demand(order, line), item_no=item_no, location_code=self.location,
                              quantity=D(str(quantity)), **options)
        return await self.kafka.send_command(INVENTORY_COMMANDS, command.TYPE, command.model_dump(mode="json"),
                                             key=command.kafka_key())

    async def reserve(self, item_no: str, order: str, quantity: Any, line: int = 1, **options: Any) -> dict:
        """I3: reserved, and the warehouse's replica (I7) holds the demand's new totals."""
        command_id = await self.send_reserve(item_no, order, quantity, line, **options)
        [answer] = await self.kafka.wait_until(
            lambda m: m.headers.get("causation_id") == command_id
            and m.type in (inv.ReservationCreated.TYPE, inv.CommandRejected.TYPE), describe=f"answer to {command_id}")
        assert answer.type == inv.ReservationCreated.TYPE, f"reservation refused: {answer.json()}"
        # The demand's new totals follow: at location level, and for a specific one at its serial/lot too.
        specific = bool(options.get("lot") or options.get("serial"))
        totals = await self.kafka.wait_for(type=inv.DemandReservationChanged.TYPE, causation_id=command_id,
                                           count=1 + specific)
        await self.replicated(item_no, [m.json() for m in totals])
        return answer.json()

    async def replicated(self, item_no: str, totals: list[dict]) -> None:
        """Wait until the warehouse's replica shows these DemandReservationChanged values."""
        def shown(rows: list[dict]) -> bool:
            held = {(r["source_no"], r["serial"], r["lot"]): D(r["reserved"]) for r in rows}
            return all(held.get((t["source_no"], t["serial"], t["lot"]), D(0)) == D(t["reserved"]) for t in totals)

        await self.warehouse.eventually(f"/locations/{self.location}/items/{item_no}/demands", shown)

    # --- reading the inventory service ---------------------------------------------------------------
    async def inventory(self, path: str, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.inventory_url) as client:
            response = await client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    async def availability(self, item_no: str) -> dict:
        """I5 at the location with its breakdown (all zeros before any stock arrived)."""
        rows = (await self.inventory(f"/availability/{item_no}", location=self.location))["locations"]
        return rows[0] if rows else {"available_to_reserve": "0", "tracking": []}

    async def settled(self, item_no: str, **figures: Any) -> dict:
        """Wait until the breakdown shows these figures: facts without a reply are applied asynchronously."""
        return await self.until(
            lambda: self.availability(item_no),
            lambda row: all(D(row.get(name, "0")) == D(str(value)) for name, value in figures.items()))

    async def ledger(self, item_no: str) -> list[tuple]:
        entries = (await self.inventory(f"/items/{item_no}/ledger-entries", location=self.location))["entries"]
        return [(e["entry_type"], e["serial_no"], e["lot_no"], D(e["quantity"]), D(e["remaining_quantity"]))
                for e in entries]

    async def reserved_lots(self, order: str) -> dict[str, Decimal]:
        """{lot: quantity} the demand's reservations sit on (inventory's own rows)."""
        demand = self.demand(order)
        line = await self.inventory(f"/demands/{demand['source_type']}/{demand['source_no']}/1")
        lots: dict[str, Decimal] = {}
        for row in line["reservations"]:
            lots[row["lot_no"]] = lots.get(row["lot_no"], D(0)) + D(row["quantity"])
        return lots

    async def reconcile(self, items: int) -> list[dict]:
        """S7: the warehouse reports its bin totals, inventory compares them with its ledger."""
        request_id = unique("S7")
        reported = await self.run(wh.ReportBinTotals, {"request_id": request_id, "location_code": self.location},
                                  wh.BinTotalsReported, items)
        return await self.answered(reported, inv.ReconciliationReported)

    @staticmethod
    async def until(read: Callable, holds: Callable[[Any], bool], timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while not holds(value := await read()):
            assert time.monotonic() < deadline, f"still {value} after {timeout}s"
            await asyncio.sleep(0.05)
        return value


def allocated(created: dict) -> list[tuple[str, str, Decimal]]:
    return [(line["take_bin"], line["lot"], D(line["quantity"])) for line in created["lines"]]


def payload(message: Received) -> dict:
    """The JSON value of a message; {} for the hostile bytes other tests publish."""
    try:
        value = message.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def about(kafka: Client, fact: type[Message], item_no: str) -> list[dict]:
    """Every fact of this type published so far about the item."""
    return [payload(m) for m in kafka.matching(type=fact.TYPE) if payload(m).get("item_no") == item_no]


def adds_up(breakdown: dict) -> bool:
    """The breakdown explains its result: every figure, signed as I5 uses it, sums to available to reserve."""
    figures = sum(sign * D(breakdown.get(name, "0")) for name, sign in BREAKDOWN_SIGNS.items())
    return figures == D(breakdown["available_to_reserve"])
