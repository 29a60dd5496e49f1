"""Reservations: promises of supply at location level (I3, I4), never beyond availability (I5),
cancelled, reduced or re-numbered on request (I6)."""

from dataclasses import replace

import pytest

from inventory.domain.availability import AllocationChange
from inventory.domain.errors import (
    InsufficientAvailabilityError,
    ReductionExceedsReservationError,
    ReservationBelowLocationLevelError,
    ReservationNotFoundError,
    SerialQuantityMustBeOneError,
    TrackingNumberNotAllowedError,
    TrackingUnchangedError,
    UnknownItemError,
    UnknownLocationError,
)
from inventory.domain.events import (
    DemandReservationChanged,
    ReservationCancelled,
    ReservationChanged,
    ReservationCreated,
    ReservedSupply,
    TrackingAssigned,
)
from inventory.domain.keys import TrackingNumbers
from inventory.domain.reservations import (
    assign_tracking,
    cancel_reservation,
    change_reservation_tracking,
    delete_demand_line,
    reduce_reservation,
    reservation_rejected,
    reserve,
)
from inventory.domain.synchronization import record_allocation_changes
from tests.support.inventory_books import (
    Books,
    at,
    d,
    demand,
    item,
    key,
    line,
    lot,
    lots_on_hand,
    receipt,
    request,
)


def test_I5_worked_example_two_demands_take_all_110_and_a_third_is_refused_with_the_numbers():
    books = Books(item())
    # 110 received at WH1; the warehouse put 100 away and 10 still wait in the receive bin.
    # Bins are the warehouse's business: inventory sees 110 at the location.
    books.post(receipt("R-1", line(key(), 110)))
    books.run(reserve, request(demand("SO-1"), 60))
    books.run(reserve, request(demand("SO-2"), 50))
    assert books.available(at()) == d(0)

    third = request(demand("SO-3"), 5)
    with pytest.raises(InsufficientAvailabilityError) as refused:
        books.run(reserve, third)

    error = refused.value
    assert error.reason_code == "insufficient_availability"
    assert (error.requested, error.available) == (d(5), d(0))
    assert (error.breakdown.inventory, error.breakdown.reserved, error.breakdown.on_picks_and_movements) == (
        d(110),
        d(110),
        d(0),
    )
    assert "Only 0 of the 5 requested" in error.message and "inventory 110" in error.message
    rejected = reservation_rejected(third, error)
    assert (rejected.reason_code, rejected.requested_quantity, rejected.available_quantity) == (
        "insufficient_availability",
        d(5),
        d(0),
    )
    assert rejected.breakdown.inventory == d(110)


def test_I5_partial_request_is_granted_what_is_available():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))
    books.run(reserve, request(demand("SO-1"), 7))

    changes = books.run(reserve, request(demand("SO-2"), 5, allow_partial=True))

    [created] = [e for e in changes.events if isinstance(e, ReservationCreated)]
    assert (created.quantity, created.requested_quantity) == (d(3), d(5))
    assert books.available(at()) == d(0)
    # The numbers that explain why 2 are short: 10 in inventory, 7 reserved for SO-1.
    assert created.shortage is not None
    assert (created.shortage.inventory, created.shortage.reserved, created.shortage.available_to_reserve) == (
        d(10), d(7), d(3))


def test_I5_a_full_grant_carries_no_shortage():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))

    changes = books.run(reserve, request(demand("SO-1"), 4, allow_partial=True))

    [created] = [e for e in changes.events if isinstance(e, ReservationCreated)]
    assert (created.quantity, created.shortage) == (d(4), None)


def test_I5_reserved_and_picked_for_same_demand_counts_once():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))
    books.run(reserve, request(demand("SO-1"), 6))

    books.run(record_allocation_changes, [AllocationChange.activity_created(demand("SO-1"), key(), d(6))])

    # 10 - on pick 6 - reserved 6 + the 6 counted twice = 4, not -2.
    assert books.available(at()) == d(4)
    assert books.at(at()).reserved_and_allocated_same_demand == d(6)
    with pytest.raises(InsufficientAvailabilityError):
        books.run(reserve, request(demand("SO-2"), 5))
    books.run(reserve, request(demand("SO-2"), 4))


