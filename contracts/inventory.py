"""Messages of the inventory/reservation service: `inventory.commands.v1` and `inventory.events.v1`.

Reservations and item tracking live at location level (I3, I4): a request naming a bin or zone is
refused. Stock facts are keyed `item_no|location_code`, items and tracking blocks `item_no`.
A demand is the order line a reservation serves: (source_type, source_no, source_line_no).
"""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from contracts.base import (
    STOCK_KEY,
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

TRACKING_POLICIES = ("none", "lot", "serial", "lot_and_serial")
ENTRY_TYPES = ("purchase", "sale", "positive_adjustment", "negative_adjustment", "transfer")
TrackingPolicy = Annotated[str, enum_schema(TRACKING_POLICIES)]
EntryType = Annotated[str, enum_schema(ENTRY_TYPES)]
QUALITY_STATUSES = ("released", "quarantine", "rejected")
QualityStatus = Annotated[str, enum_schema(QUALITY_STATUSES)]
WARRANTY_FORMULA = ("a date formula: one or more terms of a whole number and a unit, D (days), W (weeks), "
                    "M (months) or Y (years), added left to right, e.g. 2Y, 18M, 90D, 1Y6M (docs/rules.md#Q2)")


# --- parts ------------------------------------------------------------------------------------
class DemandFields(Part):
    source_type: Code = "sales_order"
    source_no: Code
    source_line_no: int


class DemandRef(DemandFields):
    """A demand named inside a fact about two demands (a conflict)."""


class StockFields(Part):
    item_no: Code
    variant: Code = ""
    location_code: Code


class Breakdown(Part):
    """I5: how available to reserve was computed: inventory - on_picks_and_movements - reserved
    - in_outbound_bins - adjustment_bin_positive + reserved_and_allocated_same_demand
    + own_allocation_not_reserved - blocked = available_to_reserve."""

    inventory: Quantity
    on_picks_and_movements: Quantity
    reserved: Quantity
    in_outbound_bins: Quantity
    adjustment_bin_positive: Quantity
    reserved_and_allocated_same_demand: Quantity = Field(description="subtracted once, not twice")
    available_to_reserve: Quantity
    own_allocation_not_reserved: Quantity = Field(
        default=Decimal(0),
        description="already on picks or in outbound bins for the requesting demand without a reservation: "
                    "added back, since reserving it takes nothing from anyone (0 when no demand asked)")
    blocked: Quantity = Field(
        default=Decimal(0),
        description="what blocked serial/lot numbers would otherwise offer (T4, docs/rules.md#T4): subtracted")


class LedgerEntry(Part):
    entry_no: int
    entry_type: EntryType = Field(description="purchase, sale, positive_adjustment, negative_adjustment, transfer")
    variant: str
    serial: str
    lot: str
    expiration: date | None
    quantity: Quantity
    remaining_quantity: Quantity
    open: bool
    document_type: str
    document_no: str
    document_line_no: int
    source_type: str = ""
    source_no: str = ""
    source_line_no: int = 0
    warranty_date: date | None = Field(
        default=None, description="Q2: posting date + the item's warranty date formula (inbound entries of tracked "
                                  "items whose item has one); null otherwise")
    location_code: str = Field(default="", description="the entry's location (a transfer posts at two, X2); "
                               "blank from older producers: the fact's location")
    transfer_from_location: str = Field(default="", description="a transfer entry: its transfer order's source (X2)")
    transfer_to_location: str = Field(default="", description="a transfer entry: its transfer order's destination "
                                      "(X2)")
    transferred_from_entry_no: int = Field(
        default=0, description="a transfer's inbound entry: the outbound transfer entry it continues (X2)")
    unit_code: str = Field(default="", description="U2: the unit the posted line was stated in; blank: base unit")
    quantity_per_unit: Quantity = Field(default=Decimal(1), description="U2: of `unit_code`, when posted")
    # recall (R1): who the posting names and when the warehouse posted it (optional: older entries carry neither)
    vendor_no: str = ""
    customer_no: str = ""
    posting_date: date | None = None


class Application(Part):
    outbound_entry_no: int
    inbound_entry_no: int
    quantity: Quantity


class Shortage(Part):
    variant: str
    serial: str
    lot: str
    missing_quantity: Quantity


# --- units of measure (U1-U4, docs/rules.md#U1) -------------------------------------------------
UnitCode = Annotated[str, Field(max_length=10, description="a unit of the item (U2); blank = its base unit")]
RoundingPrecision = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6,
                                             description="base quantities are whole multiples of it (1: whole "
                                                         "base units); default 0.000001")]


