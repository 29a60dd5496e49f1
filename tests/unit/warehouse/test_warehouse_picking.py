"""Pick proposals: which bins and serials/lots a pick takes (W5, W3, T4-T6, I7)."""

from datetime import date

from tests.support.warehouse_builders import ITEMS, PICK, TODAY, D, blocked_bin, key, location, order, picking, row
from warehouse.domain.location import Bin, BlockMovement
from warehouse.domain.picking import DemandAllocation, Reservation, TrackingAssignment, propose_pick
from warehouse.domain.tracking import BlockedTracking, Tracking

SO1, SO2 = order("SO1"), order("SO2")
JUL, AUG, SEP = date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)


def proposed(content, quantity, item_no="BOLT", demand=SO1, loc=None, **state):
    proposals = propose_pick(demand, ITEMS[item_no], "", D(quantity), picking(content, loc, **state))
    return [(p.key.bin_code, p.key.tracking.serial or p.key.tracking.lot, p.quantity) for p in proposals]


def test_W5_only_pick_bins_are_proposed():
    content = [row("BULK", "BOLT", 50), row("QC", "BOLT", 50), row("SHIP", "BOLT", 50), row("A1", "BOLT", 3)]

    assert proposed(content, 10) == [("A1", "", D(3))]


def test_W3_receive_bin_content_is_never_proposed():
    assert proposed([row("RECV", "BOLT", 10)], 5) == []


def test_W5_blocked_and_dedicated_bins_are_skipped():
    loc = location(blocked_bin("OUT", BlockMovement.OUTBOUND), blocked_bin("ALL", BlockMovement.ALL),
                   blocked_bin("IN", BlockMovement.INBOUND), Bin("DED", "STORE", PICK, dedicated=True))
    content = [row(b, "BOLT", 5) for b in ("OUT", "ALL", "DED", "IN")]

    assert proposed(content, 20, loc=loc) == [("IN", "", D(5))]


def test_W5_stock_on_other_open_picks_and_movements_is_not_proposed_again():
    content = [row("A2", "BOLT", 10), row("A1", "BOLT", 10)]

    assert proposed(content, 15, on_activities={key("A2", "BOLT"): D(8)}) == [("A2", "", D(2)), ("A1", "", D(10))]


def test_W5_without_fefo_highest_bin_ranking_first():
    content = [row("A1", "MILK", 5, lot="L1", expiration=JUL), row("A2", "MILK", 5, lot="L2", expiration=SEP)]

    assert proposed(content, 7, "MILK") == [("A2", "L2", D(5)), ("A1", "L1", D(2))]


def test_T6_fefo_earliest_expiry_then_lowest_lot():
    loc = location(pick_by_fefo=True)
    content = [row("A1", "MILK", 4, lot="L9", expiration=AUG, first_entry_no=1),
               row("A2", "MILK", 4, lot="L5", expiration=AUG, first_entry_no=2),
               row("A2", "MILK", 4, lot="L7", expiration=JUL, first_entry_no=3)]

    assert proposed(content, 10, "MILK", loc=loc) == [("A2", "L7", D(4)), ("A2", "L5", D(4)), ("A1", "L9", D(2))]


def test_T6_fefo_equal_lot_then_first_registered_entry():
    loc = location(pick_by_fefo=True)
    content = [row("A2", "MILK", 4, lot="L1", expiration=JUL, first_entry_no=90),
               row("A1", "MILK", 4, lot="L1", expiration=JUL, first_entry_no=12)]

    assert proposed(content, 5, "MILK", loc=loc) == [("A1", "L1", D(4)), ("A2", "L1", D(1))]


def test_T6_fefo_for_serials_lowest_serial_on_equal_dates():
    loc = location(pick_by_fefo=True)
    content = [row("A1", "VACCINE", 1, serial=s, lot="L1", expiration=JUL) for s in ("S3", "S1", "S2")]

    assert proposed(content, 2, "VACCINE", loc=loc) == [("A1", "S1", D(1)), ("A1", "S2", D(1))]


