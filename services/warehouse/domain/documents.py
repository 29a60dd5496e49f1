"""Warehouse documents: receipts, shipments and activities (put-away, pick, movement).

Every line counts quantity, quantity handled and quantity outstanding (W11); a fully handled line is
closed and a document closes when all its lines are. Documents are immutable values: handling a
line returns a new document, so a refused command leaves the loaded state untouched.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import Generic, Self, TypeVar

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.errors import (
    DocumentLineNotFoundError,
    DocumentNotFoundError,
    LineClosedError,
    QuantityExceedsOutstandingError,
    QuantityNotPositiveError,
)
from warehouse.domain.tracking import Tracking, describe_item

ZERO = Decimal(0)


class DocumentType(Enum):
    """What a warehouse document or journal is; a warehouse entry's type is the document that wrote it."""

    RECEIPT = "receipt"
    PUT_AWAY = "put_away"
    SHIPMENT = "shipment"
    PICK = "pick"
    MOVEMENT = "movement"
    RECLASSIFICATION = "reclassification"
    ADJUSTMENT = "adjustment"
    ADJUSTMENT_POSTING = "adjustment_posting"


@dataclass(frozen=True)
class SourceLine:
    """The order line a warehouse line serves: a demand (sales order line) or a supply (purchase order line)."""

    source_type: str
    source_no: str
    line_no: int

    def describe(self) -> str:
        return f"{self.source_type} {self.source_no} line {self.line_no}"


def check_positive(quantity: Decimal, what: str) -> None:
    if quantity <= ZERO:
        raise QuantityNotPositiveError(f"The quantity for {what} is {quantity}: enter a quantity above zero.")


@dataclass(frozen=True, kw_only=True)
class DocumentLine:
    line_no: int
    item_no: str
    variant: str = ""
    quantity: Decimal
    quantity_handled: Decimal = ZERO
    stated: StatedUnit = IN_BASE
    """U2: the unit the line was requested in; its quantities are in base units."""

    @property
    def outstanding(self) -> Decimal:
        return self.quantity - self.quantity_handled

    @property
    def is_closed(self) -> bool:
        return self.outstanding == ZERO

    def describe(self) -> str:
        return describe_item(self.item_no, self.variant)


@dataclass(frozen=True, kw_only=True)
class ReceiptLine(DocumentLine):
    """quantity_handled is the quantity received."""

    source: SourceLine
    bin_code: str


@dataclass(frozen=True)
class TrackedQuantity:
    tracking: Tracking
    quantity: Decimal
    stated: StatedUnit = IN_BASE


@dataclass(frozen=True, kw_only=True)
class ShipmentLine(DocumentLine):
    """quantity_handled is the quantity shipped; `picked` is what waits in the ship bin, per serial/lot."""

    source: SourceLine
    bin_code: str
    quantity_on_pick: Decimal = ZERO
    picked: tuple[TrackedQuantity, ...] = ()

    @property
    def quantity_picked(self) -> Decimal:
        return sum((p.quantity for p in self.picked), ZERO)

    @property
    def quantity_to_pick(self) -> Decimal:
        return self.outstanding - self.quantity_on_pick - self.quantity_picked

    def with_picked(self, tracking: Tracking, quantity: Decimal) -> Self:
        """Adds (or, negative, removes) picked stock of one serial/lot; empty entries disappear."""
        return self.with_picked_changes({tracking: quantity})

    def with_picked_changes(self, changes: Mapping[Tracking, Decimal]) -> Self:
        """`with_picked` for many serials/lots at once, in one pass over the line (Z1: a command that picks
        or ships thousands of serials changes each line once, not once per serial)."""
        totals = {p.tracking: p.quantity for p in self.picked}
        for tracking, quantity in changes.items():
            totals[tracking] = totals.get(tracking, ZERO) + quantity
        return replace(self, picked=tuple(TrackedQuantity(t, q) for t, q in totals.items() if q))


