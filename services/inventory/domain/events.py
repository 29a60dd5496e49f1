"""Domain events: facts the inventory service decided, in the past tense.

`messages.py` translates them to contract models; nothing here knows the wire format.
"""

from dataclasses import dataclass
from decimal import Decimal

from units_of_measure import ItemUnits

from .availability import AvailabilityBreakdown, StockKey
from .demand import Demand
from .information import QualityStatus, TrackingInformation
from .keys import BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from .ledger import Application, ItemLedgerEntry
from .postings import Shortage
from .reconciliation import ReconciliationDifference


@dataclass(frozen=True)
class ItemRegistered:
    item_no: str
    base_unit: str
    tracking_policy: str
    expiration_required: bool
    strict_expiration: bool
    warranty_formula: str = ""
    units: ItemUnits | None = None


@dataclass(frozen=True)
class ItemUnitsSet:
    """U1: the item's units now (absolute)."""

    units: ItemUnits


@dataclass(frozen=True)
class LedgerEntriesPosted:
    """I1/I2: the entries a posting created and how its outbound entries were applied."""

    posting_id: str
    entries: tuple[ItemLedgerEntry, ...]
    applications: tuple[Application, ...]


@dataclass(frozen=True)
class ReservedSupply:
    """Where part of a reservation sits: `quantity` of entry `entry_no` (with its serial/lot)."""

    entry_no: int
    key: TrackingKey
    quantity: Decimal


@dataclass(frozen=True)
class ReservationCreated:
    """I3: `quantity` is what was granted; less than `requested_quantity` only if partial was allowed,
    and then `shortage` holds the I5 figures that explain why no more was granted."""

    demand: Demand
    location: LocationKey
    named: TrackingNumbers
    quantity: Decimal
    requested_quantity: Decimal
    supply: tuple[ReservedSupply, ...]
    shortage: AvailabilityBreakdown | None = None


@dataclass(frozen=True)
class ReservationChanged:
    """Part of a reservation moved to another serial/lot. Reasons: `late_binding` (S3: follows
    the picked lot), `swapped_for_picked_lot` (S3: gave its lot to another demand's pick),
    `made_room_for_specific` (a specific reservation needed its lot), `tracking_changed` (I6),
    `supply_left_inventory` (the entry it sat on was shipped or adjusted away), `tracking_blocked`
    (T4: the serial/lot it sat on was blocked)."""

    demand: Demand
    from_key: TrackingKey
    to_key: TrackingKey
    quantity: Decimal
    reason: str


@dataclass(frozen=True)
class ReservationCancelled:
    """Reasons: `cancelled`, `reduced` (only part cancelled), `demand_line_deleted`,
    `new_tracking_unavailable` (I6), `supply_left_inventory` (no other entry could take it),
    `tracking_blocked` (T4: its serial/lot was blocked and no other could take it)."""

    demand: Demand
    location: LocationKey
    named: TrackingNumbers
    quantity: Decimal
    reason: str


@dataclass(frozen=True)
class ReservationRejected:
    """I5: a refused request. The numbers are set when availability was the reason."""

    demand: Demand
    location: LocationKey
    named: TrackingNumbers
    requested_quantity: Decimal
    reason_code: str
    message: str
    available_quantity: Decimal | None = None
    breakdown: AvailabilityBreakdown | None = None


@dataclass(frozen=True)
class ReservationConflict:
    """S3: the warehouse allocated or picked stock specifically reserved for other demand. Both
    facts stay as they are; a person decides which demand gets the stock."""

    picked_for: Demand
    reserved_for: Demand
    key: TrackingKey
    quantity: Decimal


@dataclass(frozen=True)
class DemandReservationChanged:
    """Published so the warehouse can compute I7 (reservations win over picking). `reserved` is
    the demand's new total at `key`: all its reservations at a LocationKey, its specific ones at
    a TrackingKey. Absolute, so a replica can apply it idempotently."""

    demand: Demand
    key: StockKey
    reserved: Decimal


@dataclass(frozen=True)
class TrackingAssigned:
    """A serial/lot was assigned to a demand line without reserving it."""

    demand: Demand
    key: TrackingKey
    quantity: Decimal


@dataclass(frozen=True)
class PickedTrackingRecorded:
    """S3: the serial/lot really picked is now written on the demand line."""

    demand: Demand
    key: TrackingKey
    quantity: Decimal
    picked_quantity: Decimal


@dataclass(frozen=True)
class ReservationsSynchronized:
    """S5: a shipment consumed the demand's reservations by the shipped quantity. `document_no`
    is the shipment's number (a posting may be applied long after it arrived, when it was parked)."""

    demand: Demand
    posting_id: str
    shipped_key: TrackingKey
    shipped_quantity: Decimal
    consumed_reservation: Decimal
    still_reserved: Decimal
    document_no: str = ""


@dataclass(frozen=True)
class PostingParked:
    posting_id: str
    locations: tuple[LocationKey, ...]
    reason_code: str
    message: str
    shortages: tuple[Shortage, ...]


@dataclass(frozen=True)
class PostingApplied:
    """A parked posting was applied after the supply it waited for arrived."""

    posting_id: str
    locations: tuple[LocationKey, ...]


@dataclass(frozen=True)
class TrackingBlocked:
    """T4: published so the warehouse keeps blocked numbers out of picks and movements."""

    blocked: BlockedTracking
    reason: str


@dataclass(frozen=True)
class TrackingUnblocked:
    blocked: BlockedTracking


@dataclass(frozen=True)
class TrackingInformationChanged:
    """Q1, Q3: the record as it is now; the warehouse withholds quarantined and rejected numbers from it."""

    information: TrackingInformation
    previous_status: QualityStatus


@dataclass(frozen=True)
class ReconciliationReported:
    """S7: how the warehouse's counts of one item at one location compare with the item ledger;
    no differences means they agree."""

    request_id: str
    location: LocationKey
    differences: tuple[ReconciliationDifference, ...]


@dataclass(frozen=True)
class AvailabilityChanged:
    """A1: available to reserve at an item/variant/location and its I5 terms, after a message changed
    one of them (the figures as they are now, not the change)."""

    location: LocationKey
    figures: AvailabilityBreakdown
