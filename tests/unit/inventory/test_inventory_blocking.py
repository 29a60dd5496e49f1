"""Blocked serial/lot numbers take part in no reservation (T4)."""

import pytest

from inventory.domain.blocking import block_tracking, unblock_tracking, withdraw_blocked_supply
from inventory.domain.errors import (
    InsufficientAvailabilityError,
    TrackingBlockedError,
    TrackingNotBlockedError,
    TrackingNumberRequiredError,
)
from inventory.domain.events import ReservationCancelled, ReservationChanged, TrackingBlocked
from inventory.domain.keys import BlockedTracking, TrackingNumbers
from inventory.domain.reservations import reserve
from tests.support.inventory_books import Books, at, d, demand, item, key, lot, lots_on_hand, request


def block(books: Books, number: str) -> None:
    """What the persistence layer does: store the block, then withdraw reservations on it."""
    books.blocked.add(BlockedTracking("BOLT", "", lot(number)))
    books.run(withdraw_blocked_supply)


def test_T4_a_blocked_lot_cannot_be_reserved_by_name():
    books = lots_on_hand(("L1", 5))
    block(books, "L1")

    with pytest.raises(TrackingBlockedError, match="lot L1"):
        reserve(request(demand(), 1, named=lot("L1")), books.state)


def test_T4_blocked_stock_is_not_available_and_nonspecific_reservations_skip_it():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    block(books, "L1")

    books.run(reserve, request(demand("SO-1"), 5))

    assert books.reserved_lots(demand("SO-1")) == {"L2": d(5)}
    with pytest.raises(InsufficientAvailabilityError) as refused:
        reserve(request(demand("SO-2"), 1), books.state)
    assert (refused.value.breakdown.blocked, refused.value.available) == (d(5), d(0))


def test_T4_blocking_moves_nonspecific_reservations_away_and_cancels_what_cannot_move():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 3))  # nonspecific: sits on L1, first in
    books.run(reserve, request(demand("SO-3"), 2, named=lot("L1")))
    books.run(reserve, request(demand("SO-2"), 3, named=lot("L2")))  # L2 has 2 free

    block(books, "L1")

    assert books.reserved_lots(demand("SO-1")) == {"L2": d(2)}
    assert ReservationChanged(demand("SO-1"), key(lot="L1"), key(lot="L2"), d(2), "tracking_blocked") in books.events
    assert ReservationCancelled(demand("SO-1"), at(), TrackingNumbers(), d(1), "tracking_blocked") in books.events
    # A specific promise of the blocked lot cannot be kept by any other lot.
    assert books.reserved_lots(demand("SO-3")) == {}
    assert ReservationCancelled(demand("SO-3"), at(), lot("L1"), d(2), "tracking_blocked") in books.events
    # L1 (5) is blocked, SO-1 and SO-2 hold L2: nothing is left to reserve.
    with pytest.raises(InsufficientAvailabilityError) as refused:
        reserve(request(demand("SO-4"), 1), books.state)
    assert (refused.value.breakdown.reserved, refused.value.breakdown.blocked, refused.value.available) == (
        d(5),
        d(5),
        d(0),
    )


def test_T4_blocking_needs_a_number_the_item_tracks_and_unblocking_needs_a_block():
    lot_item = item(policy="lot")
    blocked = BlockedTracking("BOLT", "", lot("L1"))

    assert block_tracking(blocked, "recall", lot_item) == TrackingBlocked(blocked, "recall")
    with pytest.raises(TrackingNumberRequiredError):
        block_tracking(BlockedTracking("BOLT", "", TrackingNumbers()), "", lot_item)
    with pytest.raises(TrackingNotBlockedError, match="lot L1 of item BOLT"):
        unblock_tracking(blocked, lot_item, is_blocked=False)


def test_T4_unblocked_stock_is_reservable_again():
    books = lots_on_hand(("L1", 5))
    block(books, "L1")
    books.blocked.clear()

    books.run(reserve, request(demand("SO-1"), 5, named=lot("L1")))

    assert books.reserved_lots(demand("SO-1")) == {"L1": d(5)}
