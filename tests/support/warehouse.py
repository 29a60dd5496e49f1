"""Drives the warehouse service the way an outside client does: commands with CloudEvents headers on
`warehouse.commands.v1`, facts read back from `warehouse.events.v1`, HTTP for what has no fact.

Every test makes its own items, locations and document numbers (`unique`), so tests share one stack
without cleaning up.
"""

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_REPLICATION, WAREHOUSE_COMMANDS
from slt_cli.lag import lags
from tests.support.ids import unique
from tests.support.kafka import Client, Received

TODAY = datetime.now(UTC).date()  # the service's today (UTC)
SOON, LATER, MUCH_LATER = (TODAY + timedelta(days=d) for d in (30, 60, 365))
YESTERDAY = TODAY - timedelta(days=1)


def layout(code: str, *extra_bins: dict, pick_by_fefo: bool = True) -> dict:
    """A location with a dock (receive, ship), two pick bins (P-02 ranks higher), a QC bin and the adjustment bin."""
    return {
        "location_code": code,
        "zones": [{"code": "DOCK"}, {"code": "STORE"}, {"code": "VIRTUAL"}],
        "bins": [
            {"code": "R-01", "zone": "DOCK", "types": ["receive"]},
            {"code": "S-01", "zone": "DOCK", "types": ["ship"]},
            {"code": "P-01", "zone": "STORE", "types": ["put_away", "pick"], "ranking": 10},
            {"code": "P-02", "zone": "STORE", "types": ["put_away", "pick"], "ranking": 20},
            {"code": "QC", "zone": "STORE", "types": []},
            {"code": "ADJ", "zone": "VIRTUAL", "types": []},
            *extra_bins,
        ],
        "receive_bin": "R-01", "ship_bin": "S-01", "adjustment_bin": "ADJ", "pick_by_fefo": pick_by_fefo,
    }


def lot(lot_no: str, quantity, expiration: date | None = None, serial: str = "") -> dict:
    """A tracking line: `quantity` of a lot (and serial) with its expiration date."""
    return {"lot": lot_no, "serial": serial, "expiration": expiration.isoformat() if expiration else None,
            "quantity": str(quantity)}


def serial(serial_no: str, expiration: date | None = None, lot_no: str = "") -> dict:
    return lot(lot_no, 1, expiration, serial_no)


def totals(lines) -> dict[tuple[str, str], Decimal]:
    """{(serial, lot): quantity} of fact or HTTP lines, for assertions that ignore decimal notation."""
    return {(line["serial"], line["lot"]): Decimal(line["quantity"]) for line in lines}


def per_item(facts: list[dict]) -> dict[str, dict]:
    """Facts split per item travel on different partitions: their arrival order is not theirs."""
    return {fact["item_no"]: fact for fact in facts}


class Refused(AssertionError):
    """A command the test expected to be carried out was refused."""


