"""What the inventory is asked to do, in its own terms: one command per message it acts on.

`inventory.messages` builds them from the contract models (the order system's commands and the
warehouse's facts); the use cases in `inventory.handlers` carry them out. Warehouse facts become
commands too: "a receipt was posted" asks the inventory to post it to the item ledger.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from units_of_measure import Unit

from .availability import AdjustmentBinChange, AllocationChange
from .demand import Demand
from .feed import Announce
from .information import TrackingInformation
from .keys import BLANK, BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from .postings import PostedLine, Posting
from .reconciliation import WarehouseCount


# --- from the order system -----------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterItem:
    """`tracking_policy` and `warranty_formula` as given: `items.register_item` reads (or refuses) them.
    No `warranty_formula` (None) keeps what the item has (Q2)."""

    item_no: str
    base_unit: str
    tracking_policy: str
    expiration_required: bool = False
    strict_expiration: bool = False
    warranty_formula: str | None = None
    rounding_precision: Decimal | None = None
    units: tuple[Unit, ...] = ()


@dataclass(frozen=True)
class SetItemUnits:
    """U1, U4: the item's units as they shall be; a unit's zero precision is the base unit's."""

    item_no: str
    rounding_precision: Decimal | None
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Reserve:
    """Reserve `quantity` at `location` for `demand`. Naming a serial/lot makes it specific.
    `bin_code`/`zone_code` exist only so that a request naming them can be refused (I4)."""

    demand: Demand
    location: LocationKey
    quantity: Decimal
    named: TrackingNumbers = BLANK
    allow_partial: bool = False
    bin_code: str = ""
    zone_code: str = ""
    transfer_no: str = ""
    """X5: reserve against this transfer order's stock in transit to `location` (the destination)."""
    in_transit: str = ""
    """X5: where that stock is: the in-transit location, looked up from the ledger by the use case."""

    @property
    def supply_location(self) -> LocationKey:
        """Where the reserved supply is: in transit for a reservation against a transfer (X5)."""
        return replace(self.location, location_code=self.in_transit) if self.transfer_no else self.location
    unit: str = ""


@dataclass(frozen=True)
class CancelReservation:
    """Blank `named`: every reservation of the demand at the location."""

    demand: Demand
    location: LocationKey
    named: TrackingNumbers = BLANK


@dataclass(frozen=True)
class ReduceReservation:
    demand: Demand
    location: LocationKey
    reduction: Decimal
    unit: str = ""


@dataclass(frozen=True)
class ChangeReservationTracking:
    demand: Demand
    location: LocationKey
    old: TrackingNumbers
    new: TrackingNumbers


@dataclass(frozen=True)
class DeleteDemandLine:
    demand: Demand
    location: LocationKey


@dataclass(frozen=True)
class AssignTracking:
    demand: Demand
    key: TrackingKey
    quantity: Decimal
    unit: str = ""


@dataclass(frozen=True)
class BlockTracking:
    blocked: BlockedTracking
    reason: str


@dataclass(frozen=True)
class UnblockTracking:
    blocked: BlockedTracking


@dataclass(frozen=True)
class SetTrackingInformation:
    """Q1: the whole record of one lot or serial, as it is to be."""

    information: TrackingInformation


# --- from the warehouse: one item at one location (all its variants) per fact ----------------------
@dataclass(frozen=True)
class RecordLocation:
    """The warehouse configured a location: inventory work may name it from now on (I3, I4). Its kind
    (warehouse or in_transit, X1) tells a recall what lies in transit (R1)."""

    location_code: str
    kind: str = "warehouse"


@dataclass(frozen=True)
class PostWarehouseDocument:
    """A posted receipt (S1), shipment (S5) or warehouse adjustment (W10/S4), to post to the item
    ledger line by line."""

    location: LocationKey
    lines: tuple[PostedLine, ...]
    announce: Announce = Announce.CHANGED  # A1: a fact in parts announces once, after its last part

    def posting(self, posting_id: str) -> Posting:
        """The warehouse fact's id names the posting: unique even when a document is posted in
        parts, and the same on redelivery."""
        return Posting(posting_id, self.lines)


@dataclass(frozen=True)
class RecordAllocations:
    """S2: picks created or cancelled for demand."""

    location: LocationKey
    changes: tuple[AllocationChange, ...]
    announce: Announce = Announce.CHANGED  # A1: a fact in parts announces once, after its last part


@dataclass(frozen=True)
class RegisteredPick:
    """One registered pick line: `quantity` of `picked` now waits in the ship bin for `demand`.
    `proposed` is the serial/lot the pick line had allocated, when the picker scanned another (W6)."""

    demand: Demand
    picked: TrackingKey
    quantity: Decimal
    proposed: TrackingKey | None = None


@dataclass(frozen=True)
class RegisterPicks:
    """S3: what was really picked."""

    location: LocationKey
    picks: tuple[RegisteredPick, ...]
    announce: Announce = Announce.CHANGED  # A1: a fact in parts announces once, after its last part


@dataclass(frozen=True)
class RecordAdjustmentBinChanges:
    """W8 (a reclassified serial/lot) and W9 (found or lost stock): the adjustment bin's balance
    changed. No changes: a count that found no difference, nothing to do."""

    location: LocationKey
    changes: tuple[AdjustmentBinChange, ...]
    announce: Announce = Announce.CHANGED  # A1: a fact in parts announces once, after its last part


@dataclass(frozen=True)
class Reconcile:
    """S7: the warehouse's counts of one item at one location, part of report `request_id`."""

    request_id: str
    location: LocationKey
    items_in_report: int
    counts: tuple[WarehouseCount, ...]
