"""Synchronization with the warehouse: postings become entries (S1, S4, S5), allocations reduce
availability (S2), picks re-point reservations (S3), and nothing is ever dropped (S5, S6)."""

from datetime import date

from inventory.domain.availability import AdjustmentBinChange, AllocationChange
from inventory.domain.commands import RegisteredPick
from inventory.domain.events import (
    LedgerEntriesPosted,
    PickedTrackingRecorded,
    PostingApplied,
    PostingParked,
    ReservationCancelled,
    ReservationChanged,
    ReservationConflict,
    ReservationsSynchronized,
)
from inventory.domain.keys import TrackingNumbers
from inventory.domain.ledger import EntryType
from inventory.domain.postings import Posting, Shortage
from inventory.domain.reservations import cancel_reservation, reserve
from inventory.domain.synchronization import (
    post,
    record_adjustment_bin_changes,
    record_allocation_changes,
    register_pick,
)
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
    shipment,
)


def pick(books: Books, for_demand, proposed, picked, quantity) -> None:
    """The warehouse creates a pick on `proposed` and registers it with what was really scanned."""
    books.run(record_allocation_changes, [AllocationChange.activity_created(for_demand, proposed, d(quantity))])
    books.run(register_pick, [RegisteredPick(for_demand, picked, d(quantity), proposed)])


def test_S1_receipt_creates_positive_entries_with_the_received_lot_and_expiration():
    books = Books(item("MILK", policy="lot", expiration_required=True))

    changes = books.post(
        receipt(
            "R-1",
            line(key("MILK", lot="L1"), 4, expiration=date(2030, 1, 1)),
            line(key("MILK", lot="L2"), 6, doc_line=2, expiration=date(2030, 2, 1)),
        )
    )

    assert [(e.entry_type, e.key.lot_no, e.quantity, e.expiration_date) for e in changes.new_entries] == [
        (EntryType.PURCHASE, "L1", d(4), date(2030, 1, 1)),
        (EntryType.PURCHASE, "L2", d(6), date(2030, 2, 1)),
    ]
    assert changes.events == (LedgerEntriesPosted("R-1", changes.new_entries, ()),)
    assert (books.at(at("MILK")).inventory, books.at(key("MILK", lot="L2")).inventory) == (d(10), d(6))


def test_S2_pick_allocations_are_kept_per_lot_and_per_demand_until_shipped():
    books = lots_on_hand(("L1", 5), ("L2", 5))

    books.run(record_allocation_changes, [AllocationChange.activity_created(demand("SO-1"), key(lot="L1"), d(3))])
    assert (books.at(key(lot="L1")).on_picks_and_movements, books.available(key(lot="L1")), books.available(at())) == (
        d(3),
        d(2),
        d(7),
    )
    assert books.demand_totals[demand("SO-1"), key(lot="L1")].on_picks_and_movements == d(3)

    # Registered: picked, waiting in the ship bin. Still not available.
    books.run(register_pick, [RegisteredPick(demand("SO-1"), key(lot="L1"), d(3))])
    assert (books.at(key(lot="L1")).on_picks_and_movements, books.at(key(lot="L1")).in_outbound_bins) == (d(0), d(3))
    assert books.available(at()) == d(7)

    # Shipped: it leaves the outbound bin and the ledger.
    books.post(shipment("S-1", demand("SO-1"), (key(lot="L1"), 3)))
    assert (books.at(key(lot="L1")).in_outbound_bins, books.at(key(lot="L1")).inventory, books.available(at())) == (
        d(0),
        d(2),
        d(7),
    )


def test_S3_pick_registered_writes_the_picked_lot_onto_the_demand():
    books = lots_on_hand(("L1", 5))

    changes = books.run(register_pick, [RegisteredPick(demand("SO-1"), key(lot="L1"), d(2))])

    assert PickedTrackingRecorded(demand("SO-1"), key(lot="L1"), d(2), d(2)) in changes.events
    assert books.tracking[demand("SO-1"), key(lot="L1")].picked_quantity == d(2)


