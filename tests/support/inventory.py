"""A plain Kafka client that plays the order system and the warehouse for the inventory service.

Commands and warehouse facts are built from the contract models and published as JSON with
hand-written CloudEvents headers and the contract's key, as any outside producer would. Every
journey gets its own item and location, so tests never see each other's stock.
"""

import asyncio
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.topics import INVENTORY_COMMANDS, WAREHOUSE_EVENTS
from tests.support.ids import unique
from tests.support.kafka import Client

TODAY = date(2030, 1, 1)
EXPIRES = date(2031, 1, 1)


def register_item(item_no: str, policy: str = "lot") -> dict:
    """The body of a RegisterItem command as an outside producer writes it."""
    return {"item_no": item_no, "base_unit": "PCS", "tracking_policy": policy,
            "expiration_required": True, "strict_expiration": False}


def q(value: Any) -> Decimal:
    return Decimal(str(value))


def figures(row: dict, *names: str) -> tuple:
    """Some figures of an availability row, e.g. `figures(row, "reserved", "available_to_reserve")`."""
    return tuple(row[name] for name in names)


def locations(rows: list[dict]) -> set[str]:
    return {row["location_code"] for row in rows}


class Journey:
    """One item at one location, the demands that want it and the warehouse that handles it."""

    def __init__(self, kafka: Client, inventory_url: str, policy: str = "lot") -> None:
        self.kafka = kafka
        self.url = inventory_url
        self.item_no = unique("ITEM")
        self.location = unique("WH")
        self.policy = policy

    async def start(self) -> "Journey":
        """The item is registered and the warehouse has announced the location."""
        registered = await self.command(
            inv.RegisterItem(item_no=self.item_no, base_unit="PCS", tracking_policy=self.policy)
        )
        await self.kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=registered)
        await self.fact(wh.LocationConfigured(
            location_code=self.location, zones=(), bins=(), receive_bin="R-01", ship_bin="S-01",
            adjustment_bin="ADJ", pick_by_fefo=False,
        ))
        await self.until(lambda: self.get("/locations"), lambda rows: self.location in locations(rows))
        return self

    # --- sending ---------------------------------------------------------------------------------
    async def command(self, command: Message, ce_id: str | None = None) -> str:
        return await self.kafka.send_command(
            INVENTORY_COMMANDS, command.TYPE, command.model_dump(mode="json"), key=command.kafka_key(), ce_id=ce_id
        )

    async def fact(self, fact: Message, ce_id: str | None = None) -> str:
        """Publish a warehouse fact as the warehouse would (its ce_source); the same `ce_id` again is a redelivery."""
        return await self.kafka.send_command(
            WAREHOUSE_EVENTS, fact.TYPE, fact.model_dump(mode="json"), key=fact.kafka_key(), ce_id=ce_id,
            source="/warehouse",
        )

    async def answer(self, ce_id: str, fact_type: type[Message], count: int = 1) -> list[dict]:
        """The facts of `fact_type` that message `ce_id` caused."""
        found = await self.kafka.wait_for(type=fact_type.TYPE, causation_id=ce_id, count=count)
        return [message.json() for message in found]

    def caused(self, ce_id: str, fact_type: type[Message]) -> list[dict]:
        """What has arrived so far (after waiting on a later fact of the same message)."""
        return [message.json() for message in self.kafka.matching(type=fact_type.TYPE, causation_id=ce_id)]

    # --- the order system ------------------------------------------------------------------------
    def demand(self, order: str, line: int = 1) -> dict:
        return {"source_type": "sales_order", "source_no": f"{order}-{self.item_no}", "source_line_no": line}

    def stock(self) -> dict:
        return {"item_no": self.item_no, "location_code": self.location}

    async def reserve(self, order: str, quantity: Any, **options: Any) -> str:
        return await self.command(inv.Reserve(**self.demand(order), **self.stock(), quantity=q(quantity), **options))

    async def reserved(self, order: str, quantity: Any, **options: Any) -> dict:
        """Reserve and wait until it is granted."""
        [created] = await self.answer(await self.reserve(order, quantity, **options), inv.ReservationCreated)
        return created

    # --- the warehouse ---------------------------------------------------------------------------
    async def receive(self, receipt_no: str, *lots: tuple[str, Any], ce_id: str | None = None) -> str:
        """S1: a posted receipt, one line per lot (untracked items: lot "")."""
        fact = wh.ReceiptPosted(
            receipt_no=receipt_no, put_away_no=f"{receipt_no}-PA", location_code=self.location,
            item_no=self.item_no, posting_date=TODAY,
            lines=tuple(self._posted(number, quantity, line_no, "purchase_order", receipt_no, "R-01")
                        for line_no, (number, quantity) in enumerate(lots, 1)),
        )
        return await self.fact(fact, ce_id)

    async def create_pick(self, pick_no: str, order: str, *lots: tuple[str, Any], ce_id: str | None = None) -> str:
        return await self.fact(wh.PickCreated(
            pick_no=pick_no, shipment_no=f"SH-{order}", location_code=self.location, item_no=self.item_no,
            lines=self._allocated(order, lots),
        ), ce_id)

    async def cancel_pick(self, pick_no: str, order: str, *lots: tuple[str, Any]) -> str:
        return await self.fact(wh.PickCancelled(
            pick_no=pick_no, shipment_no=f"SH-{order}", location_code=self.location, item_no=self.item_no,
            lines=self._allocated(order, lots),
        ))

    async def register_pick(
        self, pick_no: str, order: str, *picked: tuple[str, Any, str], ce_id: str | None = None
    ) -> str:
        """S3: (picked lot, quantity, proposed lot) per line; the picker may scan another lot (W6)."""
        return await self.fact(wh.PickRegistered(
            pick_no=pick_no, shipment_no=f"SH-{order}", location_code=self.location, item_no=self.item_no,
            lines=tuple(
                wh.RegisteredLineFact(
                    line_no=line_no, **self.demand(order), variant="", take_bin="P-01", place_bin="S-01",
                    lot=number, proposed_lot=proposed, quantity=q(quantity),
                )
                for line_no, (number, quantity, proposed) in enumerate(picked, 1)
            ),
        ), ce_id)

    async def ship(self, order: str, *lots: tuple[str, Any], ce_id: str | None = None) -> str:
        """S5: a posted shipment of what was picked for the order's line 1."""
        shipment_no = f"SH-{order}"
        return await self.fact(wh.ShipmentPosted(
            shipment_no=shipment_no, location_code=self.location, item_no=self.item_no, posting_date=TODAY,
            lines=tuple(self._posted(number, quantity, line_no, "sales_order", f"{order}-{self.item_no}", "S-01")
                        for line_no, (number, quantity) in enumerate(lots, 1)),
        ), ce_id)

    async def reclassify(self, document_no: str, from_lot: str, to_lot: str, quantity: Any) -> str:
        return await self.fact(wh.ReclassificationRegistered(
            document_no=document_no, location_code=self.location, item_no=self.item_no,
            lines=(wh.ReclassifiedLineFact(
                line_no=1, variant="", from_bin="P-01", to_bin="P-01", from_serial="", from_lot=from_lot,
                from_expiration=EXPIRES, to_serial="", to_lot=to_lot, to_expiration=EXPIRES, quantity=q(quantity),
            ),),
        ))

    async def adjust_in_bin(self, document_no: str, lot: str, quantity: Any, ce_id: str | None = None) -> str:
        """W9: found (+) or lost (-) stock in a real bin, balanced in the adjustment bin."""
        return await self.fact(wh.WarehouseAdjustmentRegistered(
            document_no=document_no, location_code=self.location, item_no=self.item_no,
            lines=(wh.AdjustedLineFact(line_no=1, variant="", bin_code="P-01", lot=lot,
                                       expiration=EXPIRES if lot else None, quantity=q(quantity)),),
        ), ce_id)

    async def post_adjustment(self, document_no: str, *lots: tuple[str, Any], ce_id: str | None = None) -> str:
        """W10: the adjustment bin's balances, signed (+ positive adjustment, - negative)."""
        return await self.fact(wh.WarehouseAdjustmentPosted(
            document_no=document_no, location_code=self.location, item_no=self.item_no, posting_date=TODAY,
            lines=tuple(wh.AdjustmentPostingLineFact(variant="", lot=number, expiration=EXPIRES if number else None,
                                                     quantity=q(quantity)) for number, quantity in lots),
        ), ce_id)

    async def report_bin_totals(self, request_id: str, *lots: tuple[str, Any, Any]) -> str:
        """S7: (lot, real bins, adjustment bin) as the warehouse counts them."""
        return await self.fact(wh.BinTotalsReported(
            request_id=request_id, location_code=self.location, item_no=self.item_no, items_in_report=1,
            lines=tuple(wh.BinTotalLine(variant="", serial="", lot=number, real_bins=q(real), adjustment_bin=q(adj))
                        for number, real, adj in lots),
        ))

    def _posted(self, number: str, quantity: Any, line_no: int, source_type: str, source_no: str,
                bin_code: str) -> wh.PostedLineFact:
        return wh.PostedLineFact(
            document_line_no=line_no, source_type=source_type, source_no=source_no, source_line_no=1, variant="",
            bin_code=bin_code, lot=number, expiration=EXPIRES if number else None, quantity=q(quantity),
        )

    def _allocated(self, order: str, lots: tuple[tuple[str, Any], ...]) -> tuple[wh.AllocatedLineFact, ...]:
        return tuple(
            wh.AllocatedLineFact(line_no=line_no, **self.demand(order), variant="", take_bin="P-01", lot=number,
                                 quantity=q(quantity))
            for line_no, (number, quantity) in enumerate(lots, 1)
        )

    # --- reading ---------------------------------------------------------------------------------
    async def get(self, path: str, **params: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.url) as client:
            response = await client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    async def availability(self) -> dict:
        """The location row of the item (zeros before any stock arrived)."""
        [row] = (await self.get(f"/availability/{self.item_no}", location=self.location))["locations"] or [{}]
        return row

    async def available(self) -> Decimal:
        return q((await self.availability()).get("available_to_reserve", 0))

    async def until_available(self, expected: Any) -> dict:
        """Wait until availability settles at `expected` (facts without a reply are applied asynchronously)."""
        return await self.until(self.availability, lambda row: q(row.get("available_to_reserve", 0)) == q(expected))

    async def ledger(self) -> list[dict]:
        return (await self.get(f"/items/{self.item_no}/ledger-entries", location=self.location))["entries"]

    async def until(self, read: Callable, holds: Callable[[Any], bool], timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while not holds(value := await read()):
            assert time.monotonic() < deadline, f"still {value} after {timeout}s"
            await asyncio.sleep(0.1)
        return value

