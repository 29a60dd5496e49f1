"""Movements (W7, W3) and reclassification (W8) of stored stock."""

from datetime import date

import pytest

from tests.support.warehouse_builders import (
    LOC,
    TODAY,
    D,
    apply,
    blocked_bin,
    item_ledger,
    key,
    location,
    purchase,
    quantities,
    row,
    stock,
    warehouse_totals,
)
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.adjustments import calculate_warehouse_adjustment
from warehouse.domain.errors import (
    BinBlockedInboundError,
    BinBlockedOutboundError,
    ContentInReceiveBinError,
    ContentInShipBinError,
    ExpirationMismatchError,
    InsufficientBinContentError,
    LotBlockedError,
    SerialAlreadyInStockError,
    TrackingNumberRequiredError,
)
from warehouse.domain.events import (
    MovementCreated,
    MovementRegistered,
    PlannedLine,
    PostedLine,
    ReceiptPosted,
    RegisteredLine,
)
from warehouse.domain.internal import (
    MovementRequest,
    ReclassificationLine,
    create_movement,
    register_movement,
    register_reclassification,
)
from warehouse.domain.location import BlockMovement
from warehouse.domain.tracking import BlockedTracking, Tracking

JUL, AUG = date(2025, 7, 1), date(2025, 8, 1)
STOCK = [row("A1", "MILK", 10, lot="L1", expiration=JUL), row("A1", "BOLT", 10)]


def movement(requests, content=STOCK, loc=None, on_activities=None, blocked=None):
    return create_movement("MV1", requests, stock(content, loc, on_activities=on_activities or {},
                                                  blocked=blocked or BlockedTracking())).activity


def move(item_no="BOLT", quantity=4, from_bin="A1", to_bin="A2", lot=""):
    return MovementRequest(item_no, D(quantity), from_bin, to_bin, lot=lot)


def test_W7_created_movement_moves_nothing_and_announces_what_it_sets_aside():
    outcome = create_movement("MV1", [move("MILK", lot="L1")], stock(STOCK))

    assert outcome.entries == ()
    assert outcome.events == (MovementCreated("MV1", LOC, (PlannedLine(
        1, "MILK", "", "A1", "A2", Tracking(lot="L1", expiration=JUL), D(4)),)),)


def test_W7_movement_is_registered_as_warehouse_entries_only():
    mv = movement([move("MILK", lot="L1")])

    outcome = register_movement(mv, [PlaceHandling(1, D(4))], stock(STOCK))

    assert quantities(apply(STOCK, outcome.entries))[("A2", "MILK", "", "L1")] == D(4)
    assert outcome.events == (MovementRegistered("MV1", LOC, (RegisteredLine(
        1, None, "MILK", "", "A1", "A2", Tracking(lot="L1", expiration=JUL), Tracking(lot="L1", expiration=JUL),
        D(4)),)),)


def test_W11_partial_movement_registration_leaves_rest_open():
    outcome = register_movement(movement([move()]), [PlaceHandling(1, D(1))], stock(STOCK))

    assert (outcome.activity.line(1).outstanding, outcome.activity.is_closed) == (D(3), False)


def test_W7_blocked_bins_refuse_the_blocked_direction():
    loc = location(blocked_bin("OUT", BlockMovement.OUTBOUND), blocked_bin("IN", BlockMovement.INBOUND))
    content = [*STOCK, row("OUT", "BOLT", 5), row("IN", "BOLT", 5)]

    with pytest.raises(BinBlockedOutboundError):
        movement([move(from_bin="OUT")], content, loc)
    with pytest.raises(BinBlockedInboundError):
        movement([move(to_bin="IN")], content, loc)
    assert movement([move(from_bin="IN", to_bin="OUT")], content, loc).line(1).quantity == D(4)


def test_W3_receive_bin_content_cannot_be_moved():
    with pytest.raises(ContentInReceiveBinError) as refused:
        movement([move(from_bin="RECV")], [row("RECV", "BOLT", 10)])
    assert "put its content away" in refused.value.message


def test_W4_picked_stock_in_ship_bin_cannot_be_moved():
    with pytest.raises(ContentInShipBinError):
        movement([move(from_bin="SHIP")], [row("SHIP", "BOLT", 10)])


def test_W5_stock_held_by_an_open_pick_cannot_be_moved():
    with pytest.raises(InsufficientBinContentError) as refused:
        movement([move(quantity=4)], on_activities={key("A1", "BOLT"): D(7)})
    assert "of which 3 is free" in refused.value.message


