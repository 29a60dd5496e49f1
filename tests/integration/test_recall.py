"""R1 through both real services: a recall answered from the item ledger and the bin content, over HTTP
and through `slt recall`.

The lot comes from two vendors (two receipts) and goes to three customers (three shipments); the rest stays
in its bin. Every vendor, customer, document and date the recall names is the one the warehouse's commands
and facts named. Transfer orders (X1-X6) do not post on this branch yet: the transfer test writes the two
entries X2 posts for a transfer shipment straight into the item ledger (document type transfer_shipment, the
transfer order's number, one posting), to show how the recall reads entries of type transfer.
"""

import csv
import io
import json
from decimal import Decimal

import asyncpg

from contracts import warehouse as wh
from tests.cli.test_slt_live import slt
from tests.integration.test_journeys_end_to_end import Journey
from tests.support.ids import unique
from tests.support.warehouse import lot, serial

D = Decimal


async def ship(journey: Journey, item_no: str, quantity: int, customer_no: str) -> dict:
    """Release, pick all and post one shipment to the customer; its ShipmentPosted."""
    order = unique("SO")
    shipment_no = await journey.shipment(order, (item_no, quantity), customer_no=customer_no)
    await journey.register_all((await journey.pick(shipment_no))[item_no])
    [posted] = await journey.post_shipment(shipment_no)
    return {**posted.json(), "order": order}


async def lot_from_two_vendors_to_three_customers(journey: Journey) -> tuple[str, str, list[dict], list[dict]]:
    item_no, lot_no = await journey.item("lot"), unique("LOT")
    vendors, customers = [unique("V"), unique("V")], [unique("C"), unique("C"), unique("C")]
    receipts = [await journey.receive(item_no, [lot(lot_no, quantity)], vendor_no=vendor)
                for vendor, quantity in zip(vendors, (10, 8), strict=True)]
    for receipt in receipts:
        await journey.put_away(receipt)  # all of it into P-01
    shipments = [await ship(journey, item_no, quantity, customer)
                 for customer, quantity in zip(customers, (4, 3, 5), strict=True)]
    receipts = [{**r, "vendor_no": v} for r, v in zip(receipts, vendors, strict=True)]
    shipments = [{**s, "customer_no": c} for s, c in zip(shipments, customers, strict=True)]
    return item_no, lot_no, receipts, shipments


