"""Messages of the warehouse-tracking service: `warehouse.commands.v1` and `warehouse.events.v1`.

Document numbers (receipt, shipment, pick, put-away, movement, journal) are chosen by the sender:
they make commands idempotent and let a client refer to what it created without a round trip.
Stock facts are split per item and keyed `item_no|location_code`, so the inventory service sees
each item's facts at a location in the order they happened (architecture.md, "Ordering").
Facts whose lines grow with a document are published in parts of at most `LINES_PER_PART` lines
(`InParts`: `part`/`parts`, every other field repeated), one message per part on the same key (Z2).
"""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from contracts.base import (
    Code,
    Command,
    CommandPart,
    InParts,
    Message,
    Part,
    Quantity,
    Rejection,
    StockFact,
    by_type,
    enum_schema,
)

BIN_TYPES = ("receive", "ship", "put_away", "pick")
BLOCK_MOVEMENTS = ("none", "inbound", "outbound", "all")
BinType = Annotated[str, enum_schema(BIN_TYPES)]
BlockMovement = Annotated[str, enum_schema(BLOCK_MOVEMENTS)]


# --- units of measure (U2, docs/rules.md#U2) ----------------------------------------------------
UnitCode = Annotated[str, Field(max_length=10, description="U2: the unit `quantity` is stated in (one of the "
                                                           "item's units); blank = the item's base unit")]


class StatedUnitFields(Part):
    """U2: the unit a line's quantity was stated in; the line's quantities are in base units."""

    unit_code: str = Field(default="", description="blank: stated in the base unit")
    quantity_per_unit: Quantity = Field(default=Decimal(1), description="of `unit_code` when it was stated")


# --- parts ------------------------------------------------------------------------------------
class Zone(Part):
    code: Code = Field(min_length=1)
    description: str = ""


class Bin(Part):
    code: Code = Field(min_length=1)
    zone: Code
    types: tuple[BinType, ...] = Field(default=(), description=f"subset of {', '.join(BIN_TYPES)}; empty = QC-like")
    ranking: int = 0
    block_movement: BlockMovement = Field(default="none", description=f"one of: {', '.join(BLOCK_MOVEMENTS)}")
    dedicated: bool = False


class LayoutZone(Zone, CommandPart):
    """A zone of a location's layout, as a command sets it."""


class LayoutBin(Bin, CommandPart):
    """A bin of a location's layout, as a command sets it."""


class TrackedFields(Part):
    serial: Code = ""
    lot: Code = ""
    expiration: date | None = None


class RequestLine(CommandPart):
    """A line of an inbound or outbound request: which order line, which item, how much."""

    line_no: int = Field(gt=0)
    source_line_no: int
    item_no: Code
    variant: Code = ""
    quantity: Quantity
    bin_code: Code = Field(default="", description="default: the location's receive (inbound) or ship (outbound) bin")
    unit: UnitCode = ""


class ReceivedLine(TrackedFields, CommandPart):
    """One tracking line of a receipt posting: quantity of a receipt line with its serial/lot/expiration."""

    line_no: int
    quantity: Quantity
    unit: UnitCode = ""


class HandledLine(CommandPart):
    """A registered activity line; `place_bin` overrides the proposed Place bin (put-aways, movements)."""

    line_no: int
    quantity: Quantity
    place_bin: Code = ""
    unit: UnitCode = ""


class PickedLine(CommandPart):
    """A registered pick line; `serial`/`lot` name what was really taken when it differs from the proposal (W6)."""

    line_no: int
    quantity: Quantity
    serial: Code | None = None
    lot: Code | None = None
    unit: UnitCode = ""


class ShipLine(CommandPart):
    line_no: int
    quantity: Quantity
    unit: UnitCode = ""


class MovementLine(TrackedFields, CommandPart):
    item_no: Code
    variant: Code = ""
    from_bin: Code
    to_bin: Code
    quantity: Quantity
    unit: UnitCode = ""