@dataclass(frozen=True, kw_only=True)
class ActivityLine(DocumentLine):
    """One Take/Place pair: `quantity` leaves `take_bin` and enters `place_bin` with `tracking`.

    `place_bin` is None on a put-away line for which no bin could be proposed; the operator names it
    when registering. `document_line_no` is the receipt or shipment line the activity line serves.
    """

    tracking: Tracking = field(default_factory=Tracking)
    take_bin: str
    place_bin: str | None
    source: SourceLine | None = None
    document_line_no: int | None = None

    @property
    def served_line_no(self) -> int:
        """The receipt or shipment line a put-away or pick line serves (movements serve none)."""
        if self.document_line_no is None:
            raise DocumentNotFoundError(f"Line {self.line_no} ({self.describe()}) serves no document line.")
        return self.document_line_no

    @property
    def demand(self) -> SourceLine:
        """The demand a pick line serves (every pick line serves one)."""
        if self.source is None:
            raise DocumentNotFoundError(f"Line {self.line_no} ({self.describe()}) serves no demand.")
        return self.source


L = TypeVar("L", bound=DocumentLine)


@dataclass(frozen=True, kw_only=True)
class Document(Generic[L]):
    no: str
    location_code: str
    lines: tuple[L, ...]

    @property
    def is_closed(self) -> bool:
        return all(line.is_closed for line in self.lines)

    @cached_property
    def _by_no(self) -> dict[int, L]:
        """The lines by number, built once per document value (Z1: finding a line is not a scan)."""
        return {line.line_no: line for line in self.lines}

    def line(self, line_no: int) -> L:
        try:
            return self._by_no[line_no]
        except KeyError:
            raise DocumentLineNotFoundError(
                f"Document {self.no} has no line {line_no}: check the line number.") from None

    def with_lines(self, changed: Iterable[L]) -> Self:
        by_no = {line.line_no: line for line in changed}
        if not by_no:
            return self
        return replace(self, lines=tuple(by_no.get(line.line_no, line) for line in self.lines))

    def handled(self, line_no: int, quantity: Decimal) -> Self:
        """W11: handle part or all of a line's outstanding quantity; the rest stays open."""
        return self.with_lines([handled_line(self.no, self.line(line_no), quantity)])


def handled_line(document_no: str, line: L, quantity: Decimal) -> L:
    """W11 for one line of document `document_no`: the line after handling `quantity` of what is outstanding."""
    check_positive(quantity, f"line {line.line_no} of {document_no}")
    if line.is_closed:
        raise LineClosedError(
            f"Line {line.line_no} of {document_no} ({line.describe()}) is closed: nothing is left on it.")
    if quantity > line.outstanding:
        raise QuantityExceedsOutstandingError(
            f"Line {line.line_no} of {document_no} ({line.describe()}) has {line.outstanding} outstanding, not "
            f"{quantity}: handle at most {line.outstanding}."
        )
    return replace(line, quantity_handled=line.quantity_handled + quantity)


class LineChanges(Generic[L]):
    """One command's changes to the lines of a document: a line is read and changed by its number without
    copying the document, which is rebuilt once at the end with `Document.with_lines(changes.changed)`
    (Z1: a command of n lines costs n, not n times the document's length)."""

    def __init__(self, document: "Document[L]") -> None:
        self.document = document
        self.changed: dict[int, L] = {}

    def line(self, line_no: int) -> L:
        """The line as this command has left it so far."""
        return self.changed[line_no] if line_no in self.changed else self.document.line(line_no)

    def put(self, line: L) -> None:
        self.changed[line.line_no] = line

    def handled(self, line_no: int, quantity: Decimal) -> L:
        """`Document.handled` on the working copy; returns the changed line."""
        line = handled_line(self.document.no, self.line(line_no), quantity)
        self.put(line)
        return line


@dataclass(frozen=True, kw_only=True)
class Receipt(Document[ReceiptLine]):
    vendor_no: str = ""
    """Who the stock comes from (blank: not named); its postings carry it to the item ledger (R1)."""


@dataclass(frozen=True, kw_only=True)
class Shipment(Document[ShipmentLine]):
    customer_no: str = ""
    """Who the stock goes to (blank: not named); its postings carry it to the item ledger (R1)."""


@dataclass(frozen=True, kw_only=True)
class Activity(Document[ActivityLine]):
    """A put-away, pick or movement; `document_no` is the receipt or shipment it serves, if any."""

    type: DocumentType
    document_no: str | None = None

    def cancelled(self, line_no: int) -> Self:
        """Cancelling drops what is still outstanding: the line closes at what was handled."""
        return self.with_lines([cancelled_line(self.line(line_no))])


def cancelled_line(line: ActivityLine) -> ActivityLine:
    """`Activity.cancelled` for one line."""
    return replace(line, quantity=line.quantity_handled)
