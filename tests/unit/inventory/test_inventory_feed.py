"""The availability feed (A1): one `AvailabilityChanged` per item/variant/location whose I5 terms a
message changed, with the figures after it, from the maintained totals."""

from inventory.domain.availability import AllocationChange
from inventory.domain.blocking import withdraw_blocked_supply
from inventory.domain.commands import RegisteredPick
from inventory.domain.events import AvailabilityChanged
from inventory.domain.feed import Announce, Feed, availability_changed, nothing_changed
from inventory.domain.keys import BlockedTracking
from inventory.domain.reservations import reserve
from inventory.domain.synchronization import post, record_allocation_changes, register_pick
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


def announced(books: Books, decide, *args, feed: Feed = Feed()) -> list[AvailabilityChanged]:
    """Run a use case as a message would, and what the feed announces for it."""
    state = books.state
    return availability_changed(state, books.write(decide(*args, state)), feed)


def serials(count: int) -> tuple:
    return tuple(line(key(serial=f"SN-{n:05}"), 1, doc_line=n) for n in range(1, count + 1))


def test_A1_a_receipt_of_1000_serials_announces_its_location_once_with_the_figures_after():
    books = Books(item(policy="serial"))

    feed = announced(books, post, receipt("R-1", *serials(1000)))

    assert [event.location for event in feed] == [at()]
    assert (feed[0].figures.inventory, feed[0].figures.available_to_reserve) == (d(1000), d(1000))
    assert feed[0].figures == books.at(at()).breakdown()


def test_A1_a_reservation_announces_the_reserved_term():
    books = lots_on_hand(("L1", 10))

    [event] = announced(books, reserve, request(demand("SO-1"), 4))

    assert (event.figures.reserved, event.figures.available_to_reserve) == (d(4), d(6))


ALLOCATED = (AllocationChange.activity_created(demand("SO-1"), key(lot="L1"), d(3)),)
PICKED = (RegisteredPick(demand("SO-1"), key(lot="L1"), d(3)),)


def test_A1_a_pick_announces_its_allocation_and_its_registration_though_available_stays_the_same():
    books = lots_on_hand(("L1", 10))

    [created] = announced(books, record_allocation_changes, ALLOCATED)
    [registered] = announced(books, register_pick, PICKED)

    assert (created.figures.on_picks_and_movements, created.figures.available_to_reserve) == (d(3), d(7))
    assert (registered.figures.on_picks_and_movements, registered.figures.in_outbound_bins) == (d(0), d(3))
    assert registered.figures.available_to_reserve == d(7)


def test_A1_a_shipment_announces_the_stock_that_left():
    books = lots_on_hand(("L1", 10))
    books.run(record_allocation_changes, ALLOCATED)
    books.run(register_pick, PICKED)

    [event] = announced(books, post, shipment("S-1", demand("SO-1"), (key(lot="L1"), 3)))

    assert (event.figures.inventory, event.figures.in_outbound_bins, event.figures.available_to_reserve) == (
        d(7), d(0), d(7))


def test_A1_a_posting_that_is_parked_changes_no_term_and_announces_nothing():
    books = lots_on_hand(("L1", 1))
    assert announced(books, post, shipment("S-1", demand(), (key(lot="L2"), 1))) == []
    assert books.parked


def test_A1_blocking_and_unblocking_a_lot_announce_the_blocked_term():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    blocks_before = tuple(sorted(books.blocked))
    books.blocked.add(BlockedTracking("BOLT", "", lot("L1")))

    [blocked] = announced(books, withdraw_blocked_supply, feed=Feed(blocked_before=blocks_before))
    blocks_before = tuple(sorted(books.blocked))
    books.blocked.clear()
    [unblocked] = announced(books, nothing_changed, feed=Feed(blocked_before=blocks_before))

    assert (blocked.figures.blocked, blocked.figures.available_to_reserve) == (d(5), d(5))
    assert (unblocked.figures.blocked, unblocked.figures.available_to_reserve) == (d(0), d(10))


def test_A1_earlier_parts_of_a_fact_announce_nothing_and_its_last_part_announces_every_row():
    books = Books(item(policy="lot"))
    first = receipt("R-1/1", line(key(lot="L1"), 5), line(key(lot="L1", variant="RED"), 2, doc_line=2))
    last = receipt("R-1/2", line(key(lot="L2"), 5, doc_line=3))

    assert announced(books, post, first, feed=Feed(Announce.DEFERRED)) == []
    feed = announced(books, post, last, feed=Feed(Announce.CURRENT))

    assert [(event.location, event.figures.inventory) for event in feed] == [(at(), d(10)), (at(variant="RED"), d(2))]


def test_A1_each_variant_is_announced_on_its_own_and_only_when_its_terms_changed():
    books = Books(item(policy="lot"))
    books.post(receipt("R-1", line(key(lot="L1"), 5), line(key(lot="L1", variant="RED"), 2, doc_line=2)))

    feed = announced(books, post, receipt("R-2", line(key(lot="L9", variant="RED"), 1)))

    assert [(event.location, event.figures.inventory) for event in feed] == [(at(variant="RED"), d(3))]


def test_A1_a_message_that_changes_nothing_announces_nothing():
    books = lots_on_hand(("L1", 5))

    assert announced(books, nothing_changed) == []
    assert announced(books, nothing_changed, feed=Feed(Announce.CURRENT))[0].figures.inventory == d(5)