class ReclassificationLine(TrackedFields, CommandPart):
    """Change bin and/or serial, lot, expiration of content already in the warehouse (W8).
    `serial`/`lot`/`expiration` name the current content; blank `new_*` fields keep the current value."""

    item_no: Code
    variant: Code = ""
    from_bin: Code
    to_bin: Code = ""
    quantity: Quantity
    new_serial: Code = ""
    new_lot: Code = ""
    new_expiration: date | None = None
    unit: UnitCode = ""


class AdjustmentLine(TrackedFields, CommandPart):
    """Found (quantity > 0) or lost (quantity < 0) stock in a real bin (W9)."""

    item_no: Code
    variant: Code = ""
    bin_code: Code
    quantity: Quantity
    unit: UnitCode = ""


class CountLine(TrackedFields, CommandPart):
    """A physical count: what is really in the bin; the difference to the bin content is adjusted (W9)."""

    item_no: Code
    variant: Code = ""
    bin_code: Code
    counted_quantity: Quantity = Field(ge=0)
    unit: UnitCode = ""


# --- commands ---------------------------------------------------------------------------------
class ConfigureLocation(Command):
    """Create or replace the layout of a location: zones, bins and its default bins."""

    TYPE = "warehouse.location.configure.v1"
    KEY = ("location_code",)

    location_code: Code = Field(min_length=1)
    zones: tuple[LayoutZone, ...] = ()
    bins: tuple[LayoutBin, ...] = ()
    receive_bin: Code
    ship_bin: Code
    adjustment_bin: Code
    pick_by_fefo: bool = False
    kind: "LocationKind" = Field(default="warehouse", description="warehouse, or in_transit: no zones, no bins, "
                                 "blank default bins (X1, docs/rules.md#X1)")


class ReleaseInboundRequest(Command):
    """A released inbound request (e.g. purchase order lines) becomes warehouse receipt `receipt_no` (W2)."""

    TYPE = "warehouse.inbound_request.release.v1"
    KEY = ("receipt_no",)

    receipt_no: Code = Field(min_length=1)
    location_code: Code
    source_type: Code = "purchase_order"
    source_no: Code
    lines: tuple[RequestLine, ...] = Field(min_length=1)
    vendor_no: Code = Field(default="", description="recall (R1): the vendor the stock comes from, kept on its entries")


class PostReceipt(Command):
    """Post what arrived, per serial/lot (T1-T3); creates put-away `put_away_no` (default `<receipt_no>-PA<n>`)."""

    TYPE = "warehouse.receipt.post.v1"
    KEY = ("receipt_no",)

    receipt_no: Code
    put_away_no: Code = ""
    lines: tuple[ReceivedLine, ...] = Field(min_length=1)


class RegisterPutAway(Command):
    TYPE = "warehouse.put_away.register.v1"
    KEY = ("put_away_no",)

    put_away_no: Code
    lines: tuple[HandledLine, ...] = Field(min_length=1)


class ReleaseOutboundRequest(Command):
    """A released outbound request (e.g. sales order lines) becomes warehouse shipment `shipment_no` (W4)."""

    TYPE = "warehouse.outbound_request.release.v1"
    KEY = ("shipment_no",)

    shipment_no: Code = Field(min_length=1)
    location_code: Code
    source_type: Code = "sales_order"
    source_no: Code
    lines: tuple[RequestLine, ...] = Field(min_length=1)
    customer_no: Code = Field(default="",
                              description="recall (R1): the customer the stock goes to, kept on its entries")


class CreatePick(Command):
    """Allocate stock for every shipment line still to pick (W5, I7)."""

    TYPE = "warehouse.pick.create.v1"
    KEY = ("shipment_no",)

    pick_no: Code = Field(min_length=1)
    shipment_no: Code


class RegisterPick(Command):
    TYPE = "warehouse.pick.register.v1"
    KEY = ("pick_no",)

    pick_no: Code
    lines: tuple[PickedLine, ...] = Field(min_length=1)


class CancelPick(Command):
    """Cancel open pick lines (all of them when `line_nos` is empty); their allocation is released."""

    TYPE = "warehouse.pick.cancel.v1"
    KEY = ("pick_no",)

    pick_no: Code
    line_nos: tuple[int, ...] = ()


