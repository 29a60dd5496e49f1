"""Z2 at warehouse scale, through both real services: 10,000 serials of one item are received and shipped in
commands that fit the broker's limit, every fact on the topics stays under 1 MB (facts with lines come in parts
of at most LINES_PER_PART), and the inventory's ledger holds exactly one entry per serial each way.

The README ("How big a command may be") says how many serial lines fit in one command; this test sends 5,000
per receipt posting and per pick registration, and ships in two postings of 5,000."""

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_EVENTS
from servicekit.http_api import MAX_PAGE
from tests.support.ids import unique
from tests.support.kafka import Received
from tests.support.warehouse import Warehouse, read_by_the_warehouse

SERIALS = 10_000
PER_COMMAND = 5_000
BROKER_LIMIT = 1_000_000  # bytes; the producer's max_request_size is 1,048,576


def chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), PER_COMMAND):
        yield values[start:start + PER_COMMAND]


async def send(warehouse: Warehouse, command: type[wh.Command], data: dict[str, Any]) -> str:
    """A command that fits: its JSON stays under the broker's limit."""
    assert len(json.dumps(data).encode()) < BROKER_LIMIT, f"{command.TYPE} of {len(data.get('lines', ()))} lines"
    return await warehouse.send(command, data)


async def ledger(inventory_url: str, item_no: str) -> list[dict]:
    """Every ledger entry of the item, page by page."""
    entries: list[dict] = []
    after: int | None = 0
    async with httpx.AsyncClient(base_url=inventory_url, timeout=30) as client:
        while after is not None:
            response = await client.get(f"/items/{item_no}/ledger-entries", params={"after": after,
                                                                                  "limit": MAX_PAGE})
            response.raise_for_status()
            page = response.json()
            entries += page["entries"]
            after = page["next_after"]
    return entries


async def ledger_of_both_ways(inventory_url: str, item_no: str, timeout: float = 120.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while len(entries := await ledger(inventory_url, item_no)) < 2 * SERIALS:
        assert time.monotonic() < deadline, f"the ledger has {len(entries)} entries after {timeout}s"
    return entries


async def receive(warehouse: Warehouse, location: str, item_no: str, serials: list[str]) -> list[dict]:
    """Release one receipt line of all serials, post it in commands that fit and put each posting away."""
    receipt_no = unique("RC")
    await warehouse.run(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": location, "source_no": unique("PO"),
        "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": str(len(serials))}]},
        wh.ReceiptReleased)
    receipts = []
    for chunk in chunks(serials):
        posted = await warehouse.parts_of(await send(warehouse, wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
            {"line_no": 1, "serial": number, "quantity": "1"} for number in chunk]}), wh.ReceiptPosted)
        receipts += posted
        await warehouse.parts_of(await send(warehouse, wh.RegisterPutAway, {
            "put_away_no": posted[0]["put_away_no"],
            "lines": [{"line_no": n, "quantity": "1"} for n in range(1, len(chunk) + 1)]}), wh.PutAwayRegistered)
    return receipts


async def ship(warehouse: Warehouse, location: str, item_no: str) -> list[dict]:
    """Release one shipment line of all serials, pick it, register the pick and post the shipment, each in
    commands that fit."""
    shipment_no = await warehouse.shipment(location, item_no, SERIALS)
    pick_no = unique("PK")
    created = await warehouse.parts_of(await send(warehouse, wh.CreatePick, {
        "pick_no": pick_no, "shipment_no": shipment_no}), wh.PickCreated)
    pick_lines = [line["line_no"] for part in created for line in part["lines"]]
    assert len(pick_lines) == SERIALS
    for chunk in chunks(pick_lines):
        await warehouse.parts_of(await send(warehouse, wh.RegisterPick, {
            "pick_no": pick_no, "lines": [{"line_no": n, "quantity": "1"} for n in chunk]}), wh.PickRegistered)
    shipments = []
    for _ in chunks(pick_lines):
        shipments += await warehouse.parts_of(await send(warehouse, wh.PostShipment, {
            "shipment_no": shipment_no, "lines": [{"line_no": 1, "quantity": str(PER_COMMAND)}]}), wh.ShipmentPosted)
    return shipments


async def test_Z2_10000_serials_received_and_shipped_in_commands_that_fit_make_10000_ledger_entries_each_way(
        stack, kafka, warehouse):
    seen_before = len(kafka.received)
    location = await warehouse.configure(unique("WH"))
    item_no = unique("ITEM")
    await warehouse.register_item(item_no, "serial")
    serials = [f"SN-{number:05}" for number in range(1, SERIALS + 1)]

    receipts = await receive(warehouse, location, item_no, serials)
    shipments = await ship(warehouse, location, item_no)
    entries = await ledger_of_both_ways(stack.inventory.url, item_no)

    # Each posting of 5,000 serials is one fact in ten parts, each a whole header with its part of the lines.
    assert [(p["part"], p["parts"], len(p["lines"])) for p in receipts[:10]] == [(n, 10, 500) for n in range(1, 11)]
    assert [line["serial"] for part in receipts for line in part["lines"]] == serials
    assert sorted(line["serial"] for part in shipments for line in part["lines"]) == serials
    positive = sorted(e["serial_no"] for e in entries if Decimal(e["quantity"]) > 0)
    negative = sorted(e["serial_no"] for e in entries if Decimal(e["quantity"]) < 0)
    assert (len(entries), positive, negative) == (2 * SERIALS, serials, serials)
    published = [m for m in kafka.received[seen_before:] if m.topic in (WAREHOUSE_EVENTS, INVENTORY_EVENTS)]
    assert max(len(m.value) for m in published) < BROKER_LIMIT
    await redelivered_parts_change_nothing(stack, kafka, warehouse, location, item_no)
    await read_by_the_warehouse(stack.infra.bootstrap)


async def redelivered_parts_change_nothing(stack, kafka, warehouse: Warehouse, location: str, item_no: str) -> None:
    """S6 per part: a receipt part and a shipment part delivered again (same record, same ce_id) post nothing
    twice; a bin totals report on the same key afterwards proves both were consumed."""
    key = f"{item_no}|{location}".encode()
    again = [next(m for m in kafka.received if m.key == key and m.type == fact.TYPE and m.json()["part"] == 2)
             for fact in (wh.ReceiptPosted, wh.ShipmentPosted)]
    for record in again:
        await kafka.send(record.topic, record.value, list(record.raw_headers), record.key)
    reported = await send(warehouse, wh.ReportBinTotals, {"request_id": unique("REQ"), "location_code": location,
                                                          "item_nos": [item_no]})
    [totals] = await warehouse.facts_of(reported, wh.BinTotalsReported)
    [reconciled] = await kafka.wait_for(60, type=inv.ReconciliationReported.TYPE, causation_id=ce_id_of(
        next(m for m in kafka.received if m.type == wh.BinTotalsReported.TYPE and m.json() == totals)))
    assert reconciled.json()["differences"] == []
    assert len(await ledger(stack.inventory.url, item_no)) == 2 * SERIALS
    for record in again:  # one LedgerEntriesPosted (in parts of its own: entries and applications are lines)
        answered = [m.json() for m in kafka.matching(type=inv.LedgerEntriesPosted.TYPE, causation_id=ce_id_of(record))]
        assert sorted(fact["part"] for fact in answered) == list(range(1, answered[0]["parts"] + 1))


def ce_id_of(record: Received) -> str:
    return record.headers["ce_id"]