async def test_R1_recall_of_a_lot_from_two_vendors_to_three_customers_over_http(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no, lot_no, receipts, shipments = await lot_from_two_vendors_to_three_customers(journey)

    ledger = await journey.inventory("/recall", lot=lot_no, item_no=item_no)
    bins = await journey.warehouse.get("/recall", lot=lot_no)

    assert [(p["entry_type"], p["document_type"], p["document_no"], p["customer_no"], D(p["quantity"]),
             p["posting_date"], p["source_no"], p["location_code"]) for p in ledger["forward"]] == [
        ("sale", "shipment", s["shipment_no"], s["customer_no"], D(q), s["posting_date"], s["order"], journey.location)
        for s, q in zip(shipments, (4, 3, 5), strict=True)]
    assert [(p["entry_type"], p["document_no"], p["vendor_no"], D(p["quantity"]), p["posting_date"])
            for p in ledger["backward"]] == [
        ("purchase", r["receipt_no"], r["vendor_no"], D(q), r["posting_date"])
        for r, q in zip(receipts, (10, 8), strict=True)]
    # I2: the first receipt's 10 went out first (4 + 3 + 3), the second's kept 6 of 8.
    assert [D(p["remaining_quantity"]) for p in ledger["backward"]] == [D(0), D(6)]
    assert [(row["location_code"], row["lot_no"], D(row["remaining_quantity"])) for row in ledger["where_now"]] == [
        (journey.location, lot_no, D(6))]
    assert [(b["location_code"], b["bin_code"], b["item_no"], b["lot"], D(b["quantity"])) for b in bins["bins"]] == [
        (journey.location, "P-01", item_no, lot_no, D(6))]
    assert ledger["next_after"] is None
    # RD6: paged by entry number, where-now on every page; the pages together are the whole answer.
    pages, after = [], 0
    while after is not None:
        pages.append(await journey.inventory("/recall", lot=lot_no, limit=2, after=after))
        after = pages[-1]["next_after"]
    assert [len(page["forward"]) + len(page["backward"]) for page in pages] == [2, 2, 1]
    assert [p for page in pages for p in page["forward"]] == ledger["forward"]
    assert [p for page in pages for p in page["backward"]] == ledger["backward"]
    assert all(page["where_now"] == ledger["where_now"] for page in pages)


async def test_R1_slt_recall_joins_both_ledgers_into_forward_backward_and_where_now(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no, lot_no, receipts, shipments = await lot_from_two_vendors_to_three_customers(journey)
    urls = ("--warehouse-url", stack.warehouse.url, "--inventory-url", stack.inventory.url)

    run = await slt(stack, "recall", "--lot", lot_no, "--output", "json", *urls)  # no --item: found by the lot

    assert run.exit_code == 0, run.err
    found = json.loads(run.out)
    assert [(p["kind"], p["customer_no"], D(p["quantity"]), p["date"], p["document"], p["item_no"])
            for p in found["forward"]] == [
        ("shipment", s["customer_no"], D(q), s["posting_date"], f"shipment {s['shipment_no']}", item_no)
        for s, q in zip(shipments, (4, 3, 5), strict=True)]
    assert [(p["kind"], p["vendor_no"], D(p["quantity"]), p["document"]) for p in found["backward"]] == [
        ("receipt", r["vendor_no"], D(q), f"receipt {r['receipt_no']}") for r, q in zip(receipts, (10, 8), strict=True)]
    assert [(w["place"], w["location_code"], w["bin_code"], D(w["quantity"])) for w in found["where_now"]] == [
        ("bin", journey.location, "P-01", D(6))]
    assert found["totals"] == {"in": "18", "out": "12", "now": "6"}

    as_csv = await slt(stack, "recall", "--lot", lot_no, "--item", item_no, "--output", "csv", *urls)
    rows = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert [(r["part"], r["partner"], r["quantity"]) for r in rows] == [
        *(("forward", s["customer_no"], str(q)) for s, q in zip(shipments, (4, 3, 5), strict=True)),
        *(("backward", r["vendor_no"], str(q)) for r, q in zip(receipts, (10, 8), strict=True)),
        ("where_now", "", "6")]


async def test_R1_recall_of_a_serial_names_its_vendor_its_customer_and_where_its_sibling_is(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no, vendor, customer = await journey.item("serial"), unique("V"), unique("C")
    shipped, kept = unique("SN"), unique("SN")
    receipt = await journey.receive(item_no, [serial(shipped), serial(kept)], vendor_no=vendor)
    await journey.put_away(receipt)
    order = unique("SO")
    shipment_no = await journey.shipment(order, (item_no, 1), customer_no=customer)
    created = (await journey.pick(shipment_no))[item_no]
    await journey.register_pick(created["pick_no"], [{"line_no": 1, "quantity": "1", "serial": shipped}])
    await journey.post_shipment(shipment_no)
    urls = ("--warehouse-url", stack.warehouse.url, "--inventory-url", stack.inventory.url)

    gone = json.loads((await slt(stack, "recall", "--serial", shipped, "--output", "json", *urls)).out)
    here = json.loads((await slt(stack, "recall", "--serial", kept, "--item", item_no, "--output", "json", *urls)).out)

    assert [(p["kind"], p["customer_no"], p["document"], p["serial"], p["quantity"]) for p in gone["forward"]] == [
        ("shipment", customer, f"shipment {shipment_no}", shipped, "1")]
    assert [(p["kind"], p["vendor_no"], p["document"]) for p in gone["backward"]] == [
        ("receipt", vendor, f"receipt {receipt['receipt_no']}")]
    assert gone["where_now"] == [] and gone["totals"] == {"in": "1", "out": "1", "now": "0"}
    assert here["forward"] == [] and [p["vendor_no"] for p in here["backward"]] == [vendor]
    assert [(w["place"], w["bin_code"], w["serial"], w["quantity"]) for w in here["where_now"]] == [
        ("bin", "P-01", kept, "1")]


async def test_R1_a_number_neither_ledger_knows_is_refused_with_exit_code_2(stack):
    urls = ("--warehouse-url", stack.warehouse.url, "--inventory-url", stack.inventory.url)

    run = await slt(stack, "recall", "--lot", unique("NOLOT"), *urls)

    assert run.exit_code == 2 and "neither ledger knows" in run.err


async def write_transfer_shipment(inventory_db: str, item_no: str, lot_no: str, source: str, transit: str,
                                  quantity: int) -> str:
    """X2's transfer shipment as the item ledger is to hold it: - at the source applied to its receipt (I2),
    + in transit, one posting; the transfer order is the document."""
    transfer_no, posting_id = unique("TO"), unique("posting")
    conn = await asyncpg.connect(inventory_db)
    try:
        async with conn.transaction():
            received = await conn.fetchval("SELECT entry_no FROM item_ledger_entry WHERE item_no = $1 AND lot_no = $2",
                                           item_no, lot_no)
            for location, signed in ((source, -quantity), (transit, quantity)):
                await conn.execute(
                    """INSERT INTO item_ledger_entry (entry_no, posting_id, entry_type, item_no, variant_code,
                           location_code, serial_no, lot_no, quantity, remaining_quantity, open, document_type,
                           document_no, document_line_no, source_type, source_no, source_line_no, posting_date)
                       VALUES (nextval('item_ledger_entry_no'), $1, 'transfer', $2, '', $3, '', $4, $5::numeric,
                               greatest($5::numeric, 0), $5::numeric > 0, 'transfer_shipment', $6, 1,
                               'transfer_order', $6, 1, current_date)""",
                    posting_id, item_no, location, lot_no, signed, transfer_no)
            await conn.execute(
                """INSERT INTO item_application SELECT entry_no, $2, $3 FROM item_ledger_entry
                   WHERE posting_id = $1 AND quantity < 0""", posting_id, received, quantity)
            await conn.execute("UPDATE item_ledger_entry SET remaining_quantity = remaining_quantity - $2, "
                               "open = remaining_quantity - $2 > 0 WHERE entry_no = $1", received, quantity)
    finally:
        await conn.close()
    return transfer_no


async def test_R1_a_transfer_shipment_is_a_forward_posting_with_its_destination_and_the_rest_is_in_transit(
        stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no, lot_no, transit = await journey.item("lot"), unique("LOT"), unique("TRANSIT")
    await journey.put_away(await journey.receive(item_no, [lot(lot_no, 10)], vendor_no="V1"))
    # The warehouse side of the transfer shipment: 3 leave bin P-01.
    await journey.run(wh.RegisterWarehouseAdjustment, {
        "document_no": unique("WJ"), "location_code": journey.location,
        "lines": [{"item_no": item_no, "bin_code": "P-01", "lot": lot_no, "quantity": "-3"}]},
        wh.WarehouseAdjustmentRegistered)
    transfer_no = await write_transfer_shipment(stack.inventory_db, item_no, lot_no, journey.location, transit, 3)
    urls = ("--warehouse-url", stack.warehouse.url, "--inventory-url", stack.inventory.url)

    found = json.loads((await slt(stack, "recall", "--lot", lot_no, "--output", "json", *urls)).out)

    assert [(p["kind"], p["location_code"], p["destination"], p["document"], p["quantity"])
            for p in found["forward"]] == [("transfer out", journey.location, transit,
                                            f"transfer_shipment {transfer_no}", "3")]
    # The leg's other entry: into transit, from the source.
    assert [(p["kind"], p["vendor_no"], p["origin"], p["location_code"]) for p in found["backward"]] == [
        ("receipt", "V1", "", journey.location), ("transfer in", "", journey.location, transit)]
    assert [(w["place"], w["location_code"], w["bin_code"], w["quantity"]) for w in found["where_now"]] == [
        ("bin", journey.location, "P-01", "7"), ("in transit", transit, "", "3")]