class PostShipment(Command):
    """Ship what was picked (all of it, or `lines`); pending adjustments of its items are posted first (S4)."""

    TYPE = "warehouse.shipment.post.v1"
    KEY = ("shipment_no",)

    shipment_no: Code
    lines: tuple[ShipLine, ...] = ()


class CreateMovement(Command):
    TYPE = "warehouse.movement.create.v1"
    KEY = ("movement_no",)

    movement_no: Code = Field(min_length=1)
    location_code: Code
    lines: tuple[MovementLine, ...] = Field(min_length=1)


class RegisterMovement(Command):
    TYPE = "warehouse.movement.register.v1"
    KEY = ("movement_no",)

    movement_no: Code
    lines: tuple[HandledLine, ...] = Field(min_length=1)


class JournalCommand(Command):
    """A journal the sender numbers (`document_no`) at one location."""

    KEY = ("document_no",)

    document_no: Code = Field(min_length=1)
    location_code: Code


class RegisterReclassification(JournalCommand):
    TYPE = "warehouse.reclassification.register.v1"

    lines: tuple[ReclassificationLine, ...] = Field(min_length=1)


class RegisterWarehouseAdjustment(JournalCommand):
    TYPE = "warehouse.adjustment.register.v1"

    lines: tuple[AdjustmentLine, ...] = Field(min_length=1)


class RegisterPhysicalCount(JournalCommand):
    TYPE = "warehouse.physical_count.register.v1"

    lines: tuple[CountLine, ...] = Field(min_length=1)


class CalculateWarehouseAdjustment(JournalCommand):
    """Publish the adjustment-bin balances (all items, or `item_nos`) so inventory posts them (W10)."""

    TYPE = "warehouse.adjustment.calculate.v1"
    KEY = ("location_code",)

    item_nos: tuple[Code, ...] = ()


class ReportBinTotals(Command):
    """S7: publish the bin totals (real bins and adjustment bin) per item/variant/serial/lot, one fact per item,
    so inventory can reconcile them with its ledger in order with the item's other facts."""

    TYPE = "warehouse.bin_totals.report.v1"
    KEY = ("location_code",)

    request_id: Code = Field(min_length=1)
    location_code: Code
    item_nos: tuple[Code, ...] = Field(default=(), description="empty = every item with entries at the location")


# --- fact lines -------------------------------------------------------------------------------
class ReleasedLineFact(StatedUnitFields):
    line_no: int
    source_line_no: int
    item_no: str
    variant: str
    quantity: Quantity
    bin_code: str


class PostedLineFact(StatedUnitFields, TrackedFields):
    """A posted quantity of one serial/lot: becomes one item ledger entry (S1, S5)."""

    document_line_no: int
    source_type: str
    source_no: str
    source_line_no: int
    variant: str
    bin_code: str
    quantity: Quantity


class AllocatedLineFact(TrackedFields):
    """Stock allocated to (created) or released from (cancelled) a demand by a pick line (S2)."""

    line_no: int
    source_type: str
    source_no: str
    source_line_no: int
    variant: str
    take_bin: str
    quantity: Quantity


class RegisteredLineFact(StatedUnitFields, TrackedFields):
    """A registered Take/Place; `proposed_*` is what the line proposed, the tracking fields what was handled."""

    line_no: int
    source_type: str = ""
    source_no: str = ""
    source_line_no: int = 0
    variant: str
    take_bin: str
    place_bin: str
    proposed_serial: str = ""
    proposed_lot: str = ""
    quantity: Quantity


class PlannedLineFact(TrackedFields):
    """A Take/Place an open movement sets stock aside for; nothing has moved yet (W7)."""

    line_no: int
    variant: str
    take_bin: str
    place_bin: str
    quantity: Quantity


class ReclassifiedLineFact(Part):
    line_no: int
    variant: str
    from_bin: str
    to_bin: str
    from_serial: str
    from_lot: str
    from_expiration: date | None
    to_serial: str
    to_lot: str
    to_expiration: date | None
    quantity: Quantity


class AdjustedLineFact(TrackedFields):
    line_no: int
    variant: str
    bin_code: str
    quantity: Quantity = Field(description="signed: > 0 found, < 0 lost")


