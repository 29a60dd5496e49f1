"""Domain events (facts, named in past tense) and the outcome every use case returns.

Quantities in events are positive unless a field says "signed". Events carry only values, so the
messages module can map them to contract models without knowing the domain's rules.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.documents import Activity, Receipt, Shipment, SourceLine
from warehouse.domain.stock import WarehouseEntry
from warehouse.domain.tracking import Tracking


class DomainEvent:
    """Marker base of every warehouse fact."""


# --- event lines -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReleasedLine:
    line_no: int
    source: SourceLine
    item_no: str
    variant: str
    quantity: Decimal
    bin_code: str
    stated: StatedUnit = IN_BASE


@dataclass(frozen=True)
class PostedLine:
    """A posted quantity of one serial/lot: becomes one item ledger entry (S1, S5)."""

    document_line_no: int
    source: SourceLine
    item_no: str
    variant: str
    bin_code: str
    tracking: Tracking
    quantity: Decimal
    stated: StatedUnit = IN_BASE


@dataclass(frozen=True)
class AllocatedLine:
    """Stock allocated to (or released from) a demand by a pick line (S2)."""

    line_no: int
    source: SourceLine | None
    item_no: str
    variant: str
    take_bin: str
    tracking: Tracking
    quantity: Decimal


@dataclass(frozen=True)
class RegisteredLine:
    """A registered Take/Place. `proposed_tracking` is what the line carried; `tracking` is what was really
    handled. They differ only when a picker scanned another serial/lot (W6, S3)."""

    line_no: int
    source: SourceLine | None
    item_no: str
    variant: str
    take_bin: str
    place_bin: str
    proposed_tracking: Tracking
    tracking: Tracking
    quantity: Decimal
    stated: StatedUnit = IN_BASE


@dataclass(frozen=True)
class PlannedLine:
    """A Take/Place an open movement sets stock aside for (W7), before anyone registers it."""

    line_no: int
    item_no: str
    variant: str
    take_bin: str
    place_bin: str
    tracking: Tracking
    quantity: Decimal


@dataclass(frozen=True)
class ReclassifiedLine:
    line_no: int
    item_no: str
    variant: str
    from_bin: str
    to_bin: str
    from_tracking: Tracking
    to_tracking: Tracking
    quantity: Decimal


@dataclass(frozen=True)
class AdjustedLine:
    """Found (signed quantity > 0) or lost (< 0) stock in a real bin (W9)."""

    line_no: int
    item_no: str
    variant: str
    bin_code: str
    tracking: Tracking
    quantity: Decimal


@dataclass(frozen=True)
class AdjustmentPostingLine:
    """What the item ledger must post (W10): signed quantity > 0 is a positive adjustment, < 0 a negative one."""

    variant: str
    tracking: Tracking
    quantity: Decimal


@dataclass(frozen=True)
class TransferRoute:
    """X1: a transfer order's way from the source through the in-transit location to the destination; its
    shipment and its receipt are numbered `transfer_no`."""

    transfer_no: str
    from_location: str
    in_transit_location: str
    to_location: str


# --- events ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReceiptReleased(DomainEvent):
    receipt_no: str
    location_code: str
    lines: tuple[ReleasedLine, ...]
    vendor_no: str = ""


@dataclass(frozen=True)
class ReceiptPosted(DomainEvent):
    receipt_no: str
    location_code: str
    posting_date: date
    put_away_no: str
    lines: tuple[PostedLine, ...]
    vendor_no: str = ""
    transfer: TransferRoute | None = None


@dataclass(frozen=True)
class PutAwayRegistered(DomainEvent):
    put_away_no: str
    location_code: str
    lines: tuple[RegisteredLine, ...]


@dataclass(frozen=True)
class ShipmentReleased(DomainEvent):
    shipment_no: str
    location_code: str
    lines: tuple[ReleasedLine, ...]
    customer_no: str = ""


@dataclass(frozen=True)
class PickCreated(DomainEvent):
    pick_no: str
    shipment_no: str
    location_code: str
    lines: tuple[AllocatedLine, ...]


@dataclass(frozen=True)
class PickRegistered(DomainEvent):
    pick_no: str
    shipment_no: str
    location_code: str
    lines: tuple[RegisteredLine, ...]


@dataclass(frozen=True)
class PickCancelled(DomainEvent):
    pick_no: str
    shipment_no: str
    location_code: str
    lines: tuple[AllocatedLine, ...]


@dataclass(frozen=True)
class ShipmentPosted(DomainEvent):
    shipment_no: str
    location_code: str
    posting_date: date
    lines: tuple[PostedLine, ...]
    customer_no: str = ""
    transfer: TransferRoute | None = None


@dataclass(frozen=True)
class MovementCreated(DomainEvent):
    movement_no: str
    location_code: str
    lines: tuple[PlannedLine, ...]


@dataclass(frozen=True)
class MovementRegistered(DomainEvent):
    movement_no: str
    location_code: str
    lines: tuple[RegisteredLine, ...]


@dataclass(frozen=True)
class ReclassificationRegistered(DomainEvent):
    document_no: str
    location_code: str
    lines: tuple[ReclassifiedLine, ...]


@dataclass(frozen=True)
class WarehouseAdjustmentRegistered(DomainEvent):
    """`covered_items`: the items a physical count covered. Each gets its fact, with no lines when the count
    found no difference, so the sender always has an answer (decision 28)."""

    document_no: str
    location_code: str
    lines: tuple[AdjustedLine, ...]
    covered_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class WarehouseAdjustmentPosted(DomainEvent):
    """One per item, so it travels on the item's key ahead of that item's shipment (S4)."""

    document_no: str
    location_code: str
    posting_date: date
    item_no: str
    lines: tuple[AdjustmentPostingLine, ...]


@dataclass(frozen=True)
class BinTotal:
    """S7: what real bins hold of one item/variant/serial/lot at a location, and the adjustment bin's balance."""

    item_no: str
    variant: str
    serial: str
    lot: str
    real_bins: Decimal
    adjustment_bin: Decimal


@dataclass(frozen=True)
class BinTotalsReported(DomainEvent):
    """The warehouse side of a reconciliation (S7): one fact per item asked about, even one it holds none of."""

    request_id: str
    location_code: str
    item_nos: tuple[str, ...]
    totals: tuple[BinTotal, ...]


# --- outcomes ----------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a use case decided: entries to append (in order) and facts to publish (in order)."""

    entries: tuple[WarehouseEntry, ...] = ()
    events: tuple[DomainEvent, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ReceiptOutcome(Outcome):
    receipt: Receipt


@dataclass(frozen=True, kw_only=True)
class PostedReceiptOutcome(ReceiptOutcome):
    """A posted receipt creates the put-away that stores what it received."""

    put_away: Activity


@dataclass(frozen=True, kw_only=True)
class ActivityOutcome(Outcome):
    activity: Activity


@dataclass(frozen=True, kw_only=True)
class ShipmentOutcome(Outcome):
    shipment: Shipment


@dataclass(frozen=True, kw_only=True)
class PickOutcome(ShipmentOutcome):
    """A pick created, registered or cancelled, and the shipment it serves."""

    pick: Activity