def test_I5_open_picks_for_other_demand_reduce_availability():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))

    books.run(record_allocation_changes, [AllocationChange.activity_created(demand("SO-2"), key(), d(3))])

    assert books.available(at()) == d(7)
    books.run(record_allocation_changes, [AllocationChange.activity_ended(demand("SO-2"), key(), d(3))])
    assert books.available(at()) == d(10)


def test_I5_a_demand_may_reserve_what_was_already_picked_for_it():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))
    books.run(record_allocation_changes, [AllocationChange.activity_created(demand("SO-1"), key(), d(10))])

    with pytest.raises(InsufficientAvailabilityError):
        books.run(reserve, request(demand("SO-2"), 1))
    books.run(reserve, request(demand("SO-1"), 10))

    assert books.available(at()) == d(0) and books.reserved_lots(demand("SO-1")) == {"": d(10)}


def test_I5_specific_request_must_fit_its_lot_as_well_as_the_location():
    books = lots_on_hand(("L1", 3), ("L2", 10))

    with pytest.raises(InsufficientAvailabilityError) as refused:
        books.run(reserve, request(demand("SO-1"), 4, named=lot("L1")))

    assert (refused.value.available, refused.value.breakdown.inventory) == (d(3), d(3))
    assert "lot L1" in refused.value.message


def test_I3_nonspecific_reservation_points_at_concrete_entries_first_in_first():
    books = lots_on_hand(("L1", 5), ("L2", 5))

    changes = books.run(reserve, request(demand("SO-1"), 7))

    [created] = [e for e in changes.events if isinstance(e, ReservationCreated)]
    assert created.supply == (ReservedSupply(1, key(lot="L1"), d(5)), ReservedSupply(2, key(lot="L2"), d(2)))
    assert all(not row.is_specific for row in books.reservations.values())
    assert books.at(key(lot="L1")).reserved == d(0)  # nonspecific: no particular lot is held
    assert books.at(at()).reserved == d(7)


def test_I3_specific_reservation_takes_its_lot_and_moves_a_nonspecific_one_elsewhere():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 5))  # sits on L1

    changes = books.run(reserve, request(demand("SO-2"), 5, named=lot("L1")))

    assert books.reserved_lots(demand("SO-2")) == {"L1": d(5)}
    assert books.reserved_lots(demand("SO-1")) == {"L2": d(5)}
    assert (
        ReservationChanged(demand("SO-1"), key(lot="L1"), key(lot="L2"), d(5), "made_room_for_specific")
        in changes.events
    )
    assert books.at(key(lot="L1")).reserved == d(5)


def test_I4_reservation_naming_bin_is_refused():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))

    for named in ({"bin_code": "A-01"}, {"zone_code": "PICK"}):
        with pytest.raises(ReservationBelowLocationLevelError) as refused:
            books.run(reserve, request(demand(), 1, **named))
        assert refused.value.reason_code == "reservation_below_location_level"
    assert books.reservations == {}


def test_reservation_requests_are_checked_against_item_location_and_tracking():
    books = Books(item(policy="serial"), item("GLUE"))
    books.post(receipt("R-1", line(key(serial="SN-1"), 1)))

    with pytest.raises(UnknownItemError):
        books.run(reserve, request(demand(), 1, item_no="NAIL"))
    with pytest.raises(UnknownLocationError):
        books.run(reserve, replace(request(demand(), 1), location=at(location="NOWHERE")))
    with pytest.raises(SerialQuantityMustBeOneError):
        books.run(reserve, request(demand(), 2, named=TrackingNumbers(serial_no="SN-1")))
    with pytest.raises(TrackingNumberNotAllowedError):
        books.run(reserve, request(demand(), 1, named=lot("L1")))


def test_I6_cancel_gives_the_whole_reservation_back():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))
    books.run(reserve, request(demand("SO-1"), 6))

    changes = books.run(cancel_reservation, demand("SO-1"), at(), TrackingNumbers())

    assert ReservationCancelled(demand("SO-1"), at(), TrackingNumbers(), d(6), "cancelled") in changes.events
    assert books.reservations == {} and books.available(at()) == d(10)
    with pytest.raises(ReservationNotFoundError) as refused:
        books.run(cancel_reservation, demand("SO-1"), at(), TrackingNumbers())
    assert refused.value.reason_code == "reservation_not_found"