class ItemUnit(Part):
    """U1: a unit of an item: `quantity_per_base_unit` base units make one of it (BOX = 12 PCS)."""

    code: Code = Field(min_length=1, max_length=10)
    quantity_per_base_unit: Quantity = Field(gt=0)
    rounding_precision: RoundingPrecision | None = Field(
        default=None, description="of base quantities converted from this unit; default: the base unit's")


class ItemUnitLine(ItemUnit, CommandPart):
    """An item unit as a command sets it (unknown fields refused)."""


# --- commands ---------------------------------------------------------------------------------
class DemandCommand(DemandFields, StockFields, Command):
    """A command about what one demand (order line) has of an item at a location."""

    KEY = STOCK_KEY


class RegisterItem(Command):
    """Create (or confirm) an item and how its stock is tracked."""

    TYPE = "inventory.item.register.v1"
    KEY = ("item_no",)

    item_no: Code = Field(min_length=1)
    base_unit: Code = Field(min_length=1, max_length=10)
    tracking_policy: TrackingPolicy = Field(description="one of: none, lot, serial, lot_and_serial")
    expiration_required: bool = False
    strict_expiration: bool = False
    warranty_formula: str | None = Field(
        default=None, max_length=20,
        description=f"Q2: {WARRANTY_FORMULA}; blank: none; left out (null): keep what the item has (none when new)")
    rounding_precision: RoundingPrecision | None = Field(
        default=None, description="U1: of base quantities; default 0.000001 (serial items: 1)")
    units: tuple[ItemUnitLine, ...] = Field(default=(), description="U1: the item's units besides the base unit")


class SetItemUnits(Command):
    """U1, U4: replace the units of a registered item (all of them: a unit left out is removed). A unit whose
    quantity per base unit changes, or that is removed, while documents or stock use it is refused."""

    TYPE = "inventory.item.set_units.v1"
    KEY = ("item_no",)

    item_no: Code = Field(min_length=1)
    rounding_precision: RoundingPrecision | None = Field(default=None, description="of base quantities")
    units: tuple[ItemUnitLine, ...] = ()


class Reserve(DemandCommand):
    """Reserve for a demand; naming a serial and/or lot makes it specific (I3). Bin/zone are refused (I4)."""

    TYPE = "inventory.reservation.reserve.v1"

    quantity: Quantity
    serial: Code = ""
    lot: Code = ""
    bin_code: Code = Field(default="", description="must stay blank: reservations live at location level")
    zone_code: Code = Field(default="", description="must stay blank: reservations live at location level")
    allow_partial: bool = False
    transfer_no: Code = Field(default="", description="X5: reserve against what this transfer order has in transit "
                              "to `location_code`; it moves onto the received entries at receipt")
    unit: UnitCode = ""


class CancelReservation(DemandCommand):
    """Cancel the demand's reservations of the item (only those naming `serial`/`lot`, when given)."""

    TYPE = "inventory.reservation.cancel.v1"

    serial: Code = ""
    lot: Code = ""


class ReduceReservation(DemandCommand):
    TYPE = "inventory.reservation.reduce.v1"

    quantity: Quantity = Field(description="how much less to reserve")
    unit: UnitCode = ""


class ChangeReservationTracking(DemandCommand):
    """I6: move a specific reservation to another serial/lot; cancelled if the new one is not available."""

    TYPE = "inventory.reservation.change_tracking.v1"

    serial: Code = ""
    lot: Code = ""
    new_serial: Code = ""
    new_lot: Code = ""


class DeleteDemandLine(DemandCommand):
    """The order line is gone: its reservations and tracking assignments are cancelled (I6)."""

    TYPE = "inventory.demand_line.delete.v1"


class AssignTracking(DemandCommand):
    """Write a serial/lot onto a demand line without reserving it."""

    TYPE = "inventory.tracking.assign.v1"

    serial: Code = ""
    lot: Code = ""
    quantity: Quantity
    unit: UnitCode = ""


class BlockTracking(Command):
    """T4: a blocked serial/lot takes part in no pick, movement or reservation."""

    TYPE = "inventory.tracking.block.v1"
    KEY = ("item_no",)

    item_no: Code
    variant: Code = ""
    serial: Code = ""
    lot: Code = ""
    reason: str = ""


class UnblockTracking(Command):
    TYPE = "inventory.tracking.unblock.v1"
    KEY = ("item_no",)

    item_no: Code
    variant: Code = ""
    serial: Code = ""
    lot: Code = ""


