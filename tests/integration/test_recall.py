"""R1 through both real services: a recall answered from the item ledger and the bin content, over HTTP
and through `slt recall`.

The lot comes from two vendors (two receipts) and goes to three customers (three shipments); the rest stays
in its bin. Every vendor, customer, document and date the recall names is the one the warehouse's commands
and facts named. A transfer order (X1-X6) shows as a transfer out of its source to its destination and a
transfer in there from its source; what is still in transit shows where it is now.
"""

import csv
import io
import json
from decimal import Decimal

from contracts import inventory as inv
from contracts.topics import INVENTORY_COMMANDS
from tests.cli.operator import slt
from tests.support.ids import unique
from tests.support.journey import Journey
from tests.support.transfers import Transfer, partly_received
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


async def test_R1_a_transfer_is_a_transfer_out_to_its_destination_and_in_from_its_source_the_rest_in_transit(
        stack, kafka):
    # X1-X3: 3 of lot L1 shipped from A to B through the in-transit location, 1 received at B (receive bin).
    transfer, transfer_no, item_no = await partly_received(stack, kafka)
    source, destination = transfer.source.location, transfer.destination.location
    urls = ("--warehouse-url", stack.warehouse.url, "--inventory-url", stack.inventory.url)

    found = json.loads((await slt(stack, "recall", "--lot", "L1", "--item", item_no, "--output", "json", *urls)).out)

    # The legs into and out of the in-transit location are internal: only the order's two ends show.
    assert [(p["kind"], p["location_code"], p["destination"], p["document"], p["quantity"])
            for p in found["forward"]] == [("transfer out", source, destination, f"transfer_shipment {transfer_no}",
                                            "3")]
    assert [(p["kind"], p["location_code"], p["origin"], p["quantity"]) for p in found["backward"]] == [
        ("receipt", source, "", "3"), ("transfer in", destination, source, "1")]
    assert found["backward"][1]["document"] == f"transfer_receipt {transfer_no}"
    assert [(w["place"], w["location_code"], w["bin_code"], w["quantity"]) for w in found["where_now"]] == [
        ("bin", destination, "R-01", "1"), ("in transit", transfer.in_transit, "", "2")]
    assert found["totals"] == {"in": "4", "out": "3", "now": "3"}


async def test_R1_recall_of_a_lot_from_two_vendors_to_three_customers_and_one_transfer(stack, kafka):
    """The issue's recall: 18 of the lot from two vendors at A, 12 shipped to three customers, 4 transferred
    to B and received there; 2 stay in A's pick bin."""
    transfer = await Transfer.start(stack, kafka)
    source, destination = transfer.source.location, transfer.destination.location
    item_no, lot_no, receipts, shipments = await lot_from_two_vendors_to_three_customers(transfer.source)
    transfer_no = await transfer.release(item_no, 4)
    await transfer.source.register_all((await transfer.source.pick(transfer_no))[item_no])
    await transfer.ship(transfer_no)
    await transfer.receive(transfer_no, [{"lot": lot_no, "quantity": "4"}])
    # Q1: the lot is quarantined once the recall starts; the recall shows its information record.
    quarantine = inv.SetTrackingInformation(item_no=item_no, lot=lot_no, quality_status="quarantine",
                                            certificate_no="COA-7", comment="recall")
    command_id = await kafka.send_command(INVENTORY_COMMANDS, quarantine.TYPE, quarantine.model_dump(mode="json"),
                                          key=quarantine.kafka_key())
    await kafka.wait_for(type=inv.TrackingInformationChanged.TYPE, causation_id=command_id)
    urls = ("--warehouse-url", stack.warehouse.url, "--inventory-url", stack.inventory.url)

    run = await slt(stack, "recall", "--lot", lot_no, "--output", "json", *urls)

    assert run.exit_code == 0, run.err
    found = json.loads(run.out)
    assert [(p["kind"], p["location_code"], p["customer_no"], D(p["quantity"])) for p in found["forward"]] == [
        *(("shipment", source, s["customer_no"], D(q)) for s, q in zip(shipments, (4, 3, 5), strict=True)),
        ("transfer out", source, "", D(4))]
    assert found["forward"][-1]["destination"] == destination
    assert found["forward"][-1]["document"] == f"transfer_shipment {transfer_no}"
    assert [(p["kind"], p["location_code"], p["vendor_no"], D(p["quantity"])) for p in found["backward"]] == [
        *(("receipt", source, r["vendor_no"], D(q)) for r, q in zip(receipts, (10, 8), strict=True)),
        ("transfer in", destination, "", D(4))]
    assert found["backward"][-1]["origin"] == source
    assert sorted((w["place"], w["location_code"], w["bin_code"], D(w["quantity"])) for w in found["where_now"]) == \
        sorted([("bin", source, "P-01", D(2)), ("bin", destination, "R-01", D(4))])
    assert found["totals"] == {"in": "22", "out": "16", "now": "6"}
    assert [(i["item_no"], i["lot_no"], i["quality_status"], i["certificate_no"], i["comment"])
            for i in found["information"]] == [(item_no, lot_no, "quarantine", "COA-7", "recall")]
