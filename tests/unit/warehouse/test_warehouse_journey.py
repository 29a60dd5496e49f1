"""Journey: receive lot- and serial-tracked items with expiration dates, put them away, ship them with one
lot swapped at the pick, and check every fact and both ledgers on the way."""

from datetime import date

from tests.support.warehouse_builders import (
    LOC,
    TODAY,
    D,
    apply,
    item_ledger,
    location,
    picking,
    purchase,
    quantities,
    stock,
    warehouse_totals,
)
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.documents import SourceLine
from warehouse.domain.events import (
    AllocatedLine,
    PickCreated,
    PickRegistered,
    PostedLine,
    PutAwayRegistered,
    ReceiptPosted,
    RegisteredLine,
    ShipmentPosted,
)
from warehouse.domain.inbound import ReceivedQuantity, post_receipt, register_put_away
from warehouse.domain.outbound import PickHandling, create_pick, post_shipment, register_pick
from warehouse.domain.release import SourceRequest, release_inbound, release_outbound
from warehouse.domain.tracking import Tracking

L1 = Tracking(lot="L1", expiration=date(2025, 7, 6))
L2 = Tracking(lot="L2", expiration=date(2025, 8, 4))
S1 = Tracking(serial="S1", lot="V1", expiration=date(2025, 12, 31))
S2 = Tracking(serial="S2", lot="V1", expiration=date(2025, 12, 31))
PO1_MILK, PO1_VACCINE = purchase("PO1", 1), purchase("PO1", 2)
SO1_MILK, SO1_VACCINE = SourceLine("sales_order", "SO1", 1), SourceLine("sales_order", "SO1", 2)


def test_journey_receive_put_away_pick_with_swapped_lot_and_ship():
    warehouse = location(pick_by_fefo=True)
    facts = []

    # 1. The purchase order is released: one receipt, two lines, into the receive bin.
    receipt = release_inbound("RC1", [SourceRequest(PO1_MILK, "MILK", D(10)),
                                      SourceRequest(PO1_VACCINE, "VACCINE", D(2))], stock(loc=warehouse)).receipt

    # 2. The goods arrive: two lots of milk, two serials of one vaccine lot.
    received = post_receipt(
        receipt,
        [ReceivedQuantity(1, D(6), L1), ReceivedQuantity(1, D(4), L2),
         ReceivedQuantity(2, D(1), S1), ReceivedQuantity(2, D(1), S2)],
        "PA1", stock(loc=warehouse))
    facts += received.events
    content = apply([], received.entries, warehouse)
    assert received.events == (ReceiptPosted("RC1", LOC, TODAY, "PA1", (
        PostedLine(1, PO1_MILK, "MILK", "", "RECV", L1, D(6)),
        PostedLine(1, PO1_MILK, "MILK", "", "RECV", L2, D(4)),
        PostedLine(2, PO1_VACCINE, "VACCINE", "", "RECV", S1, D(1)),
        PostedLine(2, PO1_VACCINE, "VACCINE", "", "RECV", S2, D(1)),
    )),)
    assert received.receipt.is_closed

    # 3. The put-away proposes the bulk bin; the operator stores everything in pick bin A2 instead.
    assert {line.place_bin for line in received.put_away.lines} == {"BULK"}
    put_away = register_put_away(received.put_away, [PlaceHandling(n, line.quantity, "A2") for n, line in
                                                     enumerate(received.put_away.lines, start=1)],
                                 stock(content, warehouse))
    facts += put_away.events
    content = apply(content, put_away.entries, warehouse)
    assert put_away.activity.is_closed
    assert put_away.events == (PutAwayRegistered("PA1", LOC, (
        RegisteredLine(1, PO1_MILK, "MILK", "", "RECV", "A2", L1, L1, D(6)),
        RegisteredLine(2, PO1_MILK, "MILK", "", "RECV", "A2", L2, L2, D(4)),
        RegisteredLine(3, PO1_VACCINE, "VACCINE", "", "RECV", "A2", S1, S1, D(1)),
        RegisteredLine(4, PO1_VACCINE, "VACCINE", "", "RECV", "A2", S2, S2, D(1)),
    )),)

    # 4. The sales order is released: a shipment from the ship bin.
    shipment = release_outbound("SH1", [SourceRequest(SO1_MILK, "MILK", D(5)),
                                        SourceRequest(SO1_VACCINE, "VACCINE", D(1))], stock(loc=warehouse)).shipment

    # 5. The pick follows FEFO: lot L1 (earliest) and serial S1 (lowest on equal dates).
    state = picking(content, warehouse)
    created = create_pick(shipment, "PK1", state)
    facts += created.events
    assert created.events == (PickCreated("PK1", "SH1", LOC, (
        AllocatedLine(1, SO1_MILK, "MILK", "", "A2", L1, D(5)),
        AllocatedLine(2, SO1_VACCINE, "VACCINE", "", "A2", S1, D(1)),
    )),)

    # 6. The picker takes 4 of lot L2 instead of L1 (W6), then 1 of L1 as proposed, and serial S1.
    registered = register_pick(created.pick, created.shipment,
                               [PickHandling(1, D(4), lot="L2"), PickHandling(1, D(1)), PickHandling(2, D(1))], state)
    facts += registered.events
    content = apply(content, registered.entries, warehouse)
    assert registered.events == (PickRegistered("PK1", "SH1", LOC, (
        RegisteredLine(1, SO1_MILK, "MILK", "", "A2", "SHIP", L1, L2, D(4)),
        RegisteredLine(1, SO1_MILK, "MILK", "", "A2", "SHIP", L1, L1, D(1)),
        RegisteredLine(2, SO1_VACCINE, "VACCINE", "", "A2", "SHIP", S1, S1, D(1)),
    )),)
    assert registered.pick.is_closed
    assert quantities(content) == {
        ("A2", "MILK", "", "L1"): D(5), ("SHIP", "MILK", "", "L2"): D(4), ("SHIP", "MILK", "", "L1"): D(1),
        ("A2", "VACCINE", "S2", "V1"): D(1), ("SHIP", "VACCINE", "S1", "V1"): D(1)}

    # 7. The shipment posts exactly what was picked, per lot and serial.
    shipped = post_shipment(registered.shipment, "WA-SH1", stock(content, warehouse))
    facts += shipped.events
    content = apply(content, shipped.entries, warehouse)
    assert shipped.events == (ShipmentPosted("SH1", LOC, TODAY, (
        PostedLine(1, SO1_MILK, "MILK", "", "SHIP", L1, D(1)),
        PostedLine(1, SO1_MILK, "MILK", "", "SHIP", L2, D(4)),
        PostedLine(2, SO1_VACCINE, "VACCINE", "", "SHIP", S1, D(1)),
    )),)
    assert shipped.shipment.is_closed

    # 8. S7: what the warehouse holds equals what the item ledger would hold after these facts.
    assert quantities(content) == {("A2", "MILK", "", "L1"): D(5), ("A2", "VACCINE", "S2", "V1"): D(1)}
    assert warehouse_totals(content) == item_ledger(facts) == {
        ("MILK", "", L1): D(5), ("VACCINE", "", S2): D(1)}
