"""Postings from the warehouse (S1, S4, S5) and postings parked until the ledger can take them."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit

from .demand import Demand
from .errors import CannotBeFullyAppliedError
from .keys import LocationKey, TrackingKey
from .ledger import EntryType, SourceDocument, TransferLeg


@dataclass(frozen=True)
class PostedLine:
    """One serial/lot of a posted warehouse line. `quantity` is signed like the ledger: + for
    receipts and found stock, - for shipments and lost stock. `demand` is the source line a
    shipment fulfils; its reservations are synchronized (S5). `posting_date` is the warehouse
    document's: inbound entries count their warranty date from it (Q2). `stated`: the unit the warehouse
    line was stated in (U2); the quantity is in base units."""

    entry_type: EntryType
    key: TrackingKey
    quantity: Decimal
    source: SourceDocument
    expiration_date: date | None = None
    demand: Demand | None = None
    posting_date: date | None = None
    stated: StatedUnit = IN_BASE
    transfer_to: str = ""
    """X2: an outbound transfer line names the location the unit continues to (in transit, or the
    destination); its inbound transfer entry there is posted with it, continuing it."""
    route: TransferLeg | None = None
    """X2: a transfer line's order route (its source and destination), kept on both entries."""

    @property
    def entries(self) -> int:
        """How many item ledger entries the line posts."""
        return 2 if self.transfer_to else 1


@dataclass(frozen=True)
class Posting:
    """A posted receipt, shipment or warehouse adjustment; `posting_id` names it while parked."""

    posting_id: str
    lines: tuple[PostedLine, ...]

    @property
    def locations(self) -> tuple[LocationKey, ...]:
        """The item/variant/locations the posting touches: load their state to apply it."""
        continued = (replace(line.key.location_key, location_code=line.transfer_to) for line in self.lines
                     if line.transfer_to)
        return tuple(sorted({*(line.key.location_key for line in self.lines), *continued}))


@dataclass(frozen=True)
class Shortage:
    """Why a posting waits: `needed` must leave `key` but only `open_quantity` is on inventory."""

    key: TrackingKey
    needed: Decimal
    open_quantity: Decimal

    @property
    def missing_quantity(self) -> Decimal:
        return self.needed - self.open_quantity


def explain(shortages: Iterable[Shortage]) -> str:
    """Why a posting waits: a sentence per short serial/lot."""
    return " ".join(CannotBeFullyAppliedError(s.key, s.needed, s.open_quantity).message for s in shortages)


@dataclass(frozen=True)
class ParkedPosting:
    """S5: a posting the ledger cannot apply yet. Kept (never dropped), visible with its reason,
    and applied by the first later posting of its item and location after which the ledger can take
    it (`synchronization.post` retries them)."""

    posting: Posting
    reason_code: str
    message: str
    shortages: tuple[Shortage, ...]