# --- lot and serial information (Q1-Q3) ----------------------------------------------------------
class SetTrackingInformation(Command):
    """Q1: the information record of ONE lot or ONE serial of an item, set as a whole. Quarantined and
    rejected numbers behave like blocked ones (T4); released ones are usable again."""

    TYPE = "inventory.tracking.set_information.v1"
    KEY = ("item_no",)

    item_no: Code
    variant: Code = ""
    serial: Code = Field(default="", description="name either the serial or the lot, not both")
    lot: Code = ""
    quality_status: QualityStatus = Field(description="one of: released, quarantine, rejected")
    certificate_no: Code = Field(default="", description="certificate or test number")
    comment: str = Field(default="", max_length=250)


# --- events -----------------------------------------------------------------------------------
class DemandFact(DemandFields, StockFields, StockFact):
    """A fact about what one demand (order line) has of an item at a location."""


class TrackedDemandFact(DemandFact):
    """A demand's fact about one serial/lot (both blank: nonspecific)."""

    serial: str
    lot: str


class PostingFact(StockFact):
    """A fact about one posting (a warehouse fact's ce_id) of an item at a location."""

    posting_id: str
    item_no: str
    location_code: str


class TrackingNumbersFact(Message):
    """A fact about serial/lot numbers of an item, at every location."""

    KEY = ("item_no",)

    item_no: str
    variant: str = ""
    serial: str = ""
    lot: str = ""


class ItemRegistered(Message):
    TYPE = "inventory.item.registered.v1"
    KEY = ("item_no",)

    item_no: str
    base_unit: str
    tracking_policy: TrackingPolicy
    expiration_required: bool
    strict_expiration: bool
    warranty_formula: str = Field(default="", description="Q2: the item's warranty date formula; blank: none")
    rounding_precision: Quantity = Field(default=Decimal("0.000001"), description="U1: of base quantities")
    units: tuple[ItemUnit, ...] = Field(default=(), description="U1: the item's units besides the base unit")


class ItemUnitsSet(Message):
    """U1: an item's units now (absolute: a unit missing here was removed)."""

    TYPE = "inventory.item.units_set.v1"
    KEY = ("item_no",)

    item_no: str
    base_unit: str
    rounding_precision: Quantity
    units: tuple[ItemUnit, ...]


class LedgerEntriesPosted(InParts, PostingFact):
    """I1, I2: entries a posting created (one per serial/lot) and how its outbound entries were applied.
    In parts (Z2): each entry comes with its applications, as far as the part holds them."""

    TYPE = "inventory.ledger.entries_posted.v1"

    entries: tuple[LedgerEntry, ...]
    applications: tuple[Application, ...] = ()


class ReservationCreated(TrackedDemandFact):
    TYPE = "inventory.reservation.created.v1"

    serial: str = Field(description="named by the demand (specific); blank = nonspecific")
    quantity: Quantity = Field(description="granted; below requested_quantity only when allow_partial")
    requested_quantity: Quantity
    breakdown: Breakdown | None = Field(
        default=None, description="a partial grant: the I5 figures (docs/rules.md#I5) that explain the shortfall")


class ReservationChanged(DemandFact):
    """Part of a reservation moved to another serial/lot (late binding S3, I6, ...)."""

    TYPE = "inventory.reservation.changed.v1"

    from_serial: str
    from_lot: str
    to_serial: str
    to_lot: str
    quantity: Quantity
    reason: str


class ReservationCancelled(TrackedDemandFact):
    TYPE = "inventory.reservation.cancelled.v1"

    quantity: Quantity
    reason: str


class ReservationRejected(DemandFact):
    """I5: a refused reservation with the numbers that explain why."""

    TYPE = "inventory.reservation.rejected.v1"

    command_id: str
    serial: str
    lot: str
    requested_quantity: Quantity
    available_quantity: Quantity | None = None
    reason_code: str
    message: str
    breakdown: Breakdown | None = None


class ReservationConflict(StockFields, StockFact):
    """S3: stock specifically reserved for one demand was picked for another; both facts stay."""

    TYPE = "inventory.reservation.conflict.v1"

    picked_for: DemandRef
    reserved_for: DemandRef
    serial: str
    lot: str
    quantity: Quantity


class DemandReservationChanged(DemandFact):
    """What the demand now has reserved (absolute): all its reservations when serial and lot are blank,
    its specific ones on that serial/lot otherwise. The warehouse replicates it for I7."""

    TYPE = "inventory.demand.reservation_changed.v1"

    serial: str = ""
    lot: str = ""
    reserved: Quantity


class TrackingAssigned(TrackedDemandFact):
    TYPE = "inventory.tracking.assigned.v1"

    quantity: Quantity


