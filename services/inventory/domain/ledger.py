"""The item ledger (I1, I2): append-only entries, one per distinct serial/lot of a posted line,
and the application of outbound entries to the open inbound entries they take stock from."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from units_of_measure import IN_BASE, StatedUnit

from .demand import Demand
from .errors import CannotBeFullyAppliedError, InvalidQuantityError
from .keys import LocationKey, TrackingKey
from .quantities import ZERO, total


class EntryType(StrEnum):
    PURCHASE = "purchase"
    SALE = "sale"
    POSITIVE_ADJUSTMENT = "positive_adjustment"
    NEGATIVE_ADJUSTMENT = "negative_adjustment"
    TRANSFER = "transfer"

    @property
    def is_adjustment(self) -> bool:
        return self in (EntryType.POSITIVE_ADJUSTMENT, EntryType.NEGATIVE_ADJUSTMENT)

    @property
    def brings_stock_in(self) -> bool:
        """Stock that enters the company (received or found): it gets a warranty date (Q2). A transfer
        only moves stock the company already had."""
        return self in (EntryType.PURCHASE, EntryType.POSITIVE_ADJUSTMENT)

    def check_direction(self, quantity: Decimal) -> None:
        """Quantities are signed like the ledger (+ in, - out); a purchase that removes stock is a
        mistake upstream, not something to guess about. Transfers go either way."""
        direction = _DIRECTIONS.get(self, 0)
        sign = (quantity > ZERO) - (quantity < ZERO)
        if sign in (0, -direction):
            expected = {1: "greater than zero", -1: "less than zero", 0: "different from zero"}[direction]
            raise InvalidQuantityError(f"quantity of a {self.value} line", quantity, expected)


_DIRECTIONS = {
    EntryType.PURCHASE: 1,
    EntryType.POSITIVE_ADJUSTMENT: 1,
    EntryType.SALE: -1,
    EntryType.NEGATIVE_ADJUSTMENT: -1,
}


TRANSFER_SHIPMENT = "transfer_shipment"
TRANSFER_RECEIPT = "transfer_receipt"
"""X2: the document types of transfer entries; the document number is the transfer order's."""


@dataclass(frozen=True)
class SourceDocument:
    """The warehouse document line that posted an entry; for a recall (R1) also the date the warehouse posted
    it and the vendor (receipts) or customer (shipments) it names, blank or None when not known."""

    document_type: str
    document_no: str
    line_no: int
    posting_date: date | None = None
    vendor_no: str = ""
    customer_no: str = ""

    @property
    def is_out_of_transit(self) -> bool:
        """X5: a transfer receipt takes units out of transit, with the reservations made against them."""
        return self.document_type == TRANSFER_RECEIPT


@dataclass(frozen=True)
class TransferLeg:
    """X2: a transfer entry's route: the transfer order's source and destination (the entry's own location
    is the source, the in-transit location or the destination). An inbound transfer entry names the
    outbound one it continues (`from_entry_no`), so tracing follows the unit across all four entries."""

    from_location: str
    to_location: str
    from_entry_no: int = 0


@dataclass(frozen=True)
class ItemLedgerEntry:
    """Never deleted or re-keyed; only `remaining_quantity` and `open` of inbound entries change,
    as outbound entries are applied to them. Outbound entries are applied in full when posted, so
    they are stored closed with nothing remaining."""

    entry_no: int
    entry_type: EntryType
    key: TrackingKey
    quantity: Decimal
    remaining_quantity: Decimal
    open: bool
    source: SourceDocument
    expiration_date: date | None = None
    demand: Demand | None = None
    warranty_date: date | None = None
    stated: StatedUnit = IN_BASE
    transfer: "TransferLeg | None" = None

    @property
    def is_inbound(self) -> bool:
        return self.quantity > ZERO

    @property
    def open_quantity(self) -> Decimal:
        """What this entry contributes to inventory (I5): the remaining quantity while open."""
        return self.remaining_quantity if self.open else ZERO

    def reduced_by(self, quantity: Decimal) -> "ItemLedgerEntry":
        remaining = self.remaining_quantity - quantity
        return replace(self, remaining_quantity=remaining, open=remaining > ZERO)


