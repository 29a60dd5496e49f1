"""Warehouse entries (the append-only bin ledger) and bin content, their projection (W1)."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.documents import ZERO, DocumentType, SourceLine
from warehouse.domain.errors import InsufficientBinContentError
from warehouse.domain.tracking import Tracking, describe_item

BinRef = tuple[str, str]
"""(location code, bin code)."""


@dataclass(frozen=True)
class StockKey:
    """Where a quantity lies and what it is. Expiration is part of the key so that a reclassified date
    shows up as its own adjustment-bin balance (W8, W10)."""

    location_code: str
    bin_code: str
    item_no: str
    variant: str = ""
    tracking: Tracking = field(default_factory=Tracking)

    def in_bin(self, bin_code: str) -> "StockKey":
        return replace(self, bin_code=bin_code)

    def describe(self) -> str:
        return f"{describe_item(self.item_no, self.variant)} ({self.tracking.describe()})"


@dataclass(frozen=True)
class WarehouseEntry:
    """One line of the bin ledger: never changed or deleted, only followed by more entries (W1)."""

    entry_type: DocumentType
    document_no: str
    line_no: int
    key: StockKey
    quantity: Decimal
    source: SourceLine | None = None
    stated: StatedUnit = IN_BASE
    """U2: the unit the command line that wrote the entry was stated in; `quantity` is in base units."""


@dataclass(frozen=True)
class ContentRow:
    """Bin content of one stock key. `first_entry_no` is the number of the first warehouse entry that
    brought this content in: the last FEFO tie-break (T6)."""

    key: StockKey
    quantity: Decimal
    first_entry_no: int = 0


def locate(rows: Iterable[ContentRow], key: StockKey) -> StockKey:
    """The key of the content a person names by bin and serial/lot: its expiration date is taken from the
    stock itself (T3: one date per lot). Unknown content keeps the key as named; W1 will refuse taking it."""
    wanted = (key.location_code, key.bin_code, key.item_no, key.variant, key.tracking.serial, key.tracking.lot)
    for row in rows:
        k = row.key
        if row.quantity > ZERO and (k.location_code, k.bin_code, k.item_no, k.variant, k.tracking.serial,
                                     k.tracking.lot) == wanted:
            return k
    return key


class BinContent:
    """Quantities per stock key, moved only by applying warehouse entries.

    A real bin never goes below zero (W1). Virtual bins (the adjustment bins) may: found stock leaves
    a negative balance there until the warehouse adjustment is calculated (W9, W10).
    """

    def __init__(self, rows: Iterable[ContentRow] = (), *, virtual_bins: Collection[BinRef] = ()) -> None:
        self._rows = {row.key: row for row in rows}
        self._virtual_bins = frozenset(virtual_bins)

    def quantity(self, key: StockKey) -> Decimal:
        row = self._rows.get(key)
        return row.quantity if row else ZERO

    def rows(self) -> list[ContentRow]:
        return [row for row in self._rows.values() if row.quantity]

    def apply(self, entry: WarehouseEntry) -> None:
        key = entry.key
        now = self.quantity(key) + entry.quantity
        if now < ZERO and (key.location_code, key.bin_code) not in self._virtual_bins:
            raise InsufficientBinContentError(
                f"Bin {key.bin_code} at location {key.location_code} holds {self.quantity(key)} of "
                f"{key.describe()}, not {-entry.quantity}: take less or choose another bin."
            )
        row = self._rows.get(key)
        self._rows[key] = replace(row, quantity=now) if row else ContentRow(key, now)


class EntryBook:
    """Writes one command's warehouse entries and keeps its bin content projection in step, so a
    command that would leave a bin below zero is refused before anything is stored (W1)."""

    def __init__(self, content: BinContent, entry_type: DocumentType, document_no: str) -> None:
        self.content = content
        self._entry_type = entry_type
        self._document_no = document_no
        self._entries: list[WarehouseEntry] = []

    @property
    def entries(self) -> tuple[WarehouseEntry, ...]:
        return tuple(self._entries)

    def write(self, key: StockKey, quantity: Decimal, line_no: int, source: SourceLine | None = None,
              stated: StatedUnit = IN_BASE) -> None:
        entry = WarehouseEntry(self._entry_type, self._document_no, line_no, key, quantity, source, stated)
        self.content.apply(entry)
        self._entries.append(entry)

    def move(self, key: StockKey, to: StockKey, quantity: Decimal, line_no: int,
             source: SourceLine | None = None, stated: StatedUnit = IN_BASE) -> None:
        """Take `quantity` of `key` and place it as `to` (another bin and/or other tracking)."""
        self.write(key, -quantity, line_no, source, stated)
        self.write(to, quantity, line_no, source, stated)
