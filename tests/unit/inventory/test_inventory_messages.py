"""How the warehouse's facts read in the inventory's terms (docs/rules.md, ID33-ID36), and how the
inventory's events become facts, in parts when they grow with a document (Z2)."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import LINES_PER_PART
from inventory import messages
from inventory.domain import events
from inventory.domain.availability import AdjustmentBinChange, AvailabilityBreakdown
from inventory.domain.demand import Demand
from inventory.domain.feed import Announce
from inventory.domain.keys import LocationKey, TrackingKey
from inventory.domain.ledger import Application, EntryType, ItemLedgerEntry, SourceDocument, new_entry
from inventory.domain.postings import Shortage
from inventory.domain.reconciliation import ReconciliationDifference

ITEM, WH = "MILK", "WH1"


def lot(number: str) -> TrackingKey:
    return TrackingKey(ITEM, WH, lot_no=number)


def test_S5_shipped_lines_become_negative_sale_entries_for_their_demand():
    fact = wh.ShipmentPosted(
        shipment_no="SH-1", location_code=WH, item_no=ITEM, posting_date=date(2030, 1, 1),
        lines=(wh.PostedLineFact(document_line_no=1, source_type="sales_order", source_no="SO-1", source_line_no=2,
                                 variant="", bin_code="S-01", lot="L1", quantity=Decimal(3)),),
    )

    [line] = messages.post_shipment(fact).lines

    assert (line.entry_type, line.key, line.quantity) == (EntryType.SALE, lot("L1"), Decimal(-3))
    assert (line.source.document_no, line.demand) == ("SH-1", Demand("sales_order", "SO-1", 2))


def test_W8_a_new_lot_balances_in_the_adjustment_bin_and_a_new_bin_alone_changes_nothing():
    def line(to_lot: str) -> wh.ReclassifiedLineFact:
        return wh.ReclassifiedLineFact(
            line_no=1, variant="", from_bin="P-01", to_bin="P-02", from_serial="", from_lot="L1", from_expiration=None,
            to_serial="", to_lot=to_lot, to_expiration=None, quantity=Decimal(2),
        )

    fact = wh.ReclassificationRegistered(document_no="RC-1", location_code=WH, item_no=ITEM,
                                         lines=(line("L2"), line("L1")))

    assert messages.record_reclassification(fact).changes == (
        AdjustmentBinChange(lot("L1"), Decimal(2)),
        AdjustmentBinChange(lot("L2"), Decimal(-2)),
    )


def test_S3_a_registered_pick_line_names_the_proposal_only_when_another_lot_was_picked():
    def line(picked: str, proposed: str) -> wh.RegisteredLineFact:
        return wh.RegisteredLineFact(line_no=1, source_no="SO-1", source_line_no=1, variant="", take_bin="P-01",
                                     place_bin="S-01", lot=picked, proposed_lot=proposed, quantity=Decimal(1))

    fact = wh.PickRegistered(pick_no="PI-1", shipment_no="SH-1", location_code=WH, item_no=ITEM,
                             lines=(line("L2", "L1"), line("L2", ""), line("L2", "L2")))

    assert [pick.proposed for pick in messages.register_picks(fact).picks] == [lot("L1"), None, None]


# --- facts in parts (Z2) -------------------------------------------------------------------------
def serial(number: int) -> TrackingKey:
    return TrackingKey(ITEM, WH, serial_no=f"SN-{number:05}")


def received(number: int) -> ItemLedgerEntry:
    return new_entry(number, EntryType.PURCHASE, serial(number), Decimal(1), SourceDocument("receipt", "RC-1", number))


def shipped(number: int, quantity: int = 1) -> ItemLedgerEntry:
    return new_entry(number, EntryType.SALE, serial(number), Decimal(-quantity), SourceDocument("shipment", "SH-1", 1))


def test_Z2_a_receipt_of_1201_serials_is_published_in_parts_of_at_most_500_entries_repeating_the_header():
    event = events.LedgerEntriesPosted("posting-1", tuple(received(n) for n in range(1, 1202)), ())

    parts = messages.facts(event)

    assert LINES_PER_PART == 500
    assert [(fact.part, fact.parts, len(fact.entries)) for fact in parts] == [(1, 3, 500), (2, 3, 500), (3, 3, 201)]
    assert {(fact.posting_id, fact.item_no, fact.location_code, fact.kafka_key()) for fact in parts} == {
        ("posting-1", ITEM, WH, f"{ITEM}|{WH}")}
    assert [entry.entry_no for fact in parts for entry in fact.entries] == list(range(1, 1202))
    assert max(len(fact.model_dump_json()) for fact in parts) < 1_000_000


def test_Z2_a_small_posting_is_one_whole_fact():
    [fact] = messages.facts(events.LedgerEntriesPosted("posting-1", (received(1),), ()))

    assert (fact.part, fact.parts, len(fact.entries)) == (1, 1, 1)


def test_Z2_entries_and_applications_count_as_lines_and_each_entry_comes_with_its_applications():
    outbound = tuple(shipped(n) for n in range(1001, 1301))
    applied = tuple(Application(entry.entry_no, entry.entry_no - 1000, Decimal(1)) for entry in outbound)

    parts = messages.facts(events.LedgerEntriesPosted("posting-2", outbound, applied))

    assert [(len(fact.entries), len(fact.applications)) for fact in parts] == [(250, 250), (50, 50)]
    for fact in parts:
        assert {a.outbound_entry_no for a in fact.applications} == {entry.entry_no for entry in fact.entries}


def test_Z2_an_entry_applied_to_more_inbound_entries_than_a_part_holds_continues_in_the_next_part():
    outbound = shipped(5000, quantity=700)
    applied = tuple(Application(5000, inbound, Decimal(1)) for inbound in range(1, 701))

    parts = messages.facts(events.LedgerEntriesPosted("posting-3", (outbound,), applied))

    assert [(len(fact.entries), len(fact.applications)) for fact in parts] == [(1, 499), (0, 201)]
    assert [a.inbound_entry_no for fact in parts for a in fact.applications] == list(range(1, 701))


def test_Z2_a_parked_posting_of_1200_serials_is_published_in_parts_each_explaining_its_own_shortages():
    shortages = tuple(Shortage(serial(n), Decimal(1), Decimal(0)) for n in range(1, 1201))
    event = events.PostingParked("posting-4", (LocationKey(ITEM, WH),), "cannot_be_fully_applied", "", shortages)

    parts = messages.facts(event)

    assert [(fact.part, fact.parts, len(fact.shortages)) for fact in parts] == [(1, 3, 500), (2, 3, 500), (3, 3, 200)]
    assert all(isinstance(fact, inv.PostingParked) for fact in parts)
    assert "SN-00500" in parts[0].message and "SN-00501" not in parts[0].message
    assert "SN-00501" in parts[1].message and parts[1].message.count("cannot be fully applied") == 500


def test_Z2_adjustment_posting_lines_are_numbered_across_the_warehouse_facts_parts():
    line = wh.AdjustmentPostingLineFact(variant="", lot="L1", quantity=Decimal(-1))
    second = wh.WarehouseAdjustmentPosted(document_no="ADJ-9", location_code=WH, item_no=ITEM, posting_date=date.today(),
                                          lines=(line, line), part=2, parts=2)

    posted = messages.post_warehouse_adjustment(second)

    assert [p.source.line_no for p in posted.lines] == [LINES_PER_PART + 1, LINES_PER_PART + 2]


def test_Z2_a_reconciliation_with_600_differing_serials_is_published_in_two_parts_naming_the_request():
    differences = tuple(ReconciliationDifference(serial(n), Decimal(1), Decimal(0), Decimal(0)) for n in range(1, 601))

    parts = messages.facts(events.ReconciliationReported("REC-1", LocationKey(ITEM, WH), differences))

    assert [(fact.request_id, fact.part, fact.parts, len(fact.differences)) for fact in parts] == [
        ("REC-1", 1, 2, 500), ("REC-1", 2, 2, 100)]
    assert [line.serial for fact in parts for line in fact.differences] == [serial(n).serial_no for n in range(1, 601)]


def test_A1_of_a_warehouse_fact_in_parts_only_the_last_part_announces_availability():
    def shipment(part: int, parts: int) -> wh.ShipmentPosted:
        return wh.ShipmentPosted(
            shipment_no="SH-1", location_code=WH, item_no=ITEM, posting_date=date(2030, 1, 1), part=part, parts=parts,
            lines=(wh.PostedLineFact(document_line_no=part, source_type="sales_order", source_no="SO-1",
                                     source_line_no=1, variant="", bin_code="S-01", lot="L1", quantity=Decimal(1)),),
        )

    announced = [messages.post_shipment(shipment(part, parts)).announce for part, parts in ((1, 1), (1, 3), (3, 3))]

    assert announced == [Announce.CHANGED, Announce.DEFERRED, Announce.CURRENT]


def test_A1_availability_changed_carries_the_names_and_figures_of_the_availability_answer():
    figures = AvailabilityBreakdown(inventory=Decimal(12), reserved=Decimal(5), blocked=Decimal(2))

    [fact] = messages.facts(events.AvailabilityChanged(LocationKey(ITEM, WH, "RED"), figures))

    assert isinstance(fact, inv.AvailabilityChanged)
    assert (fact.kafka_key(), fact.variant, fact.available_to_reserve) == (f"{ITEM}|{WH}", "RED", Decimal(5))
    assert fact.model_dump(exclude={"item_no", "variant", "location_code"}) == {
        name: value for name, value in asdict(figures).items() if name != "own_allocation_not_reserved"
    } | {"available_to_reserve": Decimal(5)}