class AdjustmentPostingLineFact(TrackedFields):
    variant: str
    quantity: Quantity = Field(description="signed: > 0 positive adjustment, < 0 negative adjustment")


# --- events -----------------------------------------------------------------------------------
class LocationConfigured(Message):
    TYPE = "warehouse.location.configured.v1"
    KEY = ("location_code",)

    location_code: str
    zones: tuple[Zone, ...]
    bins: tuple[Bin, ...]
    receive_bin: str
    ship_bin: str
    adjustment_bin: str
    pick_by_fefo: bool
    kind: str = "warehouse"


class ReceiptReleased(InParts, Message):
    TYPE = "warehouse.receipt.released.v1"
    KEY = ("receipt_no",)

    receipt_no: str
    location_code: str
    source_type: str
    source_no: str
    lines: tuple[ReleasedLineFact, ...]
    vendor_no: str = ""  # recall (R1)


class ShipmentReleased(InParts, Message):
    TYPE = "warehouse.shipment.released.v1"
    KEY = ("shipment_no",)

    shipment_no: str
    location_code: str
    source_type: str
    source_no: str
    lines: tuple[ReleasedLineFact, ...]
    customer_no: str = ""  # recall (R1)


class ReceiptPosted(InParts, StockFact):
    """The inbound posting of one item: becomes positive item ledger entries (S1)."""

    TYPE = "warehouse.receipt.posted.v1"

    receipt_no: str
    put_away_no: str
    location_code: str
    item_no: str
    posting_date: date
    lines: tuple[PostedLineFact, ...]
    transfer: "TransferRoute | None" = Field(
        default=None, description="the receipt of a transfer order: transfer entries in transit -> here (X2)")
    vendor_no: str = Field(default="", description="recall (R1): the receipt's vendor, blank when none was named")


class PutAwayRegistered(InParts, StockFact):
    TYPE = "warehouse.put_away.registered.v1"

    put_away_no: str
    location_code: str
    item_no: str
    lines: tuple[RegisteredLineFact, ...]


class PickFact(InParts, StockFact):
    """One item's part of a pick."""

    pick_no: str
    shipment_no: str
    location_code: str
    item_no: str


class PickCreated(PickFact):
    TYPE = "warehouse.pick.created.v1"

    lines: tuple[AllocatedLineFact, ...]


class PickRegistered(PickFact):
    """Picked stock moved to the ship bin (picked, not shipped); tracking fields are what was really picked (S3)."""

    TYPE = "warehouse.pick.registered.v1"

    lines: tuple[RegisteredLineFact, ...]


class PickCancelled(PickFact):
    TYPE = "warehouse.pick.cancelled.v1"

    lines: tuple[AllocatedLineFact, ...]


class ShipmentPosted(InParts, StockFact):
    """The outbound posting of one item: negative entries, reservations synchronized (S5)."""

    TYPE = "warehouse.shipment.posted.v1"

    shipment_no: str
    location_code: str
    item_no: str
    posting_date: date
    lines: tuple[PostedLineFact, ...]
    transfer: "TransferRoute | None" = Field(
        default=None, description="the shipment of a transfer order: transfer entries here -> in transit (X2)")
    customer_no: str = Field(default="", description="recall (R1): the shipment's customer, blank when none was named")


class MovementFact(InParts, StockFact):
    """One item's part of a movement."""

    movement_no: str
    location_code: str
    item_no: str


class MovementCreated(MovementFact):
    """An open movement: its stock is set aside from picks and other movements until it is registered."""

    TYPE = "warehouse.movement.created.v1"

    lines: tuple[PlannedLineFact, ...]


class MovementRegistered(MovementFact):
    TYPE = "warehouse.movement.registered.v1"

    lines: tuple[RegisteredLineFact, ...]


class JournalFact(InParts, StockFact):
    """One item's part of a journal (reclassification, adjustment)."""

    document_no: str
    location_code: str
    item_no: str


class ReclassificationRegistered(JournalFact):
    TYPE = "warehouse.reclassification.registered.v1"

    lines: tuple[ReclassifiedLineFact, ...]


class WarehouseAdjustmentRegistered(JournalFact):
    TYPE = "warehouse.adjustment.registered.v1"

    lines: tuple[AdjustedLineFact, ...]