def test_I6_cancel_naming_a_lot_cancels_only_the_reservation_of_that_lot():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 2, named=lot("L1")))
    books.run(reserve, request(demand("SO-1"), 3, named=lot("L2")))

    books.run(cancel_reservation, demand("SO-1"), at(), lot("L1"))

    assert books.reserved_lots(demand("SO-1")) == {"L2": d(3)}


def test_I6_reduce_gives_back_nonspecific_before_specific():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 3, named=lot("L2")))
    books.run(reserve, request(demand("SO-1"), 4))

    books.run(reduce_reservation, demand("SO-1"), at(), d(5))

    assert books.reserved_lots(demand("SO-1")) == {"L2": d(2)}
    assert books.available(at()) == d(8)
    with pytest.raises(ReductionExceedsReservationError):
        books.run(reduce_reservation, demand("SO-1"), at(), d(3))


def test_I6_deleting_the_demand_line_cancels_all_of_it():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 2, named=lot("L1")))
    books.run(reserve, request(demand("SO-1"), 6))
    books.run(assign_tracking, demand("SO-1"), key(lot="L2"), d(2))

    changes = books.run(delete_demand_line, demand("SO-1"), at())

    cancelled = sorted(
        (e.named.lot_no, e.quantity, e.reason) for e in changes.events if isinstance(e, ReservationCancelled)
    )
    assert cancelled == [("", d(6), "demand_line_deleted"), ("L1", d(2), "demand_line_deleted")]
    assert books.reservations == {} and books.tracking == {} and books.available(at()) == d(10)


def test_I6_deleting_a_line_that_holds_nothing_confirms_that_it_holds_nothing():
    books = lots_on_hand(("L1", 5))

    changes = books.run(delete_demand_line, demand("SO-1"), at())

    assert changes.events == (DemandReservationChanged(demand("SO-1"), at(), d(0)),)


def test_I6_changing_a_reservation_to_the_numbers_it_already_names_is_refused():
    books = lots_on_hand(("L1", 5))
    books.run(reserve, request(demand("SO-1"), 2, named=lot("L1")))

    with pytest.raises(TrackingUnchangedError):
        change_reservation_tracking(demand("SO-1"), at(), lot("L1"), lot("L1"), books.state)


def test_I6_changing_the_lot_of_a_specific_reservation_moves_it_when_the_new_lot_is_available():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 4, named=lot("L1")))

    changes = books.run(change_reservation_tracking, demand("SO-1"), at(), lot("L1"), lot("L2"))

    assert books.reserved_lots(demand("SO-1")) == {"L2": d(4)}
    assert ReservationChanged(demand("SO-1"), key(lot="L1"), key(lot="L2"), d(4), "tracking_changed") in changes.events
    assert (books.at(key(lot="L1")).reserved, books.at(key(lot="L2")).reserved) == (d(0), d(4))


def test_I6_changing_the_lot_of_a_specific_reservation_cancels_it_when_the_new_lot_is_not_available():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 4, named=lot("L1")))
    books.run(reserve, request(demand("SO-2"), 3, named=lot("L2")))

    changes = books.run(change_reservation_tracking, demand("SO-1"), at(), lot("L1"), lot("L2"))

    assert books.reserved_lots(demand("SO-1")) == {}
    assert ReservationCancelled(demand("SO-1"), at(), lot("L1"), d(4), "new_tracking_unavailable") in changes.events


def test_assigning_a_lot_to_a_demand_line_reserves_nothing():
    books = lots_on_hand(("L1", 5))

    changes = books.run(assign_tracking, demand("SO-1"), key(lot="L1"), d(3))

    assert changes.events == (TrackingAssigned(demand("SO-1"), key(lot="L1"), d(3)),)
    assert [(row.assigned_quantity, row.picked_quantity) for row in books.tracking.values()] == [(d(3), d(0))]
    assert books.reservations == {} and books.available(at()) == d(5)
