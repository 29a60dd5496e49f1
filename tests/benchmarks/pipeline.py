"""The end-to-end pipeline: tracked lines from receipt to the synchronized item ledger.

Per document of `lines_per_document` lot-tracked lines (spread over `items_per_document` items):
release the inbound request and the outbound request, post the receipt (one new lot per line),
register the put-away, reserve each sales line (optional), create the pick, register it in full,
post the shipment; a document is done when inventory has applied the posting of every shipped
item (its `LedgerEntriesPosted` caused by each `ShipmentPosted`). Documents run concurrently in a
window, every step waiting only for the fact that makes the next one valid, as a real client does.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from tests.benchmarks.wire import Fact, Wire

REJECTED = (wh.CommandRejected.TYPE, inv.CommandRejected.TYPE, inv.ReservationRejected.TYPE)
STEP_TIMEOUT = 60.0


class StepFailed(Exception):
    pass


def bench_layout(code: str) -> dict:
    return {
        "location_code": code,
        "zones": [{"code": "DOCK"}, {"code": "STORE"}, {"code": "VIRTUAL"}],
        "bins": [{"code": "R-01", "zone": "DOCK", "types": ["receive"]},
                 {"code": "S-01", "zone": "DOCK", "types": ["ship"]},
                 *({"code": f"P-{n:02}", "zone": "STORE", "types": ["put_away", "pick"], "ranking": n}
                   for n in range(1, 5)),
                 {"code": "ADJ", "zone": "VIRTUAL", "types": []}],
        "receive_bin": "R-01", "ship_bin": "S-01", "adjustment_bin": "ADJ", "pick_by_fefo": True,
    }


class Driver:
    """Sends commands and waits for the facts they cause."""

    def __init__(self, wire: Wire, timeout: float = STEP_TIMEOUT) -> None:
        self.wire = wire
        self.commands = 0
        self.timeout = timeout

    async def command(self, topic: str, model: type, data: dict[str, Any], answer: str, count: int = 1,
                      key: str | None = None) -> list[Fact]:
        """Publish and wait for `count` facts of type `answer` that it caused; a refusal raises StepFailed."""
        ce_id = str(uuid.uuid4())
        return await self.caused(ce_id, answer, count,
                                 send=lambda: self.wire.send(topic, model.TYPE, data,
                                                             key if key is not None else "|".join(
                                                                 str(data[k]) for k in model.KEY), ce_id=ce_id))

    async def caused(self, ce_id: str, answer: str, count: int = 1, send=None) -> list[Fact]:
        future = asyncio.get_running_loop().create_future()
        found: list[Fact] = []

        def route(fact: Fact) -> None:
            if future.done():
                return
            if fact[0] in REJECTED or fact[0] == inv.PostingParked.TYPE:
                future.set_exception(StepFailed(f"{fact[0]}: {fact[1][:400]!r}"))
            elif fact[0] == answer:
                found.append(fact)
                if len(found) == count:
                    future.set_result(found)

        self.wire.on_caused_by(ce_id, route)
        try:
            if send is not None:
                self.commands += 1
                await send()
            try:
                return await asyncio.wait_for(future, self.timeout)
            except TimeoutError:
                raise StepFailed(f"no {count} {answer} for {ce_id} within {self.timeout:.0f}s, "
                                 f"got {len(found)}") from None
        finally:
            self.wire.forget(ce_id)


@dataclass
class PipelineResult:
    lines: int
    documents: int
    seconds: float
    commands: int
    failures: list[str]

    @property
    def lines_per_second(self) -> float:
        """Lines of completed documents per second (a failed document counts for nothing)."""
        return self.lines / self.seconds


async def prepare(driver: Driver, location: str, items: list[str]) -> None:
    """Register the items (inventory owns them; the warehouse replicates them) and configure the location."""
    for start in range(0, len(items), 32):
        await asyncio.gather(*(driver.command(INVENTORY_COMMANDS, inv.RegisterItem,
                                              {"item_no": item, "base_unit": "PCS", "tracking_policy": "lot"},
                                              inv.ItemRegistered.TYPE) for item in items[start:start + 32]))
    await driver.command(WAREHOUSE_COMMANDS, wh.ConfigureLocation, bench_layout(location),
                         wh.LocationConfigured.TYPE)


async def wait_until_replicated(warehouse_url: str, inventory_url: str, location: str, items: list[str],
                                timeout: float = STEP_TIMEOUT) -> None:
    """Each service knows what the other owns (items, the location); StepFailed after `timeout` seconds."""
    import httpx

    async def replicated() -> None:  # polls the other processes' HTTP APIs: nothing to wait on in this one
        async with httpx.AsyncClient() as client:
            for item in items:
                while (await client.get(f"{warehouse_url}/items/{item}/tracking")).status_code != 200:
                    await asyncio.sleep(0.1)
            locations = f"{inventory_url}/locations"
            while location not in {r["location_code"] for r in (await client.get(locations)).json()}:
                await asyncio.sleep(0.1)

    try:
        await asyncio.wait_for(replicated(), timeout)
    except TimeoutError:
        raise StepFailed(f"items or location not replicated between the services within {timeout:.0f}s") from None


class Pipeline:
    def __init__(self, driver: Driver, location: str, items: list[str], lines_per_document: int,
                 items_per_document: int, reserve: bool, seed: int = 7) -> None:
        self.driver = driver
        self.location = location
        self.items = items
        self.lines_per_document = lines_per_document
        self.items_per_document = items_per_document
        self.reserve = reserve
        self.random = random.Random(seed)
        self.run_id = uuid.uuid4().hex[:6]
        self.failures: list[str] = []
        self.documents_done = 0

    async def run(self, documents: int, window: int, seconds: float | None = None) -> PipelineResult:
        """At most `documents` documents, `window` at a time; none is started after `seconds` (if given)."""
        started = time.perf_counter()
        commands, completed = self.driver.commands, 0
        queue = iter(range(documents))

        async def worker() -> None:
            nonlocal completed
            for n in queue:
                try:
                    await self.document(n)
                    completed += 1
                except (StepFailed, TimeoutError) as error:
                    self.failures.append(f"document {n}: {error!r}")
                self.documents_done += 1
                if seconds is not None and time.perf_counter() - started >= seconds:
                    return

        await asyncio.gather(*(worker() for _ in range(min(window, documents))))
        return PipelineResult(completed * self.lines_per_document, completed, time.perf_counter() - started,
                              self.driver.commands - commands, self.failures)

    async def document(self, n: int) -> None:
        d, loc = self.driver, self.location
        receipt_no, shipment_no = f"RC-{self.run_id}-{n}", f"SH-{self.run_id}-{n}"
        items = self.random.sample(self.items, self.items_per_document)
        lines = [(line_no, items[(line_no - 1) % len(items)], self.random.randint(1, 20))
                 for line_no in range(1, self.lines_per_document + 1)]
        request_lines = [{"line_no": no, "source_line_no": no, "item_no": item, "quantity": str(qty)}
                         for no, item, qty in lines]
        inbound = asyncio.ensure_future(d.command(WAREHOUSE_COMMANDS, wh.ReleaseInboundRequest, {
            "receipt_no": receipt_no, "location_code": loc, "source_no": f"PO-{self.run_id}-{n}",
            "lines": request_lines}, wh.ReceiptReleased.TYPE))
        outbound = asyncio.ensure_future(d.command(WAREHOUSE_COMMANDS, wh.ReleaseOutboundRequest, {
            "shipment_no": shipment_no, "location_code": loc, "source_no": f"SO-{self.run_id}-{n}",
            "lines": request_lines}, wh.ShipmentReleased.TYPE))
        try:
            await inbound
            posted = await d.command(WAREHOUSE_COMMANDS, wh.PostReceipt, {
                "receipt_no": receipt_no, "put_away_no": f"{receipt_no}-PA",
                "lines": [{"line_no": no, "lot": f"L{self.run_id}-{n}-{no}", "quantity": str(qty)}
                          for no, _, qty in lines]}, wh.ReceiptPosted.TYPE, count=self.items_per_document)
            await d.command(WAREHOUSE_COMMANDS, wh.RegisterPutAway, {
                "put_away_no": f"{receipt_no}-PA",
                "lines": [{"line_no": no, "quantity": str(qty)} for no, _, qty in lines]},
                wh.PutAwayRegistered.TYPE)
            await outbound
            if not self.reserve:
                for fact in posted:
                    d.wire.forget(fact[2]["ce_id"])
            else:
                # The ledger must hold the receipt before it can be reserved: wait for inventory's entries.
                await asyncio.gather(*(d.caused(fact[2]["ce_id"], inv.LedgerEntriesPosted.TYPE) for fact in posted))
                await asyncio.gather(*(d.command(INVENTORY_COMMANDS, inv.Reserve, {
                    "source_type": "sales_order", "source_no": f"SO-{self.run_id}-{n}", "source_line_no": no,
                    "item_no": item, "location_code": loc, "quantity": str(qty)}, inv.ReservationCreated.TYPE)
                    for no, item, qty in lines))
            created = await d.command(WAREHOUSE_COMMANDS, wh.CreatePick, {
                "pick_no": f"PK-{self.run_id}-{n}", "shipment_no": shipment_no}, wh.PickCreated.TYPE,
                count=self.items_per_document)
            pick_lines = [{"line_no": line["line_no"], "quantity": line["quantity"]}
                          for fact in created for line in json.loads(fact[1])["lines"]]
            await d.command(WAREHOUSE_COMMANDS, wh.RegisterPick, {"pick_no": f"PK-{self.run_id}-{n}",
                                                                  "lines": pick_lines}, wh.PickRegistered.TYPE)
            shipped = await d.command(WAREHOUSE_COMMANDS, wh.PostShipment, {"shipment_no": shipment_no},
                                      wh.ShipmentPosted.TYPE, count=self.items_per_document)
            await asyncio.gather(*(d.caused(fact[2]["ce_id"], inv.LedgerEntriesPosted.TYPE) for fact in shipped))
        finally:
            for pending in (inbound, outbound):
                if not pending.done():
                    pending.cancel()


def make_wire(bootstrap: str) -> Wire:
    return Wire(bootstrap, [WAREHOUSE_EVENTS, INVENTORY_EVENTS],
                stash_types=frozenset({inv.LedgerEntriesPosted.TYPE, inv.PostingParked.TYPE}))
