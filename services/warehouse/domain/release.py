"""Releasing source documents to the warehouse: a supply line becomes a receipt line (W2), a demand line a
shipment line (W4). Both are checked the same way, so they share one path."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from warehouse.domain.documents import Receipt, ReceiptLine, Shipment, ShipmentLine, SourceLine, check_positive
from warehouse.domain.events import ReceiptOutcome, ReceiptReleased, ReleasedLine, ShipmentOutcome, ShipmentReleased
from warehouse.domain.location import Location
from warehouse.domain.tracking import ItemTracking, item_tracking


@dataclass(frozen=True)
class SourceRequest:
    """A released order line the warehouse is to handle: a purchase order line to receive or a sales order
    line to ship."""

    source: SourceLine
    item_no: str
    quantity: Decimal
    variant: str = ""


Line = TypeVar("Line", ReceiptLine, ShipmentLine)


def release_inbound(receipt_no: str, location: Location, requests: Sequence[SourceRequest],
                    items: Mapping[str, ItemTracking]) -> ReceiptOutcome:
    """W2: the receipt expects the stock in the location's default receive bin."""
    lines, facts = _release(requests, items, lambda i, r: ReceiptLine(
        line_no=i, source=r.source, item_no=r.item_no, variant=r.variant, quantity=r.quantity,
        bin_code=location.receive_bin))
    return ReceiptOutcome(receipt=Receipt(no=receipt_no, location_code=location.code, lines=lines),
                          events=(ReceiptReleased(receipt_no, location.code, facts),))


def release_outbound(shipment_no: str, location: Location, requests: Sequence[SourceRequest],
                     items: Mapping[str, ItemTracking]) -> ShipmentOutcome:
    """W4: the shipment leaves from the location's default ship bin, where its picks place the stock."""
    lines, facts = _release(requests, items, lambda i, r: ShipmentLine(
        line_no=i, source=r.source, item_no=r.item_no, variant=r.variant, quantity=r.quantity,
        bin_code=location.ship_bin))
    return ShipmentOutcome(shipment=Shipment(no=shipment_no, location_code=location.code, lines=lines),
                           events=(ShipmentReleased(shipment_no, location.code, facts),))


def _release(requests: Sequence[SourceRequest], items: Mapping[str, ItemTracking],
             make_line: Callable[[int, SourceRequest], Line]) -> tuple[tuple[Line, ...], tuple[ReleasedLine, ...]]:
    lines, facts = [], []
    for line_no, request in enumerate(requests, start=1):
        item_tracking(items, request.item_no)
        check_positive(request.quantity, request.source.describe())
        lines.append(make_line(line_no, request))
        facts.append(ReleasedLine(line_no, request.source, request.item_no, request.variant, request.quantity))
    return tuple(lines), tuple(facts)
