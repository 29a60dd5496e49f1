"""Journey over real Kafka and PostgreSQL: receive lot- and serial-tracked items with expiration dates, put
them away, ship them with one lot swapped at the pick, and check every fact field by field (W2, W4-W6, W11)."""

from decimal import Decimal

from contracts import warehouse as wh
from tests.support.ids import unique
from tests.support.warehouse import LATER, MUCH_LATER, SOON, TODAY, Warehouse, lot, per_item, serial

D = Decimal


async def test_journey_receive_put_away_pick_with_swapped_lot_and_ship(warehouse: Warehouse, kafka):
    milk, vaccine, loc = unique("MILK"), unique("VACCINE"), unique("WH")
    receipt_no, shipment_no, pick_no = unique("RC"), unique("SH"), unique("PK")
    po, so = unique("PO"), unique("SO")

    # 1. Inventory registers the items; the warehouse replicates their tracking policies.
    await warehouse.register_item(milk, "lot", expiration_required=True, strict_expiration=True)
    await warehouse.register_item(vaccine, "lot_and_serial", expiration_required=True)
    await warehouse.configure(loc)

    # 2. The purchase order is released: a receipt with two lines, waiting in the receive bin.
    [released] = await warehouse.run(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": loc, "source_no": po, "lines": [
            {"line_no": 1, "source_line_no": 1, "item_no": milk, "quantity": "10"},
            {"line_no": 2, "source_line_no": 2, "item_no": vaccine, "quantity": "2"}]}, wh.ReceiptReleased)
    assert wh.ReceiptReleased.model_validate(released) == wh.ReceiptReleased(
        receipt_no=receipt_no, location_code=loc, source_type="purchase_order", source_no=po, lines=(
            wh.ReleasedLineFact(line_no=1, source_line_no=1, item_no=milk, variant="", quantity=D(10), bin_code="R-01"),
            wh.ReleasedLineFact(line_no=2, source_line_no=2, item_no=vaccine, variant="", quantity=D(2),
                                bin_code="R-01")))

    # 3. The goods arrive: two lots of milk, two serials of one vaccine lot. One fact per item (S1).
    command_id = await warehouse.send(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, **lot("L1", 6, SOON)}, {"line_no": 1, **lot("L2", 4, LATER)},
        {"line_no": 2, **serial("S1", MUCH_LATER, "V1")}, {"line_no": 2, **serial("S2", MUCH_LATER, "V1")}]})
    received = per_item(await warehouse.facts_of(command_id, wh.ReceiptPosted, count=2))
    posted = {"receipt_no": receipt_no, "put_away_no": f"{receipt_no}-PA1", "location_code": loc,
              "posting_date": TODAY}
    purchase = {"document_line_no": 1, "source_type": "purchase_order", "source_no": po, "source_line_no": 1,
                "variant": "", "bin_code": "R-01", "serial": ""}
    assert wh.ReceiptPosted.model_validate(received[milk]) == wh.ReceiptPosted(**posted, item_no=milk, lines=(
        wh.PostedLineFact(**purchase, lot="L1", expiration=SOON, quantity=D(6)),
        wh.PostedLineFact(**purchase, lot="L2", expiration=LATER, quantity=D(4))))
    purchase.update(document_line_no=2, source_line_no=2, serial="S1")
    assert wh.ReceiptPosted.model_validate(received[vaccine]) == wh.ReceiptPosted(**posted, item_no=vaccine, lines=(
        wh.PostedLineFact(**purchase, lot="V1", expiration=MUCH_LATER, quantity=D(1)),
        wh.PostedLineFact(**{**purchase, "serial": "S2"}, lot="V1", expiration=MUCH_LATER, quantity=D(1))))
    assert {m.key for m in kafka.matching(type=wh.ReceiptPosted.TYPE, causation_id=command_id)} == {
        f"{milk}|{loc}".encode(), f"{vaccine}|{loc}".encode()}

    # 4. Put away: the milk into the proposed bin (P-02 ranks highest), the vaccine into P-01 instead.
    stored = per_item(await warehouse.run(wh.RegisterPutAway, {"put_away_no": f"{receipt_no}-PA1", "lines": [
        {"line_no": 1, "quantity": "6"}, {"line_no": 2, "quantity": "4"},
        {"line_no": 3, "quantity": "1", "place_bin": "P-01"}, {"line_no": 4, "quantity": "1", "place_bin": "P-01"}]},
        wh.PutAwayRegistered, count=2))
    purchase = {"source_type": "purchase_order", "source_no": po, "variant": "", "take_bin": "R-01"}
    assert wh.PutAwayRegistered.model_validate(stored[milk]).lines == (
        wh.RegisteredLineFact(line_no=1, **purchase, source_line_no=1, place_bin="P-02", proposed_lot="L1", lot="L1",
                              expiration=SOON, quantity=D(6)),
        wh.RegisteredLineFact(line_no=2, **purchase, source_line_no=1, place_bin="P-02", proposed_lot="L2", lot="L2",
                              expiration=LATER, quantity=D(4)))
    assert [(x.place_bin, x.serial) for x in wh.PutAwayRegistered.model_validate(stored[vaccine]).lines] == [
        ("P-01", "S1"), ("P-01", "S2")]

    # 5. The sales order is released: a shipment from the ship bin.
    [released] = await warehouse.run(wh.ReleaseOutboundRequest, {
        "shipment_no": shipment_no, "location_code": loc, "source_no": so, "lines": [
            {"line_no": 1, "source_line_no": 1, "item_no": milk, "quantity": "5"},
            {"line_no": 2, "source_line_no": 2, "item_no": vaccine, "quantity": "1"}]}, wh.ShipmentReleased)
    assert [(x.item_no, x.bin_code) for x in wh.ShipmentReleased.model_validate(released).lines] == [
        (milk, "S-01"), (vaccine, "S-01")]

    # 6. The pick follows FEFO: lot L1 (earliest) and serial S1 (lowest on equal dates).
    allocated = per_item(await warehouse.run(wh.CreatePick, {"pick_no": pick_no, "shipment_no": shipment_no},
                                             wh.PickCreated, count=2))
    sale = {"source_type": "sales_order", "source_no": so, "variant": ""}
    assert wh.PickCreated.model_validate(allocated[milk]) == wh.PickCreated(
        pick_no=pick_no, shipment_no=shipment_no, location_code=loc, item_no=milk, lines=(
            wh.AllocatedLineFact(line_no=1, **sale, source_line_no=1, take_bin="P-02", lot="L1", expiration=SOON,
                                 quantity=D(5)),))
    assert wh.PickCreated.model_validate(allocated[vaccine]).lines == (
        wh.AllocatedLineFact(line_no=2, **sale, source_line_no=2, take_bin="P-01", serial="S1", lot="V1",
                             expiration=MUCH_LATER, quantity=D(1)),)

    # 7. The picker takes 4 of lot L2 instead of L1 (W6), then 1 of L1 as proposed, and serial S1.
    picked_facts = per_item(await warehouse.run(wh.RegisterPick, {"pick_no": pick_no, "lines": [
        {"line_no": 1, "quantity": "4", "lot": "L2"}, {"line_no": 1, "quantity": "1"},
        {"line_no": 2, "quantity": "1"}]}, wh.PickRegistered, count=2))
    picked = {**sale, "source_line_no": 1, "take_bin": "P-02", "place_bin": "S-01", "proposed_lot": "L1"}
    assert wh.PickRegistered.model_validate(picked_facts[milk]) == wh.PickRegistered(
        pick_no=pick_no, shipment_no=shipment_no, location_code=loc, item_no=milk, lines=(
            wh.RegisteredLineFact(line_no=1, **picked, lot="L2", expiration=LATER, quantity=D(4)),
            wh.RegisteredLineFact(line_no=1, **picked, lot="L1", expiration=SOON, quantity=D(1))))
    assert wh.PickRegistered.model_validate(picked_facts[vaccine]).lines == (
        wh.RegisteredLineFact(line_no=2, **sale, source_line_no=2, take_bin="P-01", place_bin="S-01",
                              proposed_serial="S1", proposed_lot="V1", serial="S1", lot="V1", expiration=MUCH_LATER,
                              quantity=D(1)),)

    # 8. The shipment posts exactly what was picked, per lot and serial (the outbound posting, S5).
    shipped_facts = per_item(await warehouse.run(wh.PostShipment, {"shipment_no": shipment_no}, wh.ShipmentPosted,
                                                 count=2))
    shipped = {"document_line_no": 1, **sale, "source_line_no": 1, "bin_code": "S-01", "serial": ""}
    assert wh.ShipmentPosted.model_validate(shipped_facts[milk]) == wh.ShipmentPosted(
        shipment_no=shipment_no, location_code=loc, item_no=milk, posting_date=TODAY, lines=(
            wh.PostedLineFact(**shipped, lot="L1", expiration=SOON, quantity=D(1)),
            wh.PostedLineFact(**shipped, lot="L2", expiration=LATER, quantity=D(4))))
    assert wh.ShipmentPosted.model_validate(shipped_facts[vaccine]).lines == (
        wh.PostedLineFact(**{**shipped, "document_line_no": 2, "source_line_no": 2, "serial": "S1"}, lot="V1",
                          expiration=MUCH_LATER, quantity=D(1)),)

    # 9. What is left, the closed documents and the bin ledger, as the read API shows them.
    assert await warehouse.content(loc) == {("P-02", "", "L1"): D(5), ("P-01", "S2", "V1"): D(1)}
    shipment = await warehouse.get(f"/documents/shipment/{shipment_no}")
    assert not shipment["is_open"]
    assert [(x["quantity"], x["quantity_handled"], x["quantity_outstanding"], x["picked"]) for x in shipment["lines"]] \
        == [("5", "5", "0", []), ("1", "1", "0", [])]
    assert not (await warehouse.get(f"/documents/pick/{pick_no}"))["is_open"]
    ledger = await warehouse.get("/warehouse-entries", location_code=loc, item_no=milk, lot="L2")
    assert [(e["entry_type"], e["bin_code"], e["quantity"]) for e in ledger["entries"]] == [
        ("receipt", "R-01", "4"), ("put_away", "R-01", "-4"), ("put_away", "P-02", "4"),
        ("pick", "P-02", "-4"), ("pick", "S-01", "4"), ("shipment", "S-01", "-4")]