def test_S3_nonspecific_reservation_follows_picked_lot():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 5))  # first in: sits on L1

    pick(books, demand("SO-1"), proposed=key(lot="L1"), picked=key(lot="L2"), quantity=5)

    assert books.reserved_lots(demand("SO-1")) == {"L2": d(5)}
    assert ReservationChanged(demand("SO-1"), key(lot="L1"), key(lot="L2"), d(5), "late_binding") in books.events
    assert books.available(at()) == d(5)


def test_S3_other_demands_nonspecific_reservation_on_the_picked_lot_swaps_to_the_freed_lot():
    books = lots_on_hand(("L1", 5), ("L2", 5), ("L3", 5))
    books.run(reserve, request(demand("SO-9"), 5))  # L1, given back below: L1 is free, first in
    books.run(reserve, request(demand("SO-1"), 5))  # L2
    books.run(reserve, request(demand("SO-2"), 5))  # L3
    books.run(cancel_reservation, demand("SO-9"), at(), TrackingNumbers())

    pick(books, demand("SO-1"), proposed=key(lot="L2"), picked=key(lot="L3"), quantity=5)

    assert books.reserved_lots(demand("SO-1")) == {"L3": d(5)}
    assert books.reserved_lots(demand("SO-2")) == {"L2": d(5)}  # the lot SO-1 freed, not the older free L1
    assert (
        ReservationChanged(demand("SO-2"), key(lot="L3"), key(lot="L2"), d(5), "swapped_for_picked_lot") in books.events
    )


def test_S3_specific_reservation_of_other_demand_is_never_taken():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-2"), 5, named=lot("L2")))
    books.run(reserve, request(demand("SO-1"), 5))  # L1

    # A race past W6: the picker scanned L2 for SO-1.
    pick(books, demand("SO-1"), proposed=key(lot="L1"), picked=key(lot="L2"), quantity=5)

    assert books.reserved_lots(demand("SO-2")) == {"L2": d(5)}
    assert books.reserved_lots(demand("SO-1")) == {"L1": d(5)}
    assert books.events_of(ReservationConflict) == [
        ReservationConflict(demand("SO-1"), demand("SO-2"), key(lot="L2"), d(5))
    ]
    # Both facts are kept: L2 is in SO-1's ship bin and specifically reserved for SO-2.
    assert (books.at(key(lot="L2")).in_outbound_bins, books.at(key(lot="L2")).reserved) == (d(5), d(5))
    assert books.available(key(lot="L2")) == d(-5)


def test_S4_warehouse_adjustment_posts_adjustment_entries_and_empties_the_adjustment_bin():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 5))  # nonspecific, sits on L1
    # W8: 3 of L1 reclassified to L2 in the warehouse: the adjustment bin holds +3 L1 and -3 L2.
    books.run(
        record_adjustment_bin_changes,
        [AdjustmentBinChange(key(lot="L1"), d(3)), AdjustmentBinChange(key(lot="L2"), d(-3))],
    )
    assert (books.available(key(lot="L1")), books.available(at())) == (d(2), d(5))

    # W10: the calculated adjustment is posted.
    books.post(
        Posting(
            "ADJ-1",
            (
                line(key(lot="L1"), -3, EntryType.NEGATIVE_ADJUSTMENT, "ADJ-1"),
                line(key(lot="L2"), 3, EntryType.POSITIVE_ADJUSTMENT, "ADJ-1", 2),
            ),
        )
    )

    assert (books.at(key(lot="L1")).inventory, books.at(key(lot="L2")).inventory) == (d(2), d(8))
    assert (books.at(key(lot="L1")).adjustment_bin_balance, books.at(key(lot="L2")).adjustment_bin_balance) == (
        d(0),
        d(0),
    )
    assert books.reserved_lots(demand("SO-1")) == {"L1": d(2), "L2": d(3)}  # the promise left the lost units
    assert books.available(at()) == d(5)