class WarehouseAdjustmentPosted(JournalFact):
    """Adjustment-bin balances of one item, to be posted as adjustment entries (W10, S4)."""

    TYPE = "warehouse.adjustment.posted.v1"

    posting_date: date
    lines: tuple[AdjustmentPostingLineFact, ...]


class BinTotalLine(Part):
    variant: str
    serial: str
    lot: str
    real_bins: Quantity
    adjustment_bin: Quantity


class BinTotalsReported(StockFact):
    """S7: what the warehouse holds of one item at a location; `items_in_report` lets a reader know when
    a multi-item report is complete."""

    TYPE = "warehouse.bin_totals.reported.v1"

    request_id: str
    location_code: str
    item_no: str
    items_in_report: int
    lines: tuple[BinTotalLine, ...]


class CommandRejected(Rejection):
    TYPE = "warehouse.command.rejected.v1"
    KEY = ("command_id",)


# --- transfers between locations (X1-X6, docs/rules.md#X1) -----------------------------------------
LOCATION_KINDS = ("warehouse", "in_transit")
LocationKind = Annotated[str, enum_schema(LOCATION_KINDS)]


class TransferRoute(Part):
    """X1: the way a transfer order's stock goes: from the source, through the in-transit location, to the
    destination. Its shipment (at the source) and its receipt (at the destination) are numbered `transfer_no`."""

    transfer_no: str
    from_location: str
    in_transit_location: str
    to_location: str


class TransferLine(CommandPart):
    """A transfer order line: which item (variant) and how much to move."""

    line_no: int = Field(gt=0)
    item_no: Code
    variant: Code = ""
    quantity: Quantity


class ReleaseTransferOrder(Command):
    """X1: becomes shipment `transfer_no` at `from_location` (picked and posted as in W4-W6); posting it
    creates the expected receipt `transfer_no` at `to_location`, its tracking predefined (X3). Shipment and
    receipt lines are numbered 1..n in the order of `lines`; their source line is the transfer line."""

    TYPE = "warehouse.transfer_order.release.v1"
    KEY = ("transfer_no",)

    transfer_no: Code = Field(min_length=1)
    from_location: Code
    to_location: Code
    in_transit_location: Code = Field(description="a location configured with kind in_transit")
    lines: tuple[TransferLine, ...] = Field(min_length=1)


class ShippedTrackingLine(TrackedFields):
    """X3: a serial/lot quantity a transfer shipment posting sent: the receipt expects exactly it."""

    line_no: int = Field(description="the shipment line, and the receipt line of the same number")
    item_no: str
    variant: str
    quantity: Quantity


class TransferShipped(InParts, Message):
    """X1, X3: one shipment posting of a transfer order; its lines are what the expected receipt `receipt_no`
    at the destination now also expects (predefined tracking), in parts (Z2)."""

    TYPE = "warehouse.transfer.shipped.v1"
    KEY = ("transfer_no",)

    transfer_no: str
    from_location: str
    in_transit_location: str
    to_location: str
    receipt_no: str
    posting_date: date
    lines: tuple[ShippedTrackingLine, ...]


for _model in (ConfigureLocation, ReceiptPosted, ShipmentPosted):
    _model.model_rebuild()


COMMANDS = by_type(
    ConfigureLocation, ReleaseInboundRequest, PostReceipt, RegisterPutAway, ReleaseOutboundRequest, CreatePick,
    RegisterPick, CancelPick, PostShipment, CreateMovement, RegisterMovement, RegisterReclassification,
    RegisterWarehouseAdjustment, RegisterPhysicalCount, CalculateWarehouseAdjustment, ReportBinTotals,
    ReleaseTransferOrder,
)
EVENTS = by_type(
    LocationConfigured, ReceiptReleased, ShipmentReleased, ReceiptPosted, PutAwayRegistered, PickCreated,
    PickRegistered, PickCancelled, ShipmentPosted, MovementCreated, MovementRegistered, ReclassificationRegistered,
    WarehouseAdjustmentRegistered, WarehouseAdjustmentPosted, BinTotalsReported, CommandRejected, TransferShipped,
)
