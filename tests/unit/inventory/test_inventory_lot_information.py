"""Lot and serial information (Q1, Q3) and warranty dates (Q2) in the inventory domain."""

from dataclasses import replace
from datetime import date

import pytest

from inventory.domain.blocking import set_tracking_information, withdraw_blocked_supply
from inventory.domain.errors import (
    InsufficientAvailabilityError,
    InvalidItemDefinitionError,
    InvalidWarrantyFormulaError,
    ItemAlreadyRegisteredError,
    OneTrackingNumberError,
    TrackingBlockedError,
    TrackingNumberNotAllowedError,
    TrackingQuarantinedError,
    TrackingRejectedError,
    UnknownItemError,
    UnknownQualityStatusError,
)
from inventory.domain.events import ReservationCancelled, TrackingInformationChanged
from inventory.domain.information import QualityStatus, TrackingInformation, withheld_reason
from inventory.domain.items import register_item
from inventory.domain.keys import BlockedTracking, TrackingNumbers
from inventory.domain.ledger import EntryType
from inventory.domain.reservations import reserve
from inventory.domain.warranty import WarrantyFormula
from tests.support.inventory_books import Books, at, d, demand, item, key, line, lot, lots_on_hand, receipt, request

QUARANTINE, REJECTED, RELEASED = QualityStatus.QUARANTINE, QualityStatus.REJECTED, QualityStatus.RELEASED


def record(number: TrackingNumbers, status: QualityStatus, item_no: str = "BOLT") -> TrackingInformation:
    return TrackingInformation(item_no, "", number, status, "COA-1", "lab")


def set_status(books: Books, number: TrackingNumbers, status: QualityStatus) -> None:
    """What the persistence layer does: store the record, then withdraw reservations on a withheld number."""
    information = record(number, status)
    books.information[information.number] = information
    if information.block:
        books.run(lambda state: withdraw_blocked_supply(state, withheld_reason(status)))


