"""Outbound (W4): create, register and cancel picks, then post the shipment (W6, W11, T5, S4)."""

from datetime import date

import pytest

from tests.support.warehouse_builders import LOC, TODAY, D, apply, key, order, picking, quantities, row, stock
from warehouse.domain.errors import (
    DocumentNotFoundError,
    InsufficientBinContentError,
    LotBlockedError,
    LotExpiredError,
    NothingToPickError,
    NothingToShipError,
    ReservedForOtherDemandError,
    ShipmentExceedsPickedError,
)
from warehouse.domain.events import (
    AdjustmentPostingLine,
    AllocatedLine,
    PickCancelled,
    PickCreated,
    ShipmentPosted,
    WarehouseAdjustmentPosted,
)
from warehouse.domain.outbound import PickHandling, cancel_pick, create_pick, post_shipment, register_pick
from warehouse.domain.picking import Reservation
from warehouse.domain.release import SourceRequest, release_outbound
from warehouse.domain.tracking import BlockedTracking, Tracking

SO1, SO2 = order("SO1"), order("SO2")
JUL, AUG = date(2025, 7, 1), date(2025, 8, 1)
MILK_STOCK = [row("A2", "MILK", 6, lot="L1", expiration=JUL), row("A1", "MILK", 6, lot="L2", expiration=AUG)]


def shipment(item_no="MILK", quantity=8):
    return release_outbound("SH1", [SourceRequest(SO1, item_no, D(quantity))], stock()).shipment


def picked(content=MILK_STOCK, quantity=8, handled=None, **state):
    """Create a pick for SH1 and register `handled` (default: everything as proposed)."""
    created = create_pick(shipment(quantity=quantity), "PK1", picking(content, **state))
    handled = handled or [PickHandling(x.line_no, x.quantity) for x in created.pick.lines]
    registered = register_pick(created.pick, created.shipment, handled, picking(content, **state))
    return registered, apply(content, registered.entries)


def test_W4_create_pick_allocates_take_lines_and_places_in_ship_bin():
    outcome = create_pick(shipment(quantity=8), "PK1", picking(MILK_STOCK))

    assert [(x.take_bin, x.place_bin, x.tracking.lot, x.quantity) for x in outcome.pick.lines] == [
        ("A2", "SHIP", "L1", D(6)), ("A1", "SHIP", "L2", D(2))]
    assert (outcome.shipment.line(1).quantity_on_pick, outcome.shipment.line(1).quantity_to_pick) == (D(8), D(0))
    assert outcome.events == (PickCreated("PK1", "SH1", LOC, (
        AllocatedLine(1, SO1, "MILK", "", "A2", Tracking(lot="L1", expiration=JUL), D(6)),
        AllocatedLine(2, SO1, "MILK", "", "A1", Tracking(lot="L2", expiration=AUG), D(2)))),)
    assert outcome.entries == ()


def test_W4_shortage_keeps_the_rest_to_pick_and_no_stock_at_all_is_refused():
    short = create_pick(shipment(quantity=20), "PK1", picking(MILK_STOCK))
    assert short.shipment.line(1).quantity_to_pick == D(8)

    with pytest.raises(NothingToPickError):
        create_pick(short.shipment, "PK2", picking(MILK_STOCK, on_activities={r.key: r.quantity for r in MILK_STOCK}))


def test_W4_registering_the_pick_moves_stock_to_the_ship_bin():
    outcome, content = picked()

    assert quantities(content) == {("A1", "MILK", "", "L2"): D(4), ("SHIP", "MILK", "", "L1"): D(6),
                                   ("SHIP", "MILK", "", "L2"): D(2)}
    line = outcome.shipment.line(1)
    assert (line.quantity_on_pick, line.quantity_picked, line.quantity_handled) == (D(0), D(8), D(0))
    assert outcome.pick.is_closed