class LedgerIndex:
    """The entries one message loaded or wrote, by entry number, with their numbers per stock key, per serial
    and per lot at an item/variant/location: applying, reserving and resettling read the entries of one key,
    never the whole loaded ledger (Z1)."""

    def __init__(self, entries: Iterable[ItemLedgerEntry] = ()) -> None:
        self._by_no: dict[int, ItemLedgerEntry] = {}
        self._by_key: dict[TrackingKey, list[int]] = {}
        self._by_location: dict[LocationKey, list[int]] = {}
        self._by_serial: dict[tuple[LocationKey, str], list[int]] = {}
        self._by_lot: dict[tuple[LocationKey, str], list[int]] = {}
        for entry in entries:
            self.store(entry)

    def __getitem__(self, entry_no: int) -> ItemLedgerEntry:
        return self._by_no[entry_no]

    def get(self, entry_no: int) -> ItemLedgerEntry | None:
        return self._by_no.get(entry_no)

    def store(self, entry: ItemLedgerEntry) -> None:
        """Add a new entry or replace an entry by its number (its key never changes)."""
        if entry.entry_no not in self._by_no:
            location = entry.key.location_key
            self._by_key.setdefault(entry.key, []).append(entry.entry_no)
            self._by_location.setdefault(location, []).append(entry.entry_no)
            self._by_serial.setdefault((location, entry.key.serial_no), []).append(entry.entry_no)
            self._by_lot.setdefault((location, entry.key.lot_no), []).append(entry.entry_no)
        self._by_no[entry.entry_no] = entry

    def of_key(self, key: TrackingKey) -> list[ItemLedgerEntry]:
        return self._entries(self._by_key.get(key, ()))

    def at(self, location: LocationKey, serial_no: str = "", lot_no: str = "") -> list[ItemLedgerEntry]:
        """The entries at the item/variant/location, only those of the serial and/or lot when given."""
        if serial_no:
            nos = self._by_serial.get((location, serial_no), [])
            return [entry for entry in self._entries(nos) if not lot_no or entry.key.lot_no == lot_no]
        if lot_no:
            return self._entries(self._by_lot.get((location, lot_no), ()))
        return self._entries(self._by_location.get(location, ()))

    def _entries(self, entry_nos: Iterable[int]) -> list[ItemLedgerEntry]:
        return [self._by_no[no] for no in entry_nos]


@dataclass(frozen=True)
class Application:
    """Outbound entry `outbound_entry_no` took `quantity` from inbound entry `inbound_entry_no`."""

    outbound_entry_no: int
    inbound_entry_no: int
    quantity: Decimal


@dataclass(frozen=True)
class AppliedOutbound:
    outbound: ItemLedgerEntry
    inbound: tuple[ItemLedgerEntry, ...]
    applications: tuple[Application, ...]


def new_entry(
    entry_no: int,
    entry_type: EntryType,
    key: TrackingKey,
    quantity: Decimal,
    source: SourceDocument,
    expiration_date: date | None = None,
    demand: Demand | None = None,
    warranty_date: date | None = None,
    stated: StatedUnit = IN_BASE,
    transfer: TransferLeg | None = None,
) -> ItemLedgerEntry:
    entry_type.check_direction(quantity)
    return ItemLedgerEntry(
        entry_no, entry_type, key, quantity, quantity, True, source, expiration_date, demand, warranty_date, stated,
        transfer,
    )


def apply_outbound(
    outbound: ItemLedgerEntry,
    open_entries: Iterable[ItemLedgerEntry],
    reserved_entry_nos: Collection[int] = (),
) -> AppliedOutbound:
    """I2: take the outbound quantity from open inbound entries of the same item, variant,
    location, serial and lot: the entries reserved for the shipped demand first (its promise was
    made on them), then first in, first out. All or nothing: the ledger never goes negative."""
    candidates = sorted(
        (entry for entry in open_entries if entry.open and entry.is_inbound and entry.key == outbound.key),
        key=lambda entry: (entry.entry_no not in reserved_entry_nos, entry.entry_no),
    )
    to_apply = -outbound.remaining_quantity
    open_quantity = total(entry.remaining_quantity for entry in candidates)
    if open_quantity < to_apply:
        raise CannotBeFullyAppliedError(outbound.key, to_apply, open_quantity)
    inbound, applications = [], []
    for entry in candidates:
        if to_apply == ZERO:
            break
        quantity = min(entry.remaining_quantity, to_apply)
        inbound.append(entry.reduced_by(quantity))
        applications.append(Application(outbound.entry_no, entry.entry_no, quantity))
        to_apply -= quantity
    closed = replace(outbound, remaining_quantity=ZERO, open=False)
    return AppliedOutbound(closed, tuple(inbound), tuple(applications))
