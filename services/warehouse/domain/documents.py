"""Warehouse documents: receipts, shipments and activities (put-away, pick, movement).

Every line counts quantity, quantity handled and quantity outstanding (W11); a fully handled line is
closed and a document closes when all its lines are. Documents are immutable values: handling a
line returns a new document, so a refused command leaves the loaded state untouched.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from typing import Generic, Self, TypeVar

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
        totals = {p.tracking: p.quantity for p in self.picked}
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

    def line(self, line_no: int) -> L:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise DocumentLineNotFoundError(f"Document {self.no} has no line {line_no}: check the line number.")

    def with_lines(self, changed: Iterable[L]) -> Self:
        by_no = {line.line_no: line for line in changed}
        return replace(self, lines=tuple(by_no.get(line.line_no, line) for line in self.lines))

    def handled(self, line_no: int, quantity: Decimal) -> Self:
        """W11: handle part or all of a line's outstanding quantity; the rest stays open."""
        line = self.line(line_no)
        check_positive(quantity, f"line {line_no} of {self.no}")
        if line.is_closed:
            raise LineClosedError(f"Line {line_no} of {self.no} ({line.describe()}) is closed: nothing is left on it.")
        if quantity > line.outstanding:
            raise QuantityExceedsOutstandingError(
                f"Line {line_no} of {self.no} ({line.describe()}) has {line.outstanding} outstanding, not "
                f"{quantity}: handle at most {line.outstanding}."
            )
        return self.with_lines([replace(line, quantity_handled=line.quantity_handled + quantity)])


@dataclass(frozen=True, kw_only=True)
class Receipt(Document[ReceiptLine]):
    pass


@dataclass(frozen=True, kw_only=True)
class Shipment(Document[ShipmentLine]):
    pass


@dataclass(frozen=True, kw_only=True)
class Activity(Document[ActivityLine]):
    """A put-away, pick or movement; `document_no` is the receipt or shipment it serves, if any."""

    type: DocumentType
    document_no: str | None = None

    def cancelled(self, line_no: int) -> Self:
        """Cancelling drops what is still outstanding: the line closes at what was handled."""
        line = self.line(line_no)
        return self.with_lines([replace(line, quantity=line.quantity_handled)])