def test_W11_partial_registration_leaves_rest_open():
    outcome, content = picked(handled=[PickHandling(1, D(2))])

    assert (outcome.pick.line(1).outstanding, outcome.pick.line(2).outstanding) == (D(4), D(2))
    assert not outcome.pick.is_closed
    assert (outcome.shipment.line(1).quantity_on_pick, outcome.shipment.line(1).quantity_picked) == (D(6), D(2))
    assert quantities(content)[("SHIP", "MILK", "", "L1")] == D(2)


def test_W6_register_pick_with_swapped_lot():
    content = [*MILK_STOCK, row("A2", "MILK", 3, lot="L3", expiration=AUG)]
    outcome, after = picked(content, quantity=6, handled=[PickHandling(1, D(3), lot="L3")])

    fact = outcome.events[0].lines[0]
    assert (fact.take_bin, fact.proposed_tracking.lot, fact.tracking, fact.quantity) == (
        "A2", "L1", Tracking(lot="L3", expiration=AUG), D(3))
    assert outcome.shipment.line(1).picked[0].tracking == Tracking(lot="L3", expiration=AUG)
    assert quantities(after)[("A2", "MILK", "", "L1")] == D(6)
    assert ("A2", "MILK", "", "L3") not in quantities(after)


def test_W6_lots_swapped_across_lines_are_judged_together_in_one_registration():
    lots = [row("A1", "MILK", 4, lot=name, expiration=date(2025, month, 1)) for name, month in
            (("L1", 7), ("L2", 8), ("L3", 9))]
    created = create_pick(shipment(quantity=8), "PK1", picking(lots))
    assert [(x.tracking.lot, x.quantity) for x in created.pick.lines] == [("L1", D(4)), ("L2", D(4))]
    on_this_pick = {r.key: r.quantity for r in lots[:2]}

    # Line 1 takes L3 instead of L1, and so frees L1 for line 2, which takes it instead of L2.
    swapped = [PickHandling(1, D(4), lot="L3"), PickHandling(2, D(4), lot="L1")]
    outcome = register_pick(created.pick, created.shipment, swapped, picking(lots, on_activities=on_this_pick))

    assert sorted((p.tracking.lot, p.quantity) for p in outcome.shipment.line(1).picked) == [("L1", D(4)), ("L3", D(4))]
    assert quantities(apply(lots, outcome.entries))[("A1", "MILK", "", "L2")] == D(4)

    # Two lines cannot both take what only one of them released.
    twice = [PickHandling(1, D(4)), PickHandling(2, D(4), lot="L1")]
    with pytest.raises(InsufficientBinContentError):
        register_pick(created.pick, created.shipment, twice, picking(lots, on_activities=on_this_pick))


def test_W6_swapped_lot_must_be_free_in_the_take_bin():
    with pytest.raises(InsufficientBinContentError) as refused:
        picked(handled=[PickHandling(1, D(3), lot="L2")])  # L2 is in A1, not in the take bin A2
    assert "Bin A2 has 0" in refused.value.message


def test_W6_swapped_lot_reserved_for_other_demand_is_refused():
    content = [*MILK_STOCK, row("A2", "MILK", 3, lot="L3", expiration=AUG)]
    theirs = [Reservation(demand=SO2, item_no="MILK", quantity=D(3), lot="L3")]

    with pytest.raises(ReservedForOtherDemandError) as refused:
        picked(content, quantity=6, handled=[PickHandling(1, D(1), lot="L3")], reservations=theirs)
    assert refused.value.reason_code == "reserved_for_other_demand"


def test_T4_lot_blocked_after_the_pick_was_created_cannot_be_registered():
    created = create_pick(shipment(), "PK1", picking(MILK_STOCK))
    blocked_since = picking(MILK_STOCK, blocked=BlockedTracking(lots=frozenset({("MILK", "L1")})))

    with pytest.raises(LotBlockedError) as refused:
        register_pick(created.pick, created.shipment, [PickHandling(1, D(1))], blocked_since)
    assert "Lot L1 of item MILK is blocked" in refused.value.message