class PickedTrackingRecorded(TrackedDemandFact):
    """S3: the serial/lot really picked is written on the demand line."""

    TYPE = "inventory.tracking.picked_recorded.v1"

    quantity: Quantity
    picked_quantity: Quantity


class ReservationsSynchronized(DemandFact):
    """S5: a shipment consumed the demand's reservations by the shipped quantity."""

    TYPE = "inventory.reservations.synchronized.v1"

    shipment_no: str = ""
    serial: str
    lot: str
    shipped_quantity: Quantity
    consumed_reservation: Quantity
    still_reserved: Quantity


class PostingParked(InParts, PostingFact):
    """S5: a posting the ledger cannot apply yet; applied automatically when the missing supply arrives.
    In parts (Z2): each part's message explains its own shortages."""

    TYPE = "inventory.posting.parked.v1"

    reason_code: str
    message: str
    shortages: tuple[Shortage, ...]


class PostingApplied(PostingFact):
    TYPE = "inventory.posting.applied.v1"


class TrackingBlocked(TrackingNumbersFact):
    TYPE = "inventory.tracking.blocked.v1"

    reason: str = ""


class TrackingUnblocked(TrackingNumbersFact):
    TYPE = "inventory.tracking.unblocked.v1"


class TrackingInformationChanged(TrackingNumbersFact):
    """Q1, Q3: the information record of a lot or serial as it is now (absolute); the warehouse replicates
    it and keeps quarantined and rejected numbers out of picks and movements, as blocked ones."""

    TYPE = "inventory.tracking.information_changed.v1"

    quality_status: QualityStatus
    certificate_no: str = ""
    comment: str = ""
    previous_quality_status: QualityStatus = Field(default="released", description="before this change")


class Difference(Part):
    variant: str
    serial: str
    lot: str
    real_bins: Quantity
    adjustment_bin: Quantity
    ledger_inventory: Quantity
    difference: Quantity = Field(description="real_bins + adjustment_bin - ledger_inventory")


class ReconciliationReported(InParts, StockFact):
    """S7: the warehouse's bin totals of one item compared with the item ledger; empty `differences` = agreed.
    In parts (Z2): the item is compared when all its parts have arrived."""

    TYPE = "inventory.reconciliation.reported.v1"

    request_id: str
    item_no: str
    location_code: str
    differences: tuple[Difference, ...]


# --- availability feed (A1, issue 14) ----------------------------------------------------------
class AvailabilityChanged(StockFields, StockFact):
    """A1 (docs/rules.md#A1): available to reserve at an item/variant/location and its I5 terms, as they
    are after a committed change of any of them; the names and figures of the location row of
    `GET /availability/{item_no}`. Absolute values: a reader keeps the latest per key and needs no
    earlier one. At most one per item/variant/location per transaction (a document in parts: one,
    after its last part)."""

    TYPE = "inventory.availability.changed.v1"

    inventory: Quantity
    on_picks_and_movements: Quantity
    reserved: Quantity
    in_outbound_bins: Quantity
    adjustment_bin_positive: Quantity
    reserved_and_allocated_same_demand: Quantity = Field(description="subtracted once, not twice")
    blocked: Quantity = Field(description="what blocked serial/lot numbers would otherwise offer (T4)")
    available_to_reserve: Quantity = Field(
        description="inventory - on_picks_and_movements - reserved - in_outbound_bins - adjustment_bin_positive"
                    " + reserved_and_allocated_same_demand - blocked")


class CommandRejected(Rejection):
    TYPE = "inventory.command.rejected.v1"
    KEY = ("command_id",)


COMMANDS = by_type(
    RegisterItem, Reserve, CancelReservation, ReduceReservation, ChangeReservationTracking, DeleteDemandLine,
    AssignTracking, BlockTracking, UnblockTracking,
    SetItemUnits,
    SetTrackingInformation,
)
EVENTS = by_type(
    ItemRegistered, LedgerEntriesPosted, ReservationCreated, ReservationChanged, ReservationCancelled,
    ReservationRejected, ReservationConflict, DemandReservationChanged, TrackingAssigned, PickedTrackingRecorded,
    ReservationsSynchronized, PostingParked, PostingApplied, TrackingBlocked, TrackingUnblocked,
    ReconciliationReported, CommandRejected,
    ItemUnitsSet,
    TrackingInformationChanged, AvailabilityChanged,
)
# Fewer messages (issue 10): the facts the warehouse replicates, published on `inventory.replication.v1` as well,
# with the same id; the topic carries nothing else.
REPLICATION = by_type(ItemRegistered, DemandReservationChanged, TrackingAssigned, TrackingBlocked, TrackingUnblocked,
                      TrackingInformationChanged, ItemUnitsSet)
