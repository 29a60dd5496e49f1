"""The item ledger: append-only entries (I1) and applying outbound to inbound entries (I2)."""

from dataclasses import replace
from datetime import date

import pytest

from inventory.domain.errors import (
    CannotBeFullyAppliedError,
    ExpirationDateRequiredError,
    SerialQuantityMustBeOneError,
    TrackingNumberNotAllowedError,
    TrackingNumberRequiredError,
)
from inventory.domain.ledger import EntryType, apply_outbound, new_entry
from inventory.domain.reservations import reserve
from inventory.domain.synchronization import entries_needed, post
from tests.support.inventory_books import (
    Books,
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


def test_I1_one_entry_per_distinct_lot_of_a_posted_line():
    books = Books(item(policy="lot"))

    changes = books.post(receipt("R-1", line(key(lot="L1"), 4), line(key(lot="L2"), 6, doc_line=1)))

    assert [
        (entry.key.lot_no, entry.quantity, entry.remaining_quantity, entry.open) for entry in changes.new_entries
    ] == [
        ("L1", d(4), d(4), True),
        ("L2", d(6), d(6), True),
    ]
    assert [entry.entry_no for entry in changes.new_entries] == [1, 2]


def test_ID2_entries_take_the_numbers_they_are_given_in_order_gaps_included():
    books = Books(item(policy="lot"))
    posting = receipt("R-1", line(key(lot="L1"), 4), line(key(lot="L2"), 6, doc_line=1))

    changes = post(posting, replace(books.state, entry_nos=(7, 12)))

    assert [(entry.entry_no, entry.key.lot_no) for entry in changes.new_entries] == [(7, "L1"), (12, "L2")]


def test_ID2_a_posting_needs_a_number_per_line_of_its_own_and_of_the_parked_postings_it_retries():
    books = Books(item(policy="lot"))
    books.post(shipment("S-1", demand(), (key(lot="L1"), 2), (key(lot="L2"), 1)))  # parked: nothing on hand
    posting = receipt("R-1", line(key(lot="L1"), 2), line(key(lot="L2"), 1, doc_line=2))
    parked = tuple(books.parked.values())
    needed = entries_needed(posting, parked)

    changes = post(posting, replace(books.state, entry_nos=range(50, 50 + needed)), parked)

    assert needed == 4 and [entry.entry_no for entry in changes.new_entries] == [50, 51, 52, 53]
    with pytest.raises(RuntimeError, match="no entry number left"):
        post(posting, replace(books.state, entry_nos=range(50, 50 + needed - 1)), parked)


def test_I1_a_serial_number_is_always_quantity_one():
    books = Books(item(policy="serial"))

    with pytest.raises(SerialQuantityMustBeOneError) as refused:
        books.post(receipt("R-1", line(key(serial="SN-1"), 2)))

    assert refused.value.reason_code == "serial_quantity_must_be_one"


def test_I1_tracked_items_carry_their_numbers_and_untracked_items_none():
    with pytest.raises(TrackingNumberRequiredError):
        Books(item(policy="lot_and_serial")).post(receipt("R-1", line(key(lot="L1"), 1)))
    with pytest.raises(TrackingNumberNotAllowedError):
        Books(item(policy="none")).post(receipt("R-1", line(key(lot="L1"), 1)))


def test_I1_items_requiring_expiration_cannot_be_received_without_one():
    books = Books(item(policy="lot", expiration_required=True))

    with pytest.raises(ExpirationDateRequiredError):
        books.post(receipt("R-1", line(key(lot="L1"), 1)))
    books.post(receipt("R-2", line(key(lot="L1"), 1, expiration=date(2030, 1, 31))))
    assert books.entries[1].expiration_date == date(2030, 1, 31)


def test_I1_entries_are_append_only_only_remaining_and_open_change():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 10)))
    received = books.entries[1]

    changes = books.post(shipment("S-1", demand(), (key(), 10)))

    [outbound] = changes.new_entries
    assert (outbound.entry_type, outbound.quantity, outbound.remaining_quantity, outbound.open) == (
        EntryType.SALE,
        d(-10),
        d(0),
        False,
    )
    [updated] = changes.updated_entries
    assert updated.entry_no == received.entry_no and updated.quantity == received.quantity == d(10)
    assert (updated.remaining_quantity, updated.open) == (d(0), False)


def test_I2_outbound_applies_reserved_entry_first_else_fifo():
    books = Books(item())
    books.post(receipt("R-1", line(key(), 5), line(key(), 5, doc_line=2), line(key(), 5, doc_line=3)))
    entries = list(books.entries.values())

    # The demand holds entry 3; shipping 7 takes entry 3 first, then entry 1 (first in).
    applied = apply_outbound(
        new_entry(4, EntryType.SALE, key(), d(-7), entries[0].source), entries, reserved_entry_nos={3}
    )
    assert [(a.inbound_entry_no, a.quantity) for a in applied.applications] == [(3, d(5)), (1, d(2))]
    assert [(e.entry_no, e.remaining_quantity, e.open) for e in applied.inbound] == [(3, d(0), False), (1, d(3), True)]

    # Without a reservation it is first in, first out.
    fifo = apply_outbound(new_entry(4, EntryType.SALE, key(), d(-7), entries[0].source), entries)
    assert [(a.inbound_entry_no, a.quantity) for a in fifo.applications] == [(1, d(5)), (2, d(2))]


def test_I2_shipping_for_a_demand_applies_the_entry_reserved_for_it():
    books = Books(item(policy="lot"))
    books.post(receipt("R-1", line(key(lot="L1"), 5), line(key(lot="L1"), 5, doc_line=2)))
    books.run(reserve, request(demand("SO-9"), 5, named=lot("L1")))  # takes entry 1 (FIFO)
    books.run(reserve, request(demand("SO-1"), 5, named=lot("L1")))  # takes entry 2

    books.post(shipment("S-1", demand("SO-1"), (key(lot="L1"), 5)))

    assert [(a.inbound_entry_no, a.quantity) for a in books.applications] == [(2, d(5))]
    assert books.remaining(1) == d(5) and books.reserved_lots(demand("SO-9")) == {"L1": d(5)}


def test_I2_tracked_outbound_that_cannot_be_fully_applied_is_refused():
    books = Books(item(policy="lot"))
    books.post(receipt("R-1", line(key(lot="L1"), 3)))
    entries = list(books.entries.values())

    with pytest.raises(CannotBeFullyAppliedError) as refused:
        apply_outbound(new_entry(2, EntryType.SALE, key(lot="L1"), d(-5), entries[0].source), entries)

    assert refused.value.reason_code == "cannot_be_fully_applied"
    assert refused.value.message.startswith("Item BOLT cannot be fully applied")
    assert (refused.value.needed, refused.value.open_quantity) == (d(5), d(3))
    assert entries[0].remaining_quantity == d(3)  # nothing half-applied
