"""Availability comes from maintained totals (I8), and reservation totals per demand are
published for the warehouse's available-to-pick (I7)."""

from collections import defaultdict
from decimal import Decimal

import pytest

from inventory.domain.availability import AllocationChange, StockTotals
from inventory.domain.commands import RegisteredPick
from inventory.domain.errors import InsufficientAvailabilityError
from inventory.domain.events import DemandReservationChanged
from inventory.domain.keys import TrackingKey
from inventory.domain.reservations import reduce_reservation, reserve
from inventory.domain.synchronization import (
    record_allocation_changes,
    register_pick,
)
from inventory.domain.workspace import StockState
from tests.support.inventory_books import (
    Books,
    at,
    d,
    demand,
    item,
    key,
    line,
    lot,
    receipt,
    request,
    shipment,
)


def test_I7_reservation_totals_per_demand_are_published_for_available_to_pick():
    books = Books(item(policy="lot"))
    books.post(receipt("R-1", line(key(lot="L1"), 5), line(key(lot="L2"), 5, doc_line=2)))

    books.run(reserve, request(demand("SO-1"), 2, named=lot("L2")))
    changes = books.run(reserve, request(demand("SO-1"), 4))

    # At location level every reservation counts (other demand may not pick into it), at lot
    # level only the specific ones (a nonspecific promise follows whatever lot is picked).
    assert [e for e in changes.events if isinstance(e, DemandReservationChanged)] == [
        DemandReservationChanged(demand("SO-1"), at(), d(6))
    ]
    assert DemandReservationChanged(demand("SO-1"), key(lot="L2"), d(2)) in books.events
    changes = books.run(reduce_reservation, demand("SO-1"), at(), d(5))
    assert {e for e in changes.events if isinstance(e, DemandReservationChanged)} == {
        DemandReservationChanged(demand("SO-1"), at(), d(1)),
        DemandReservationChanged(demand("SO-1"), key(lot="L2"), d(1)),
    }


def test_I8_availability_is_answered_from_the_maintained_totals_not_the_ledger():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))
    state = books.state
    # The totals say everything is on picks; the open entries alone would say 10 are free.
    busy = StockTotals(at(), inventory=d(10), on_picks_and_movements=d(10))
    state = StockState(**{**vars(state), "totals": (busy,)})

    with pytest.raises(InsufficientAvailabilityError) as refused:
        reserve(request(demand("SO-1"), 1), state)
    assert refused.value.breakdown.on_picks_and_movements == d(10)


def test_I8_every_change_keeps_the_maintained_totals_equal_to_a_full_recount():
    books = Books(item(policy="lot"))
    books.post(
        receipt("R-1", line(key(lot="L1"), 5), line(key(lot="L2"), 5, doc_line=2), line(key(lot="L3"), 5, doc_line=3))
    )
    books.run(reserve, request(demand("SO-1"), 6))
    books.run(reserve, request(demand("SO-2"), 3, named=lot("L3")))
    books.run(record_allocation_changes, [AllocationChange.activity_created(demand("SO-1"), key(lot="L1"), d(4))])
    books.run(register_pick, [RegisteredPick(demand("SO-1"), key(lot="L2"), d(4), proposed=key(lot="L1"))])
    books.run(record_allocation_changes, [AllocationChange.activity_created(demand("SO-2"), key(lot="L3"), d(3))])
    books.post(shipment("S-1", demand("SO-1"), (key(lot="L2"), 3)))

    for stock_key, maintained in books.totals.items():
        assert _without_adjustment_bin(maintained) == recount(books, stock_key), stock_key


def recount(books: Books, stock_key) -> StockTotals:
    """What a full scan would say: the reference the deltas must keep matching."""

    def belongs(tracking_key: TrackingKey) -> bool:
        return tracking_key == stock_key or (
            tracking_key.location_key == stock_key and not isinstance(stock_key, TrackingKey)
        )

    tracking_level = isinstance(stock_key, TrackingKey)
    figures: dict[str, Decimal] = defaultdict(Decimal)
    for entry in books.entries.values():
        if belongs(entry.key):
            figures["inventory"] += entry.open_quantity
    for row in books.reservations.values():
        if belongs(row.key) and (row.is_specific or not tracking_level):
            figures["reserved"] += row.quantity
    for (_, row_key), row in books.demand_totals.items():
        if row_key == stock_key:
            figures["on_picks_and_movements"] += row.on_picks_and_movements
            figures["in_outbound_bins"] += row.in_outbound_bins
            figures["reserved_and_allocated_same_demand"] += row.counted_once
    return StockTotals(stock_key, **figures)


def _without_adjustment_bin(totals: StockTotals) -> StockTotals:
    return StockTotals(**{**vars(totals), "adjustment_bin_balance": Decimal(0)})
