"""Transfers between locations in the item ledger (X2, X5): per serial/lot an outbound transfer entry,
applied, continued by an inbound one at the next location; reservations against the transfer move with
the units out of transit."""

from dataclasses import replace

import pytest

from inventory.domain.commands import Reserve
from inventory.domain.demand import Demand
from inventory.domain.errors import NothingInTransitError
from inventory.domain.events import LedgerEntriesPosted, PostingParked
from inventory.domain.keys import TrackingNumbers
from inventory.domain.ledger import TRANSFER_RECEIPT, TRANSFER_SHIPMENT, EntryType, SourceDocument, TransferLeg
from inventory.domain.postings import PostedLine, Posting
from inventory.domain.reservations import reserve
from inventory.domain.synchronization import entries_needed
from tests.support.inventory_books import WH, Books, at, d, demand, item, key, line, lot, receipt

TRANSIT, WH2, TRANSFER = "TRANSIT", "WH2", "TO-1"
ROUTE = TransferLeg(WH, WH2)
ORDER_LINE = Demand("transfer_order", TRANSFER, 10000)


def transfer(posting_id: str, document_type: str, leaves: str, goes_to: str, *lots: tuple[str, int]) -> Posting:
    """A transfer shipment (WH -> TRANSIT, for the order line) or receipt (TRANSIT -> WH2) of these lots."""
    for_demand = ORDER_LINE if document_type == TRANSFER_SHIPMENT else None
    return Posting(posting_id, tuple(
        PostedLine(EntryType.TRANSFER, key(lot=number, location=leaves), d(-quantity),
                   SourceDocument(document_type, TRANSFER, n), None, for_demand, transfer_to=goes_to,
                   route=ROUTE)
        for n, (number, quantity) in enumerate(lots, 1)))


def books_with_lots(*lots: tuple[str, int]) -> Books:
    books = Books(item(policy="lot"), locations=(WH, TRANSIT, WH2))
    books.post(receipt("R-1", *(line(key(lot=number), quantity, doc_line=n) for n, (number, quantity)
                                in enumerate(lots, 1))))
    return books


def shipped(books: Books, *lots: tuple[str, int]) -> Books:
    books.post(transfer("SHIP-1", TRANSFER_SHIPMENT, WH, TRANSIT, *lots))
    return books


def against_transfer(for_demand: Demand, quantity: int, location: str, named=TrackingNumbers()) -> Reserve:
    return Reserve(for_demand, at(location=location), d(quantity), named, transfer_no=TRANSFER, in_transit=TRANSIT)


def open_at(books: Books, location: str) -> dict[str, object]:
    return {e.key.lot_no: e.remaining_quantity for e in books.entries.values()
            if e.open and e.key.location_code == location}


def test_X2_a_transfer_shipment_posts_an_applied_outbound_entry_at_the_source_and_its_continuation_in_transit():
    books = shipped(books_with_lots(("L1", 5), ("L2", 5)), ("L1", 3))

    [posted] = books.events_of(LedgerEntriesPosted)[-1:]
    outbound, continued = posted.entries
    assert (outbound.entry_type, outbound.key.location_code, outbound.quantity) == (EntryType.TRANSFER, WH, d(-3))
    assert (continued.entry_type, continued.key.location_code, continued.quantity) == (EntryType.TRANSFER, TRANSIT,
                                                                                       d(3))
    assert outbound.transfer == ROUTE and continued.transfer == replace(ROUTE, from_entry_no=outbound.entry_no)
    assert [(a.outbound_entry_no, a.quantity) for a in posted.applications] == [(outbound.entry_no, d(3))]
    assert open_at(books, WH) == {"L1": d(2), "L2": d(5)} and open_at(books, TRANSIT) == {"L1": d(3)}
    assert books.available(key(location=TRANSIT).location_key) == d(3)
    assert books.available(key().location_key) == d(7)


def test_X2_receiving_takes_the_units_out_of_transit_and_tracing_follows_them_across_four_entries():
    books = shipped(books_with_lots(("L1", 5)), ("L1", 5))
    books.post(transfer("RCPT-1", TRANSFER_RECEIPT, TRANSIT, WH2, ("L1", 2)))

    assert open_at(books, TRANSIT) == {"L1": d(3)} and open_at(books, WH2) == {"L1": d(2)}
    chain = sorted((e for e in books.entries.values() if e.entry_type is EntryType.TRANSFER), key=lambda e: e.entry_no)
    assert [(e.key.location_code, e.quantity) for e in chain] == [(WH, d(-5)), (TRANSIT, d(5)), (TRANSIT, d(-2)),
                                                                  (WH2, d(2))]
    assert [e.transfer.from_entry_no for e in chain[1::2]] == [e.entry_no for e in chain[0::2]]
    assert {(a.outbound_entry_no, a.inbound_entry_no) for a in books.applications} >= {
        (chain[2].entry_no, chain[1].entry_no)}


def test_X2_a_receipt_that_arrives_before_its_shipment_is_parked_and_applied_when_the_shipment_arrives():
    books = books_with_lots(("L1", 5))
    books.post(transfer("RCPT-1", TRANSFER_RECEIPT, TRANSIT, WH2, ("L1", 2)))
    assert books.events_of(PostingParked) and "RCPT-1" in books.parked

    shipped(books, ("L1", 5))
    assert books.parked == {} and open_at(books, WH2) == {"L1": d(2)} and open_at(books, TRANSIT) == {"L1": d(3)}


def test_X2_a_transfer_line_needs_two_entry_numbers():
    assert entries_needed(transfer("SHIP-1", TRANSFER_SHIPMENT, WH, TRANSIT, ("L1", 1), ("L2", 1))) == 4


def test_X5_a_destination_demand_reserves_against_the_transfer_and_the_reservation_moves_onto_the_received_entry():
    books = shipped(books_with_lots(("L1", 5), ("L2", 5)), ("L1", 4))
    books.run(reserve, against_transfer(demand("SO-B"), 3, WH2, lot("L1")))
    assert books.reserved_lots(demand("SO-B")) == {"L1": d(3)}
    assert {row.key.location_code for row in books.reservations.values()} == {TRANSIT}

    books.post(transfer("RCPT-1", TRANSFER_RECEIPT, TRANSIT, WH2, ("L1", 2)))
    held = {(row.key.location_code, row.key.lot_no): row.quantity for row in books.reservations.values()}
    assert held == {(WH2, "L1"): d(2), (TRANSIT, "L1"): d(1)}


def test_X5_a_reservation_against_a_transfer_with_nothing_in_transit_to_the_location_is_refused():
    books = shipped(books_with_lots(("L1", 5)), ("L1", 4))
    with pytest.raises(NothingInTransitError):
        books.run(reserve, against_transfer(demand("SO-C"), 1, WH))  # the transfer goes to WH2, not back to WH
