"""What the warehouse is asked to do, and what it hears from the inventory service, in the domain's words.

`warehouse.messages` turns each contract message into one of these values; the use cases read only them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from units_of_measure import ItemUnits, StatedUnit
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.adjustments import AdjustmentLine, PhysicalCount
from warehouse.domain.documents import SourceLine
from warehouse.domain.events import TransferRoute
from warehouse.domain.inbound import ReceivedQuantity
from warehouse.domain.internal import MovementRequest, ReclassificationLine
from warehouse.domain.location import Bin
from warehouse.domain.outbound import PickHandling
from warehouse.domain.release import SourceRequest
from warehouse.domain.tracking import ItemTracking


# --- locations -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConfigureLocation:
    """The complete layout of a location; it replaces the current one as a whole."""

    location_code: str
    zones: tuple[str, ...]
    bins: tuple[Bin, ...]
    receive_bin: str
    ship_bin: str
    adjustment_bin: str
    pick_by_fefo: bool = False
    zone_descriptions: Mapping[str, str] = field(default_factory=dict)
    in_transit: bool = False


# --- inbound (W2) --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReleaseInboundRequest:
    receipt_no: str
    location_code: str
    requests: tuple[SourceRequest, ...]
    vendor_no: str = ""


@dataclass(frozen=True)
class PostReceipt:
    """`put_away_no` blank: the put-away is numbered after the receipt and its posting."""

    receipt_no: str
    received: tuple[ReceivedQuantity, ...]
    put_away_no: str = ""


@dataclass(frozen=True)
class RegisterPutAway:
    put_away_no: str
    handled: tuple[PlaceHandling, ...]


# --- outbound (W4-W6) ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ReleaseOutboundRequest:
    shipment_no: str
    location_code: str
    requests: tuple[SourceRequest, ...]
    customer_no: str = ""


@dataclass(frozen=True)
class CreatePick:
    shipment_no: str
    pick_no: str


@dataclass(frozen=True)
class RegisterPick:
    pick_no: str
    handled: tuple[PickHandling, ...]


@dataclass(frozen=True)
class CancelPick:
    """No line numbers: every line still outstanding."""

    pick_no: str
    line_nos: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PostShipment:
    """`quantities` per shipment line; None ships everything picked."""

    shipment_no: str
    quantities: Mapping[int, Decimal] | None = None
    units: Mapping[int, StatedUnit] = field(default_factory=dict)
    """U2: the unit a line's quantity is stated in, for the lines that name one."""


# --- internal (W7, W8) ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CreateMovement:
    movement_no: str
    location_code: str
    requests: tuple[MovementRequest, ...]


@dataclass(frozen=True)
class RegisterMovement:
    movement_no: str
    handled: tuple[PlaceHandling, ...]


@dataclass(frozen=True)
class RegisterReclassification:
    document_no: str
    location_code: str
    lines: tuple[ReclassificationLine, ...]


# --- adjustments (W9, W10) and reconciliation (S7) -------------------------------------------------
@dataclass(frozen=True)
class RegisterWarehouseAdjustment:
    document_no: str
    location_code: str
    lines: tuple[AdjustmentLine, ...]


@dataclass(frozen=True)
class RegisterPhysicalCount:
    document_no: str
    location_code: str
    counts: tuple[PhysicalCount, ...]


@dataclass(frozen=True)
class CalculateWarehouseAdjustment:
    """No items: every item holding a balance when the command starts."""

    document_no: str
    location_code: str
    item_nos: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReportBinTotals:
    """No items: every item with warehouse entries at the location."""

    request_id: str
    location_code: str
    item_nos: tuple[str, ...] = ()


# --- what the inventory service tells the warehouse ------------------------------------------------
@dataclass(frozen=True)
class RegisteredItem:
    """An item as the inventory registered it: its tracking (T1-T3, T5) and its units (U1)."""

    tracking: ItemTracking
    units: ItemUnits


@dataclass(frozen=True)
class DemandQuantity:
    """A demand's absolute quantity of an item at a location, for one serial/lot or none (blank): what it
    reserves (I7) or what is assigned to it (W5)."""

    location_code: str
    item_no: str
    variant: str
    demand: SourceLine
    serial: str
    lot: str
    quantity: Decimal


@dataclass(frozen=True)
class TrackingBlocked:
    """T4: a serial (or a whole lot, when the serial is blank) that picks and movements must skip."""

    item_no: str
    serial: str
    lot: str
    reason: str = ""


@dataclass(frozen=True)
class TrackingUnblocked:
    item_no: str
    serial: str
    lot: str


@dataclass(frozen=True)
class TrackingInformationChanged:
    """Q1, Q3: a lot's or serial's quality status (released, quarantine, rejected) as it is now; quarantined
    and rejected numbers are skipped by picks and movements like blocked ones."""

    item_no: str
    variant: str
    serial: str
    lot: str
    quality_status: str
    certificate_no: str = ""
    comment: str = ""


# --- transfers between locations (X1-X6) ---------------------------------------------------------
@dataclass(frozen=True)
class ReleaseTransferOrder:
    """X1: the requests are the transfer lines, each a demand of the source's shipment."""

    route: TransferRoute
    requests: tuple[SourceRequest, ...]