def test_S4_shipment_of_a_reclassified_lot_waits_for_the_adjustment_that_explains_it():
    books = lots_on_hand(("L1", 5))
    # W8: the warehouse relabelled 2 of L1 as L2 and shipped them before W10 was posted.
    books.post(shipment("S-1", demand("SO-1"), (key(lot="L2"), 2)))
    assert list(books.parked) == ["S-1"] and books.at(key(lot="L1")).inventory == d(5)

    changes = books.post(
        Posting(
            "ADJ-1",
            (
                line(key(lot="L1"), -2, EntryType.NEGATIVE_ADJUSTMENT, "ADJ-1"),
                line(key(lot="L2"), 2, EntryType.POSITIVE_ADJUSTMENT, "ADJ-1", 2),
            ),
        )
    )

    assert PostingApplied("S-1", (at(),)) in changes.events and books.parked == {}
    assert (books.at(key(lot="L1")).inventory, books.at(key(lot="L2")).inventory) == (d(3), d(0))


def test_S5_shipment_consumes_the_demands_reservation_and_closes_it():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))
    books.run(reserve, request(demand("SO-1"), 6))
    pick(books, demand("SO-1"), proposed=key(), picked=key(), quantity=4)

    changes = books.post(shipment("S-1", demand("SO-1"), (key(), 4)))

    assert ReservationsSynchronized(demand("SO-1"), "S-1", key(), d(4), d(4), d(2), "S-1") in changes.events
    assert books.reserved_lots(demand("SO-1")) == {"": d(2)}
    assert (books.at(at()).inventory, books.at(at()).in_outbound_bins, books.available(at())) == (d(6), d(0), d(4))

    pick(books, demand("SO-1"), proposed=key(), picked=key(), quantity=2)
    books.post(shipment("S-2", demand("SO-1"), (key(), 2)))
    assert books.reservations == {} and books.available(at()) == d(4)


def test_S5_shipping_stock_another_demand_holds_moves_that_promise_or_cancels_it():
    books = lots_on_hand(("L1", 5), ("L2", 2))
    books.run(reserve, request(demand("SO-2"), 5))  # nonspecific on L1

    books.post(shipment("S-1", demand("SO-1"), (key(lot="L1"), 5)))

    assert books.reserved_lots(demand("SO-2")) == {"L2": d(2)}
    assert (
        ReservationChanged(demand("SO-2"), key(lot="L1"), key(lot="L2"), d(2), "supply_left_inventory") in books.events
    )
    assert ReservationCancelled(demand("SO-2"), at(), TrackingNumbers(), d(3), "supply_left_inventory") in books.events


def test_S5_shipment_before_receipt_is_parked_then_applied():
    books = Books(item(policy="lot"))

    parked = books.post(shipment("S-1", demand("SO-1"), (key(lot="L1"), 3)))

    assert parked.new_entries == () and parked.totals == ()
    [event] = parked.events
    assert isinstance(event, PostingParked) and event.reason_code == "cannot_be_fully_applied"
    assert event.shortages == (Shortage(key(lot="L1"), d(3), d(0)),)
    assert "Item BOLT cannot be fully applied" in event.message
    assert list(books.parked) == ["S-1"]

    # The receipt arrives; the parked shipment is applied in the same transaction.
    applied = books.post(receipt("R-1", line(key(lot="L1"), 5)))

    assert PostingApplied("S-1", (at(),)) in applied.events and books.parked == {}
    assert [(e.entry_type, e.quantity) for e in applied.new_entries] == [
        (EntryType.PURCHASE, d(5)),
        (EntryType.SALE, d(-3)),
    ]
    assert books.at(key(lot="L1")).inventory == d(2)


def test_S5_retry_applies_only_what_the_new_supply_covers_oldest_first():
    books = Books(item(policy="lot"))
    books.post(shipment("S-1", demand("SO-1"), (key(lot="L1"), 3)))
    books.post(shipment("S-2", demand("SO-2"), (key(lot="L1"), 2)))
    books.post(shipment("S-3", demand("SO-3"), (key(lot="L1"), 1)))

    changes = books.post(receipt("R-1", line(key(lot="L1"), 4)))  # retries the parked ones, oldest first

    assert changes.unparked == ("S-1", "S-3") and list(books.parked) == ["S-2"]
    assert books.at(key(lot="L1")).inventory == d(0)


def test_S6_the_same_message_on_the_same_state_decides_the_same():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 5))
    state, posting = books.state, shipment("S-1", demand("SO-1"), (key(lot="L2"), 4))

    assert post(posting, state) == post(posting, state)
    assert books.state == state  # inputs untouched
