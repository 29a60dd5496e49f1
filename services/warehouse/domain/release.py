"""Releasing source documents to the warehouse: a supply line becomes a receipt line (W2), a demand line a
shipment line (W4). Both are checked the same way, so they share one path."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.documents import Receipt, ReceiptLine, Shipment, ShipmentLine, SourceLine, check_positive
from warehouse.domain.errors import BinNotAllowedError
from warehouse.domain.events import ReceiptOutcome, ReceiptReleased, ReleasedLine, ShipmentOutcome, ShipmentReleased
from warehouse.domain.location import BinType, Location
from warehouse.domain.state import StockState
from warehouse.domain.tracking import ItemTracking, item_tracking


@dataclass(frozen=True)
class SourceRequest:
    """A released order line the warehouse is to handle: a purchase order line to receive or a sales order
    line to ship."""

    source: SourceLine
    item_no: str
    quantity: Decimal
    variant: str = ""
    bin_code: str = ""
    """Blank: the location's default receive (inbound) or ship (outbound) bin."""
    stated: StatedUnit = IN_BASE


Line = TypeVar("Line", ReceiptLine, ShipmentLine)


def release_inbound(receipt_no: str, requests: Sequence[SourceRequest], state: StockState,
                    vendor_no: str = "") -> ReceiptOutcome:
    """W2: the receipt expects the stock in a receive bin, the location's default one unless the request
    names another. state: the location and the requested items' tracking."""
    location = state.location
    lines, facts = _release(location, BinType.RECEIVE, location.receive_bin, requests, state.items,
                            lambda i, r, bin_code: ReceiptLine(line_no=i, source=r.source, item_no=r.item_no,
                                                               variant=r.variant, quantity=r.quantity,
                                                               bin_code=bin_code, stated=r.stated))
    return ReceiptOutcome(receipt=Receipt(no=receipt_no, location_code=location.code, lines=lines,
                                          vendor_no=vendor_no),
                          events=(ReceiptReleased(receipt_no, location.code, facts, vendor_no),))


def release_outbound(shipment_no: str, requests: Sequence[SourceRequest], state: StockState,
                     customer_no: str = "") -> ShipmentOutcome:
    """W4: the shipment leaves from a ship bin (the location's default one unless the request names another),
    where its picks place the stock. state: the location and the requested items' tracking."""
    location = state.location
    lines, facts = _release(location, BinType.SHIP, location.ship_bin, requests, state.items,
                            lambda i, r, bin_code: ShipmentLine(line_no=i, source=r.source, item_no=r.item_no,
                                                                variant=r.variant, quantity=r.quantity,
                                                                bin_code=bin_code, stated=r.stated))
    return ShipmentOutcome(shipment=Shipment(no=shipment_no, location_code=location.code, lines=lines,
                                             customer_no=customer_no),
                           events=(ShipmentReleased(shipment_no, location.code, facts, customer_no),))


def _release(location: Location, flag: BinType, default_bin: str, requests: Sequence[SourceRequest],
             items: Mapping[str, ItemTracking],
             make_line: Callable[[int, SourceRequest, str], Line]) -> tuple[tuple[Line, ...], tuple[ReleasedLine, ...]]:
    lines, facts = [], []
    for line_no, request in enumerate(requests, start=1):
        item_tracking(items, request.item_no)
        check_positive(request.quantity, request.source.describe())
        bin_code = _request_bin(location, request.bin_code or default_bin, flag)
        lines.append(make_line(line_no, request, bin_code))
        facts.append(ReleasedLine(line_no, request.source, request.item_no, request.variant, request.quantity,
                                  bin_code, request.stated))
    return tuple(lines), tuple(facts)


def _request_bin(location: Location, code: str, flag: BinType) -> str:
    """A receipt line waits in a Receive bin, a shipment line in a Ship bin: nothing else has that flow."""
    if location.bin(code).type != flag:
        kind = (flag.name or "").lower()
        raise BinNotAllowedError(
            f"Bin {code} at location {location.code} is not a {kind} bin: name a {kind} bin or leave the bin "
            "blank for the location's default."
        )
    return code
