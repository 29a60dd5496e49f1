"""Inbound flow (W2): post a receipt into the receive bin, then register the put-away that empties it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.activities import PlaceHandling, register_placements
from warehouse.domain.documents import Activity, ActivityLine, DocumentType, LineChanges, Receipt, ReceiptLine
from warehouse.domain.errors import NothingToReceiveError
from warehouse.domain.events import ActivityOutcome, PostedLine, PostedReceiptOutcome, PutAwayRegistered, ReceiptPosted
from warehouse.domain.location import Location
from warehouse.domain.state import StockState
from warehouse.domain.stock import ContentRow, EntryBook, StockKey
from warehouse.domain.tracking import (
    ItemTracking,
    Tracking,
    check_lot_expirations,
    check_serials_not_in_stock,
    item_tracking,
)


@dataclass(frozen=True)
class ReceivedQuantity:
    """One tracking line of a receipt posting: how much of a receipt line arrived, with which numbers."""

    line_no: int
    quantity: Decimal
    tracking: Tracking = field(default_factory=Tracking)
    stated: StatedUnit = IN_BASE


def post_receipt(receipt: Receipt, received: Sequence[ReceivedQuantity], put_away_no: str,
                 state: StockState) -> PostedReceiptOutcome:
    """W2: the received quantities enter the receive bin and a put-away is created to store them.

    state: the received items at the receipt's location (put-away bins are proposed from their content),
    whether their serials are in stock anywhere (T2) and their lots' known expiration dates (T3).
    """
    if not received:
        raise NothingToReceiveError(f"Nothing was entered to receive on {receipt.no}: enter the quantities received.")
    location = state.location
    book = EntryBook(location.bin_content(state.content), DocumentType.RECEIPT, receipt.no)
    lines, put_away_bins = LineChanges(receipt), _PutAwayBins(location, state.content)
    posted: list[PostedLine] = []
    put_away_lines: list[ActivityLine] = []
    for r in received:
        line = lines.handled(r.line_no, r.quantity)
        posted.append(_receive(book, state, line, r))
        put_away_lines.append(_put_away_line(state, put_away_bins, posted[-1], len(put_away_lines) + 1))
    check_serials_not_in_stock(
        ((p.item_no, p.variant, p.tracking.serial) for p in posted if p.tracking.serial), state.serials_in_stock)
    check_lot_expirations(((p.item_no, p.tracking) for p in posted), state.lot_expirations)
    put_away = Activity(no=put_away_no, location_code=location.code, lines=tuple(put_away_lines),
                        type=DocumentType.PUT_AWAY, document_no=receipt.no)
    event = ReceiptPosted(receipt.no, location.code, state.today, put_away_no, tuple(posted), receipt.vendor_no)
    return PostedReceiptOutcome(receipt=receipt.with_lines(lines.changed.values()), put_away=put_away,
                                entries=book.entries, events=(event,))


def _receive(book: EntryBook, state: StockState, line: ReceiptLine, received: ReceivedQuantity) -> PostedLine:
    """The received quantity enters the line's receive bin."""
    _check_tracking(item_tracking(state.items, line.item_no), line, received)
    location = state.location
    key = StockKey(location.code, location.place_bin(line.bin_code).code, line.item_no, line.variant,
                   received.tracking)
    book.write(key, received.quantity, line.line_no, line.source, received.stated)
    return PostedLine(line.line_no, line.source, line.item_no, line.variant, key.bin_code, received.tracking,
                      received.quantity, received.stated)


def _put_away_line(state: StockState, put_away_bins: "_PutAwayBins", posted: PostedLine,
                   line_no: int) -> ActivityLine:
    received = StockKey(state.location.code, posted.bin_code, posted.item_no, posted.variant, posted.tracking)
    return ActivityLine(line_no=line_no, item_no=posted.item_no, variant=posted.variant, quantity=posted.quantity,
                        tracking=posted.tracking, take_bin=posted.bin_code, place_bin=put_away_bins.propose(received),
                        source=posted.source, document_line_no=posted.document_line_no, stated=posted.stated)


def _check_tracking(item: ItemTracking, line: ReceiptLine, received: ReceivedQuantity) -> None:
    item.check_line(received.tracking, received.quantity, line.variant)
    item.check_new_stock(received.tracking, line.variant)


def propose_put_away_bin(location: Location, received: StockKey, content: Sequence[ContentRow]) -> str | None:
    """Decision: a bin that already holds the same item and variant first (keeps an item together), then
    the highest ranking, then the bin code. Only Put-away bins that accept stock and are not dedicated
    qualify; None leaves the choice to the person registering the put-away."""
    return _PutAwayBins(location, content).propose(received)


class _PutAwayBins:
    """`propose_put_away_bin` for every line of one receipt: the content is read once, and the proposal is
    made once per item and variant (Z1: not a scan of the content per received serial)."""

    def __init__(self, location: Location, content: Sequence[ContentRow]) -> None:
        self._targets = [b for b in location.bins.values() if b.is_put_away_target]
        self._holding: dict[tuple[str, str], set[str]] = {}
        for r in content:
            if r.quantity > 0:
                self._holding.setdefault((r.key.item_no, r.key.variant), set()).add(r.key.bin_code)
        self._proposed: dict[tuple[str, str], str | None] = {}

    def propose(self, received: StockKey) -> str | None:
        item = (received.item_no, received.variant)
        if item not in self._proposed:
            holding = self._holding.get(item, set())
            best = min(self._targets, key=lambda b: (b.code not in holding, -b.ranking, b.code), default=None)
            self._proposed[item] = best.code if best else None
        return self._proposed[item]


def register_put_away(put_away: Activity, handled: Sequence[PlaceHandling], state: StockState) -> ActivityOutcome:
    """W2: moves received stock from the receive bin into storage; only then is it pickable. Partial
    registration leaves the rest open (W11). state: the put-away's items' bin content at the location.

    Decision: blocked lots/serials are put away too: they must leave the dock even if no one may pick them.
    """
    location = state.location
    put_away, entries, lines = register_placements(put_away, handled, state, take_bin=location.take_bin)
    event = PutAwayRegistered(put_away.no, location.code, lines)
    return ActivityOutcome(activity=put_away, entries=entries, events=(event,))