# --- Q2: warranty date formulas -------------------------------------------------------------------
@pytest.mark.parametrize(("formula", "posted", "warranty"), [
    ("2Y", date(2026, 3, 2), date(2028, 3, 2)),
    ("18M", date(2026, 3, 2), date(2027, 9, 2)),
    ("90D", date(2026, 3, 2), date(2026, 5, 31)),
    ("2W", date(2026, 12, 25), date(2027, 1, 8)),
    ("1M", date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
    ("1Y", date(2024, 2, 29), date(2025, 2, 28)),
    ("1y6m", date(2024, 2, 29), date(2025, 8, 28)),  # terms added left to right, lower case accepted
    (" 12M ", date(2026, 3, 2), date(2027, 3, 2)),
])
def test_Q2_a_warranty_formula_adds_its_terms_to_the_posting_date(formula, posted, warranty):
    assert WarrantyFormula.parse(formula).date_after(posted) == warranty


@pytest.mark.parametrize(("formula", "problem"), [
    ("", "write terms like"), ("2 years", "write terms like"), ("Y2", "write terms like"), ("2Y-1D", "write terms"),
    ("1.5Y", "write terms like"), ("0M", "at least 1"), ("101Y", "at most 100 years"), ("99999D", "at most 100"),
])
def test_Q2_a_formula_the_service_cannot_read_is_refused_with_how_to_write_one(formula, problem):
    with pytest.raises(InvalidWarrantyFormulaError, match=problem) as refused:
        WarrantyFormula.parse(formula)
    assert refused.value.reason_code == "invalid_warranty_formula"
    assert "e.g. 2Y, 18M, 90D" in refused.value.message


def test_Q2_the_formula_is_written_back_as_parsed():
    assert str(WarrantyFormula.parse("1y6m")) == "1Y6M"


def test_Q2_register_item_keeps_the_formula_and_only_the_formula_may_change():
    first = register_item("BOLT", "PCS", "serial", warranty_formula="2Y")
    assert first.item.warranty_formula == WarrantyFormula.parse("2Y")
    assert first.events[0].warranty_formula == "2Y"

    # Left out (None): kept, not cleared; the confirmation says what the item has.
    again = register_item("BOLT", "PCS", "serial", registered=first.item)
    assert (again.is_new, again.is_changed, again.events[0].warranty_formula) == (False, False, "2Y")
    # Another formula: a change of the item (later entries are dated by it); blank: no warranty any more.
    changed = register_item("BOLT", "PCS", "serial", warranty_formula="18M", registered=first.item)
    assert (changed.is_changed, changed.item.warranty_formula) == (True, WarrantyFormula.parse("18M"))
    assert register_item("BOLT", "PCS", "serial", warranty_formula="", registered=first.item).item.warranty_formula \
        is None
    # Anything else still is another item.
    with pytest.raises(ItemAlreadyRegisteredError, match="different tracking policy;"):
        register_item("BOLT", "PCS", "lot", warranty_formula="18M", registered=first.item)


def test_Q2_an_untracked_item_cannot_have_a_warranty_formula():
    with pytest.raises(InvalidItemDefinitionError, match="needs lot or serial tracking"):
        register_item("BOLT", "PCS", "none", warranty_formula="2Y")


def test_Q2_received_and_found_stock_gets_posting_date_plus_formula_shipped_stock_none():
    serial_item = replace(item(policy="serial"), warranty_formula=WarrantyFormula.parse("2Y"))
    books = Books(serial_item)
    posted = date(2026, 3, 2)
    books.post(receipt("R-1", replace(line(key(serial="S1"), 1), posting_date=posted),
                       replace(line(key(serial="S2"), 1, EntryType.POSITIVE_ADJUSTMENT), posting_date=posted)))
    books.post(receipt("SH-1", replace(line(key(serial="S1"), -1, EntryType.SALE), posting_date=posted)))

    dated = {(entry.key.serial_no, entry.entry_type): entry.warranty_date for entry in books.entries.values()}
    assert dated == {("S1", EntryType.PURCHASE): date(2028, 3, 2), ("S2", EntryType.POSITIVE_ADJUSTMENT): date(2028, 3, 2),
                     ("S1", EntryType.SALE): None}


def test_Q2_without_a_formula_entries_have_no_warranty_date():
    books = lots_on_hand(("L1", 5))
    assert [entry.warranty_date for entry in books.entries.values()] == [None]


# --- Q1: the information record ---------------------------------------------------------------------
def test_Q1_a_record_names_one_lot_or_one_serial_the_item_tracks():
    lot_item, serial_item = item(policy="lot"), item(policy="serial")
    quarantined = record(lot("L1"), QUARANTINE)

    assert set_tracking_information(quarantined, lot_item, None) == TrackingInformationChanged(quarantined, RELEASED)
    assert set_tracking_information(record(lot("L1"), RELEASED), lot_item, quarantined).previous_status is QUARANTINE
    with pytest.raises(OneTrackingNumberError, match="either the lot or the serial"):
        set_tracking_information(record(TrackingNumbers("S1", "L1"), QUARANTINE), item(policy="lot_and_serial"), None)
    with pytest.raises(OneTrackingNumberError):
        set_tracking_information(record(TrackingNumbers(), QUARANTINE), lot_item, None)
    with pytest.raises(TrackingNumberNotAllowedError):
        set_tracking_information(record(lot("L1"), QUARANTINE), serial_item, None)
    with pytest.raises(UnknownItemError):
        set_tracking_information(quarantined, None, None)


def test_Q1_an_unknown_quality_status_is_refused_naming_the_valid_ones():
    with pytest.raises(UnknownQualityStatusError, match="released, quarantine, rejected"):
        QualityStatus.parse("on hold")


def test_Q1_only_quarantine_and_rejected_impose_a_block():
    assert record(lot("L1"), QUARANTINE).block == BlockedTracking("BOLT", "", lot("L1"))
    assert record(lot("L1"), REJECTED).block == BlockedTracking("BOLT", "", lot("L1"))
    assert record(lot("L1"), RELEASED).block is None


# --- Q1: withheld like blocked numbers (T4) ------------------------------------------------------------
def test_Q1_a_quarantined_lot_is_refused_by_name_as_quarantined_and_not_available():
    books = lots_on_hand(("L1", 5), ("L2", 3))
    set_status(books, lot("L1"), QUARANTINE)

    with pytest.raises(TrackingQuarantinedError, match="lot L1 at location WH1 is in quarantine") as refused:
        reserve(request(demand("SO-1"), 1, named=lot("L1")), books.state)
    assert "release it" in refused.value.message and refused.value.reason_code == "tracking_quarantined"
    # Nonspecific: only L2 is there for it.
    with pytest.raises(InsufficientAvailabilityError) as short:
        reserve(request(demand("SO-1"), 4), books.state)
    assert (short.value.breakdown.blocked, short.value.available) == (d(5), d(3))


def test_Q1_a_rejected_serial_is_refused_as_rejected_even_when_its_lot_is_quarantined():
    books = Books(item(policy="lot_and_serial"))
    books.post(receipt("R-1", line(key(lot="L1", serial="S1"), 1), line(key(lot="L1", serial="S2"), 1, doc_line=2)))
    set_status(books, lot("L1"), QUARANTINE)
    set_status(books, TrackingNumbers(serial_no="S1"), REJECTED)

    with pytest.raises(TrackingRejectedError, match="serial S1 lot L1") as refused:
        reserve(request(demand(), 1, named=TrackingNumbers("S1", "L1")), books.state)
    assert refused.value.reason_code == "tracking_rejected"
    with pytest.raises(TrackingQuarantinedError, match="serial S2 lot L1"):
        reserve(request(demand(), 1, named=TrackingNumbers("S2", "L1")), books.state)


def test_Q1_quarantine_withdraws_reservations_on_the_lot_with_its_own_reason():
    books = lots_on_hand(("L1", 5), ("L2", 5))
    books.run(reserve, request(demand("SO-1"), 3))  # nonspecific, on L1 (first in)
    books.run(reserve, request(demand("SO-2"), 2, named=lot("L1")))

    set_status(books, lot("L1"), QUARANTINE)

    assert books.reserved_lots(demand("SO-1")) == {"L2": d(3)}
    assert books.reserved_lots(demand("SO-2")) == {}
    assert ReservationCancelled(demand("SO-2"), at(), lot("L1"), d(2), "tracking_quarantined") in books.events


def test_Q1_released_again_the_lot_is_usable():
    books = lots_on_hand(("L1", 5))
    set_status(books, lot("L1"), QUARANTINE)
    set_status(books, lot("L1"), RELEASED)

    books.run(reserve, request(demand("SO-1"), 5, named=lot("L1")))

    assert books.reserved_lots(demand("SO-1")) == {"L1": d(5)}


def test_Q1_a_released_lot_that_is_also_blocked_stays_blocked():
    books = lots_on_hand(("L1", 5))
    books.blocked.add(BlockedTracking("BOLT", "", lot("L1")))
    set_status(books, lot("L1"), RELEASED)

    with pytest.raises(TrackingBlockedError):
        reserve(request(demand(), 1, named=lot("L1")), books.state)
