"""Transfers between locations (X1-X6): a transfer order ships from one location through an in-transit
location (no bins) and is received at another. The source ships it as any shipment (W4-W6); each shipment
posting extends the expected receipt at the destination with exactly what was shipped (X3), and the receipt
takes nothing else."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from warehouse.domain.documents import ZERO, Receipt, Shipment
from warehouse.domain.errors import InvalidTransferRouteError, NotInTransitLocationError, NotShippedOnTransferError
from warehouse.domain.events import DomainEvent, PostedLine, ReceiptOutcome, TransferRoute
from warehouse.domain.inbound import ReceivedQuantity
from warehouse.domain.location import Location
from warehouse.domain.release import SourceRequest, release_inbound
from warehouse.domain.state import StockState
from warehouse.domain.tracking import SerialKey, Tracking

TRANSFER_ORDER = "transfer_order"
"""The source type of a transfer's shipment and receipt lines: their source line is the transfer order line."""


@dataclass(frozen=True)
class ShippedTracking:
    """X3: what the transfer's shipments sent of one serial/lot on a transfer line, and how much of it arrived."""

    line_no: int
    """The shipment line, and the receipt line of the same number."""
    item_no: str
    variant: str
    tracking: Tracking
    shipped: Decimal
    received: Decimal = ZERO

    @property
    def in_transit(self) -> Decimal:
        return self.shipped - self.received


TrackingKey = tuple[int, str, str]
"""(receipt line no, serial, lot): one predefined tracking line of a transfer receipt."""


@dataclass(frozen=True)
class TransferShipped(DomainEvent):
    """X1, X3: a shipment posting of a transfer; `lines` are what the receipt now also expects."""

    transfer_no: str
    from_location: str
    in_transit_location: str
    to_location: str
    receipt_no: str
    posting_date: date
    lines: tuple[ShippedTracking, ...]


def is_transfer(document: Receipt | Shipment) -> bool:
    """A transfer's shipment and receipt serve transfer order lines (and carry the order's number)."""
    return any(line.source.source_type == TRANSFER_ORDER for line in document.lines)


def check_route(route: TransferRoute, source: Location, in_transit: Location | None,
                destination: Location | None) -> None:
    """X1: two different warehouse locations and an in-transit location between them."""
    if in_transit is None or not in_transit.in_transit:
        raise NotInTransitLocationError(
            f"Location {route.in_transit_location} is not an in-transit location: configure it with kind "
            "in_transit (no bins) or name another.")
    if destination is None or destination.in_transit or source.in_transit or source.code == destination.code:
        raise InvalidTransferRouteError(
            f"Transfer {route.transfer_no} must go between two different configured warehouse locations, not "
            f"{route.from_location} -> {route.to_location}: check the locations.")


def shipped_tracking(posted: Iterable[PostedLine]) -> list[ShippedTracking]:
    """X3: what one shipment posting sent, per transfer line and serial/lot (Z1: one pass)."""
    shipped: dict[tuple[int, Tracking], ShippedTracking] = {}
    for line in posted:
        key = (line.document_line_no, line.tracking)
        before = shipped.get(key)
        quantity = line.quantity + (before.shipped if before else ZERO)
        shipped[key] = ShippedTracking(line.document_line_no, line.item_no, line.variant, line.tracking, quantity)
    return list(shipped.values())


def expected_receipt(route: TransferRoute, shipment: Shipment, state: StockState) -> ReceiptOutcome:
    """X1: the receipt at the destination, created by the first shipment posting: its lines are the shipment's,
    in the same order, so receipt line n is shipment line n. state: the destination and the items' tracking."""
    requests = [SourceRequest(line.source, line.item_no, line.quantity, line.variant) for line in shipment.lines]
    return release_inbound(route.transfer_no, requests, state)


def transfer_shipped(route: TransferRoute, today: date, shipped: Sequence[ShippedTracking]) -> TransferShipped:
    return TransferShipped(route.transfer_no, route.from_location, route.in_transit_location, route.to_location,
                           route.transfer_no, today, tuple(shipped))


@dataclass(frozen=True)
class TransferReceipt:
    """X3: a transfer receipt posting as checked: what is received (expirations as shipped), the tracking
    lines it changes, and the serials it brings back into stock from transit (T2 holds them there)."""

    route: TransferRoute
    received: tuple[ReceivedQuantity, ...]
    changed: tuple[ShippedTracking, ...]

    @property
    def serials(self) -> frozenset[SerialKey]:
        return frozenset((s.item_no, s.variant, s.tracking.serial) for s in self.changed if s.tracking.serial)


def receive_transfer(route: TransferRoute, receipt: Receipt, received: Iterable[ReceivedQuantity],
                     expected: Mapping[TrackingKey, ShippedTracking]) -> TransferReceipt:
    """X3: every received quantity must have been shipped on that line with that serial/lot (and expiration;
    a blank one takes the shipped one) and still be in transit. Partial receipt leaves the rest in transit."""
    changed: dict[TrackingKey, ShippedTracking] = {}
    checked = []
    for r in received:
        key = (r.line_no, r.tracking.serial, r.tracking.lot)
        row = changed.get(key) or expected.get(key)
        if row is None or r.quantity > row.in_transit or r.tracking.expiration not in (None, row.tracking.expiration):
            raise NotShippedOnTransferError(_not_shipped(receipt.no, r.line_no, r.quantity, r.tracking, row))
        changed[key] = replace(row, received=row.received + r.quantity)
        checked.append(replace(r, tracking=row.tracking))
    return TransferReceipt(route, tuple(checked), tuple(changed.values()))


def _not_shipped(receipt_no: str, line_no: int, quantity: Decimal, tracking: Tracking,
                 row: ShippedTracking | None) -> str:
    if row is None:
        return (f"Line {line_no} of transfer receipt {receipt_no} did not ship {tracking.describe()}: receive "
                "only the serial/lot numbers the transfer shipped.")
    if tracking.expiration not in (None, row.tracking.expiration):
        return (f"{tracking.describe()} on line {line_no} of transfer receipt {receipt_no} was shipped with "
                f"expiration {row.tracking.expiration}, not {tracking.expiration}: receive it as shipped.")
    return (f"Only {row.in_transit} of {tracking.describe()} on line {line_no} of transfer receipt {receipt_no} "
            f"is in transit, not {quantity}: receive at most what was shipped and not yet received.")