def test_T5_strict_expiration_excludes_expired_lots():
    loc = location(pick_by_fefo=True)
    expired = date(2025, 5, 31)
    content = [row("A1", "MILK", 5, lot="OLD", expiration=expired), row("A1", "MILK", 5, lot="TODAY", expiration=TODAY)]

    assert proposed(content, 10, "MILK", loc=loc) == [("A1", "TODAY", D(5))]


def test_T5_expired_stock_of_a_non_strict_item_is_still_proposed():
    content = [row("A1", "VACCINE", 1, serial="S1", lot="OLD", expiration=date(2025, 1, 1))]

    assert proposed(content, 1, "VACCINE") == [("A1", "S1", D(1))]


def test_T4_blocked_lots_and_serials_are_skipped():
    content = [row("A1", "MILK", 5, lot="L1", expiration=JUL), row("A2", "MILK", 5, lot="L2", expiration=JUL)]
    blocked = BlockedTracking(lots=frozenset({("MILK", "L2")}))

    assert proposed(content, 10, "MILK", blocked=blocked) == [("A1", "L1", D(5))]


def test_W5_lots_the_demand_reserved_specifically_come_first():
    content = [row("A2", "MILK", 10, lot="L1", expiration=JUL), row("A1", "MILK", 10, lot="L2", expiration=JUL)]
    mine = [Reservation(demand=SO1, item_no="MILK", quantity=D(3), lot="L2")]

    assert proposed(content, 5, "MILK", reservations=mine) == [("A1", "L2", D(3)), ("A2", "L1", D(2))]


def test_I7_pick_limited_by_reservations_of_other_demand():
    content = [row("A1", "BOLT", 10)]
    reservations = [Reservation(demand=SO2, item_no="BOLT", quantity=D(7)),
                    Reservation(demand=SO1, item_no="BOLT", quantity=D(5))]

    assert proposed(content, 5, reservations=reservations) == [("A1", "", D(3))]


def test_I7_reservation_already_picked_for_its_demand_is_subtracted_once():
    content = [row("A1", "BOLT", 10)]
    reservations = [Reservation(demand=SO2, item_no="BOLT", quantity=D(7))]
    held_by_so2 = [DemandAllocation(demand=SO2, item_no="BOLT", quantity=D(4))]

    assert proposed(content, 10, reservations=reservations, allocations=held_by_so2) == [("A1", "", D(7))]


def test_I7_lot_specifically_reserved_for_other_demand_is_left_for_it():
    content = [row("A1", "MILK", 5, lot="L1", expiration=JUL), row("A2", "MILK", 5, lot="L2", expiration=AUG)]
    theirs = [Reservation(demand=SO2, item_no="MILK", quantity=D(4), lot="L2")]

    assert proposed(content, 10, "MILK", reservations=theirs) == [("A2", "L2", D(1)), ("A1", "L1", D(5))]


def test_I7_empty_reservation_replica_limits_nothing():
    assert proposed([row("A1", "BOLT", 4)], 4, reservations=()) == [("A1", "", D(4))]


def test_W5_proposal_keeps_the_stock_expiration_date():
    proposals = propose_pick(SO1, ITEMS["MILK"], "", D(1), picking([row("A1", "MILK", 5, lot="L1", expiration=JUL)]))

    assert proposals[0].key.tracking == Tracking(lot="L1", expiration=JUL)


def test_W5_lots_assigned_to_the_demand_come_first_but_hold_nothing_back_from_others():
    content = [row("A2", "MILK", 10, lot="L1", expiration=JUL), row("A1", "MILK", 10, lot="L2", expiration=JUL)]
    assigned = [TrackingAssignment(demand=SO1, item_no="MILK", quantity=D(4), lot="L2")]

    assert proposed(content, 5, "MILK", assignments=assigned) == [("A1", "L2", D(4)), ("A2", "L1", D(1))]
    assert proposed(content, 5, "MILK", demand=SO2, assignments=assigned) == [("A2", "L1", D(5))]
    assert proposed(content, 20, "MILK", demand=SO2, assignments=assigned) == [("A2", "L1", D(10)), ("A1", "L2", D(10))]