def test_T4_blocked_lot_cannot_be_moved():
    with pytest.raises(LotBlockedError):
        movement([move("MILK", lot="L1")], blocked=BlockedTracking(lots=frozenset({("MILK", "L1")})))


def test_T1_movement_of_lot_tracked_item_names_the_lot():
    with pytest.raises(TrackingNumberRequiredError):
        movement([move("MILK")])


def reclassify(lines, content=STOCK, serials_in_stock=frozenset(), lot_expirations=None, lot_quantities=None):
    return register_reclassification("RJ1", lines, stock(
        content, serials_in_stock=serials_in_stock, lot_expirations=lot_expirations or {("MILK", "L1"): JUL},
        lot_quantities=lot_quantities or {("MILK", "L1"): D(10)}))


def test_W8_lot_reclassification_balances_through_adjustment_bin():
    received = ReceiptPosted("RC1", LOC, TODAY, "PA1", (
        PostedLine(1, purchase("PO1"), "MILK", "", "RECV", Tracking(lot="L1", expiration=JUL), D(10)),))
    outcome = reclassify([ReclassificationLine("A1", "MILK", D(4), lot="L1", new_lot="L9")])
    after = apply(STOCK, outcome.entries)

    assert [(e.key.bin_code, e.key.tracking.lot, e.quantity) for e in outcome.entries] == [
        ("A1", "L1", D(-4)), ("A1", "L9", D(4)), ("ADJ", "L1", D(4)), ("ADJ", "L9", D(-4))]
    assert outcome.entries[1].key.tracking.expiration == JUL
    milk = [r for r in after if r.key.item_no == "MILK"]
    # S7: real bins + adjustment bin == item ledger, before and after calculating the adjustment (W10)
    assert warehouse_totals(milk) == item_ledger([received])
    calculated = calculate_warehouse_adjustment("WA1", stock(milk))
    assert warehouse_totals(apply(milk, calculated.entries)) == item_ledger([received, *calculated.events])
    assert item_ledger([received, *calculated.events]) == {
        ("MILK", "", Tracking(lot="L1", expiration=JUL)): D(6), ("MILK", "", Tracking(lot="L9", expiration=JUL)): D(4)}


def test_W8_bin_only_reclassification_needs_no_adjustment_bin():
    outcome = reclassify([ReclassificationLine("A1", "BOLT", D(3), new_bin="QC")])

    assert [(e.key.bin_code, e.quantity) for e in outcome.entries] == [("A1", D(-3)), ("QC", D(3))]


def test_T3_new_expiration_must_cover_the_whole_lot():
    with pytest.raises(ExpirationMismatchError) as refused:
        reclassify([ReclassificationLine("A1", "MILK", D(4), lot="L1", new_expiration=AUG)])
    assert "has 10 in stock" in refused.value.message

    whole = reclassify([ReclassificationLine("A1", "MILK", D(10), lot="L1", new_expiration=AUG)])
    assert [(e.key.bin_code, e.key.tracking.expiration, e.quantity) for e in whole.entries] == [
        ("A1", JUL, D(-10)), ("A1", AUG, D(10)), ("ADJ", JUL, D(10)), ("ADJ", AUG, D(-10))]


def test_T3_joining_a_known_lot_takes_its_expiration_date():
    outcome = reclassify([ReclassificationLine("A1", "MILK", D(2), lot="L1", new_lot="L5")],
                         lot_expirations={("MILK", "L1"): JUL, ("MILK", "L5"): AUG})

    assert outcome.entries[1].key.tracking == Tracking(lot="L5", expiration=AUG)


def test_T2_relabel_to_a_serial_in_stock_is_refused_but_swapping_two_labels_is_not():
    content = [row("A1", "PHONE", 1, serial="S1"), row("A2", "PHONE", 1, serial="S2")]
    in_stock = {("PHONE", "", "S1"), ("PHONE", "", "S2")}

    with pytest.raises(SerialAlreadyInStockError):
        reclassify([ReclassificationLine("A1", "PHONE", D(1), serial="S1", new_serial="S2")], content, in_stock)
    swapped = reclassify([ReclassificationLine("A1", "PHONE", D(1), serial="S1", new_serial="S2"),
                          ReclassificationLine("A2", "PHONE", D(1), serial="S2", new_serial="S1")], content, in_stock)
    assert quantities(apply(content, swapped.entries)) == {("A1", "PHONE", "S2", ""): D(1),
                                                            ("A2", "PHONE", "S1", ""): D(1)}