class Warehouse:
    def __init__(self, url: str, kafka: Client) -> None:
        self.url = url
        self.kafka = kafka

    # --- commands and their facts -------------------------------------------------------------------
    async def send(self, command: type[Message], data: dict[str, Any]) -> str:
        """Publish a command keyed as its contract says; returns its id."""
        key = "|".join(str(data[name]) for name in command.KEY)
        return await self.kafka.send_command(WAREHOUSE_COMMANDS, command.TYPE, data, key=key)

    async def first_answer(self, command_id: str) -> Received:
        return (await self.kafka.wait_for(causation_id=command_id))[0]

    async def facts_of(self, command_id: str, fact: type[Message], count: int = 1) -> list[dict]:
        """The `count` facts of type `fact` that the command caused; fails at once if it was refused."""
        answer = await self.first_answer(command_id)
        if answer.type == wh.CommandRejected.TYPE:
            raise Refused(f"command {command_id} was refused: {answer.json()}")
        return [m.json() for m in await self.kafka.wait_for(type=fact.TYPE, causation_id=command_id, count=count)]

    async def run(self, command: type[Message], data: dict[str, Any], fact: type[Message],
                  count: int = 1) -> list[dict]:
        return await self.facts_of(await self.send(command, data), fact, count)

    async def parts_of(self, command_id: str, fact: type[Message], timeout: float = 60.0) -> list[dict]:
        """Every part of the one fact of type `fact` (about one item) that the command caused, in part order:
        a fact of more than LINES_PER_PART lines comes in several (Z2)."""
        first = (await self.facts_of(command_id, fact))[0]  # the others may have arrived with it
        found = await self.kafka.wait_for(timeout, first["parts"], type=fact.TYPE, causation_id=command_id)
        return sorted((m.json() for m in found), key=lambda part: part["part"])

    async def refusal_of(self, command_id: str) -> dict:
        answer = await self.first_answer(command_id)
        assert answer.type == wh.CommandRejected.TYPE, f"expected a refusal, got {answer.type}: {answer.json()}"
        return answer.json()

    async def refused(self, command: type[Message], data: dict[str, Any]) -> dict:
        return await self.refusal_of(await self.send(command, data))

    # --- HTTP ---------------------------------------------------------------------------------------
    async def get(self, path: str, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.get(path, params={k: v for k, v in params.items() if v is not None})
        response.raise_for_status()
        return response.json()

    async def eventually(self, path: str, satisfied, timeout: float = 20.0, **params: Any) -> Any:
        """GET until `satisfied(answer)`: replicas and documents without a fact catch up asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = await self.get(path, **params)
                if satisfied(answer):
                    return answer
            except httpx.HTTPStatusError as error:
                if error.response.status_code != 404:
                    raise
                answer = error.response.text
            assert time.monotonic() < deadline, f"{path} {params} never satisfied the test; last answer: {answer}"
            await asyncio.sleep(0.1)

    async def content(self, location_code: str, **filters: Any) -> dict[tuple[str, str, str], Decimal]:
        """{(bin, serial, lot): quantity} of the location's bin content."""
        rows = await self.get("/bin-contents", location_code=location_code, **filters)
        return {(r["bin_code"], r["serial"], r["lot"]): Decimal(r["quantity"]) for r in rows}

    # --- set-up steps -------------------------------------------------------------------------------
    async def register_item(self, item_no: str, policy: str, expiration_required: bool = False,
                            strict_expiration: bool = False) -> None:
        """Items belong to the inventory service; wait until the warehouse has replicated the tracking policy."""
        command = {"item_no": item_no, "base_unit": "PCS", "tracking_policy": policy,
                   "expiration_required": expiration_required, "strict_expiration": strict_expiration}
        await self.kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, command, key=item_no)
        await self.eventually(f"/items/{item_no}/tracking", lambda answer: isinstance(answer, dict))

    async def publish_inventory_fact(self, fact: Message, caused_by: str = "") -> str:
        """What the inventory service would publish, written by hand on the topic the warehouse replicates from
        (`inventory.replication.v1`), optionally as the inventory's answer to the warehouse fact `caused_by`; returns its id."""
        return await self.kafka.send_command(INVENTORY_REPLICATION, fact.TYPE, fact.model_dump(mode="json"),
                                             key=fact.kafka_key(), source="/inventory", causation_id=caused_by)

    async def configure(self, code: str, *extra_bins: dict, pick_by_fefo: bool = True) -> str:
        await self.run(wh.ConfigureLocation, layout(code, *extra_bins, pick_by_fefo=pick_by_fefo),
                       wh.LocationConfigured)
        return code

    async def receive(self, location_code: str, item_no: str, tracking_lines: list[dict]) -> tuple[str, dict]:
        """Release a one-line receipt for the item and post the tracking lines; returns (receipt no, ReceiptPosted)."""
        receipt_no = unique("RC")
        quantity = sum(Decimal(line["quantity"]) for line in tracking_lines)
        await self.run(wh.ReleaseInboundRequest, {
            "receipt_no": receipt_no, "location_code": location_code, "source_no": unique("PO"),
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": str(quantity)}]},
            wh.ReceiptReleased)
        [posted] = await self.run(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
            {"line_no": 1, **line} for line in tracking_lines]}, wh.ReceiptPosted)
        return receipt_no, posted

    async def stock_up(self, location_code: str, item_no: str, tracking_lines: list[dict],
                       bin_code: str = "P-01") -> None:
        """Receive the stock and put all of it away into `bin_code`."""
        _, posted = await self.receive(location_code, item_no, tracking_lines)
        await self.run(wh.RegisterPutAway, {"put_away_no": posted["put_away_no"], "lines": [
            {"line_no": n, "quantity": line["quantity"], "place_bin": bin_code}
            for n, line in enumerate(posted["lines"], start=1)]}, wh.PutAwayRegistered)

    async def shipment(self, location_code: str, item_no: str, quantity, source_no: str | None = None,
                       shipment_no: str | None = None) -> str:
        """Release a one-line shipment (sales order `source_no` line 1); returns its number."""
        shipment_no = shipment_no or unique("SH")
        await self.run(wh.ReleaseOutboundRequest, {
            "shipment_no": shipment_no, "location_code": location_code, "source_no": source_no or unique("SO"),
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": str(quantity)}]},
            wh.ShipmentReleased)
        return shipment_no

    async def pick(self, shipment_no: str) -> dict:
        """Create a pick for the shipment; returns its PickCreated fact."""
        [created] = await self.run(wh.CreatePick, {"pick_no": unique("PK"), "shipment_no": shipment_no},
                                   wh.PickCreated)
        return created


WAREHOUSE_READS_INVENTORY = "warehouse.inventory-facts"  # the consumer group (services/warehouse/subscribers.py)


async def read_by_the_warehouse(bootstrap: str, timeout: float = 180.0) -> None:
    """Wait until the warehouse has read every inventory fact meant for it, so that the next test on this stack
    does not queue behind them. (The inventory's one small fact per serial for the pick and the shipment,
    20,000 here, no longer reaches it: it reads `inventory.replication.v1`, issue 10 point 6.)"""
    deadline = time.monotonic() + timeout
    while behind := sum(row.lag for row in await lags(bootstrap, [WAREHOUSE_READS_INVENTORY])):
        assert time.monotonic() < deadline, f"the warehouse is still {behind} inventory facts behind"
        await asyncio.sleep(0.5)
