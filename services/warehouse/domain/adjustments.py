"""Warehouse adjustments and physical counts (W9), and calculating the warehouse adjustment (W10, S4).

The adjustment bin is virtual: it balances every correction so that, per item/variant/serial/lot,
real bins + adjustment bin == item ledger (S7). Found stock leaves a negative balance there, lost
stock a positive one, until the calculation hands the balance to the item ledger and zeroes the bin.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.documents import ZERO, DocumentType, TrackedQuantity
from warehouse.domain.errors import NegativeCountError, NothingToAdjustError, QuantityNotPositiveError
from warehouse.domain.events import (
    AdjustedLine,
    AdjustmentPostingLine,
    BinTotal,
    BinTotalsReported,
    Outcome,
    WarehouseAdjustmentPosted,
    WarehouseAdjustmentRegistered,
)
from warehouse.domain.location import Location
from warehouse.domain.state import StockState
from warehouse.domain.stock import ContentRow, EntryBook, StockKey, locate
from warehouse.domain.tracking import (
    ItemTracking,
    Tracking,
    check_lot_expirations,
    check_serials_not_in_stock,
    describe_item,
    item_tracking,
    with_lot_expiration,
)


@dataclass(frozen=True)
class AdjustmentLine:
    """Stock found (signed quantity > 0) or lost (< 0) in a real bin. Lost stock is named by serial/lot;
    its expiration date comes from the stock."""

    bin_code: str
    item_no: str
    quantity: Decimal
    variant: str = ""
    tracking: Tracking = field(default_factory=Tracking)
    stated: StatedUnit = IN_BASE


def register_warehouse_adjustment(document_no: str, lines: Sequence[AdjustmentLine], state: StockState) -> Outcome:
    """W9: credit or debit the real bin and balance the opposite quantity in the adjustment bin.

    Decision: adjustments record reality, so they ignore bin blocks and lot/serial blocks. Found stock
    obeys T1-T3 like received stock: a found serial may not be in stock elsewhere (unless this same
    adjustment loses it there), and found stock of a known lot takes the lot's expiration date.
    """
    location = state.location
    book = EntryBook(location.bin_content(state.content), DocumentType.ADJUSTMENT, document_no)
    facts = []
    for line_no, line in enumerate(lines, start=1):
        key = _adjusted_key(state, item_tracking(state.items, line.item_no), line)
        book.write(key, line.quantity, line_no, stated=line.stated)
        book.write(key.in_bin(location.adjustment_bin), -line.quantity, line_no, stated=line.stated)
        facts.append(AdjustedLine(line_no, line.item_no, line.variant, key.bin_code, key.tracking, line.quantity))
    found = [f for f in facts if f.quantity > ZERO]
    lost = {(f.item_no, f.variant, f.tracking.serial) for f in facts if f.quantity < ZERO}
    found_serials = [(f.item_no, f.variant, f.tracking.serial) for f in found if f.tracking.serial]
    check_serials_not_in_stock(found_serials, state.serials_in_stock, leaving=lost)
    check_lot_expirations(((f.item_no, f.tracking) for f in found), state.lot_expirations)
    event = WarehouseAdjustmentRegistered(document_no, location.code, tuple(facts))
    return Outcome(entries=book.entries, events=(event,))


def _adjusted_key(state: StockState, item: ItemTracking, line: AdjustmentLine) -> StockKey:
    if line.quantity == ZERO:
        raise QuantityNotPositiveError(
            f"The adjustment of {describe_item(line.item_no, line.variant)} in bin {line.bin_code} is zero: enter "
            "the quantity found (positive) or lost (negative)."
        )
    item.check_line(line.tracking, line.quantity, line.variant)
    location = state.location
    key = StockKey(location.code, location.real_bin(line.bin_code).code, line.item_no, line.variant, line.tracking)
    if line.quantity < ZERO:
        return locate(state.content, key)
    tracking = with_lot_expiration(line.item_no, line.tracking, state.lot_expirations)
    item.check_new_stock(tracking, line.variant)
    return StockKey(key.location_code, key.bin_code, key.item_no, key.variant, tracking)


@dataclass(frozen=True)
class PhysicalCount:
    """What was counted of one item (and variant) in one bin. Whatever of it the bin holds that is not
    listed was not found: counting nothing means the bin holds none of the item."""

    bin_code: str
    item_no: str
    counted: tuple[TrackedQuantity, ...] = ()
    variant: str = ""


def register_physical_count(document_no: str, counts: Sequence[PhysicalCount], state: StockState) -> Outcome:
    """W9: the difference between counted and expected content becomes a warehouse adjustment.

    Decision 28: the count is confirmed per counted item even where it finds no difference (a fact without
    lines), so whoever sent it gets an answer; such an item writes no entries."""
    lines = [line for count in counts for line in _differences(state.location, count, state.content)]
    outcome = register_warehouse_adjustment(document_no, lines, state)
    for count in counts:  # refused as a count with differences would be, even when nothing differs
        item_tracking(state.items, count.item_no)
        state.location.real_bin(count.bin_code)
    counted = tuple(dict.fromkeys(count.item_no for count in counts))
    registered = [event for event in outcome.events if isinstance(event, WarehouseAdjustmentRegistered)]
    return replace(outcome, events=tuple(replace(event, covered_items=counted) for event in registered))


def _differences(location: Location, count: PhysicalCount, content: Sequence[ContentRow]) -> list[AdjustmentLine]:
    """Counted minus expected per serial/lot; content already in the bin keeps its own expiration date."""
    scope = (location.code, count.bin_code, count.item_no, count.variant)
    expected = {_numbers(r.key.tracking): r for r in content
                if (r.key.location_code, r.key.bin_code, r.key.item_no, r.key.variant) == scope and r.quantity}
    counted: dict[tuple[str, str], TrackedQuantity] = {}
    for c in count.counted:
        if c.quantity < ZERO:
            raise NegativeCountError(
                f"The count of {describe_item(count.item_no, count.variant)} ({c.tracking.describe()}) in bin "
                f"{count.bin_code} is {c.quantity}: a count cannot be negative."
            )
        earlier = counted.get(_numbers(c.tracking), TrackedQuantity(c.tracking, ZERO))
        counted[_numbers(c.tracking)] = TrackedQuantity(earlier.tracking, earlier.quantity + c.quantity)
    lines = []
    for numbers in [*expected, *(n for n in counted if n not in expected)]:
        row, found = expected.get(numbers), counted.get(numbers)
        difference = (found.quantity if found else ZERO) - (row.quantity if row else ZERO)
        if difference:
            tracking = row.key.tracking if row else found.tracking if found else Tracking()
            lines.append(AdjustmentLine(count.bin_code, count.item_no, difference, count.variant, tracking))
    return lines


def _numbers(tracking: Tracking) -> tuple[str, str]:
    return (tracking.serial, tracking.lot)


def calculate_warehouse_adjustment(document_no: str, state: StockState,
                                   items: Collection[str] | None = None) -> Outcome:
    """W10: hand every adjustment-bin balance (all items, or `items`) to the item ledger and zero the bin.

    state: the items' content at the location (only the adjustment bin's counts). The item ledger must post
    the opposite of the balance: lost stock (positive balance) a negative adjustment, found stock a positive
    one. One event per item, so each travels on its item's key.
    """
    outcome = _post_balances(document_no, state, items)
    if not outcome.events:
        location = state.location
        raise NothingToAdjustError(
            f"The adjustment bin {location.adjustment_bin} of location {location.code} holds no balance"
            f"{' for ' + ', '.join(sorted(items)) if items else ''}: there is nothing to post."
        )
    return outcome


def _post_balances(document_no: str, state: StockState, items: Collection[str] | None) -> Outcome:
    location = state.location
    book = EntryBook(location.bin_content(state.content), DocumentType.ADJUSTMENT_POSTING, document_no)
    per_item: dict[str, list[AdjustmentPostingLine]] = {}
    for line_no, row in enumerate(_balances(location, state.content, items), start=1):
        book.write(row.key, -row.quantity, line_no)
        per_item.setdefault(row.key.item_no, []).append(
            AdjustmentPostingLine(row.key.variant, row.key.tracking, -row.quantity))
    events = tuple(WarehouseAdjustmentPosted(document_no, location.code, state.today, item_no, tuple(lines))
                   for item_no, lines in per_item.items())
    return Outcome(entries=book.entries, events=events)


def pending_adjustments_for(items: Collection[str], document_no: str, state: StockState) -> Outcome:
    """S4: before a shipment of `items` is published, their tracking changes made in the warehouse
    (reclassifications, adjustments) reach the item ledger, so it holds the serials/lots that leave."""
    return _post_balances(document_no, state, items)


def _balances(location: Location, content: Sequence[ContentRow], items: Collection[str] | None) -> list[ContentRow]:
    rows = [r for r in content
            if (r.key.location_code, r.key.bin_code) == (location.code, location.adjustment_bin) and r.quantity
            and (items is None or r.key.item_no in items)]
    return sorted(rows, key=lambda r: (r.key.item_no, r.key.variant, r.key.tracking.lot, r.key.tracking.serial,
                                       r.key.tracking.expiration or date.max))


def report_bin_totals(request_id: str, location: Location, item_nos: Sequence[str],
                      totals: Sequence[BinTotal]) -> BinTotalsReported:
    """S7: the totals of every item asked about (each once, in the order asked), for inventory to compare
    with its item ledger: real bins + adjustment bin must equal it."""
    return BinTotalsReported(request_id, location.code, tuple(dict.fromkeys(item_nos)), tuple(totals))