def test_pick_changes_only_its_own_shipment():
    created = create_pick(shipment(), "PK1", picking(MILK_STOCK))
    other = release_outbound("SH9", [SourceRequest(SO2, "MILK", D(8))], stock()).shipment

    with pytest.raises(DocumentNotFoundError):
        register_pick(created.pick, other, [PickHandling(1, D(1))], picking(MILK_STOCK))


def test_cancelled_pick_line_frees_the_shipment_line_to_pick_again():
    created = create_pick(shipment(quantity=8), "PK1", picking(MILK_STOCK))

    outcome = cancel_pick(created.pick, created.shipment, [2])

    assert outcome.pick.line(2).is_closed and not outcome.pick.line(1).is_closed
    assert (outcome.shipment.line(1).quantity_on_pick, outcome.shipment.line(1).quantity_to_pick) == (D(6), D(2))
    assert outcome.events == (PickCancelled("PK1", "SH1", LOC, (
        AllocatedLine(2, SO1, "MILK", "", "A1", Tracking(lot="L2", expiration=AUG), D(2)),)),)


def ship(outcome, content, today=TODAY, quantities_=None):
    return post_shipment(outcome.shipment, "ADJ-SH1", stock(content, today=today), quantities_)


def test_W4_posting_removes_picked_stock_from_ship_bin():
    outcome, content = picked()

    posted = ship(outcome, content)

    assert quantities(apply(content, posted.entries)) == {("A1", "MILK", "", "L2"): D(4)}
    event = posted.events[-1]
    assert isinstance(event, ShipmentPosted) and event.posting_date == TODAY
    assert [(x.source, x.bin_code, x.tracking.lot, x.quantity) for x in event.lines] == [
        (SO1, "SHIP", "L1", D(6)), (SO1, "SHIP", "L2", D(2))]
    assert posted.shipment.is_closed and posted.shipment.line(1).picked == ()


def test_W4_shipment_cannot_post_more_than_picked():
    outcome, content = picked(handled=[PickHandling(1, D(5))])

    with pytest.raises(ShipmentExceedsPickedError) as refused:
        ship(outcome, content, quantities_={1: D(6)})
    assert "has 5 picked" in refused.value.message


def test_W4_nothing_picked_nothing_to_ship():
    created = create_pick(shipment(), "PK1", picking(MILK_STOCK))

    with pytest.raises(NothingToShipError):
        ship(created, MILK_STOCK)


def test_T5_strict_expired_stock_cannot_ship():
    outcome, content = picked()

    with pytest.raises(LotExpiredError) as refused:
        ship(outcome, content, today=date(2025, 7, 2))
    assert "item MILK (lot L1) expired on 2025-07-01" in refused.value.message

    partial = ship(outcome, content, today=date(2025, 7, 2), quantities_={1: D(2)})
    assert [(x.tracking.lot, x.quantity) for x in partial.events[-1].lines] == [("L2", D(2))]


def test_S4_pending_adjustment_bin_balances_are_posted_before_the_shipment():
    outcome, content = picked()
    content += [row("ADJ", "MILK", 1, lot="L1", expiration=JUL), row("ADJ", "BOLT", -2)]

    posted = ship(outcome, content)

    adjustment, shipped = posted.events
    assert adjustment == WarehouseAdjustmentPosted("ADJ-SH1", LOC, TODAY, "MILK", (
        AdjustmentPostingLine("", Tracking(lot="L1", expiration=JUL), D(-1)),))
    assert isinstance(shipped, ShipmentPosted)
    assert (posted.entries[0].key, posted.entries[0].quantity) == (key("ADJ", "MILK", lot="L1", expiration=JUL), D(-1))
    assert quantities(apply(content, posted.entries))[("ADJ", "BOLT", "", "")] == D(-2)
