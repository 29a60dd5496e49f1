"""State in: what a stock use case knows when it decides, read in one go after its locks.

One value per use case instead of a list of keyword arguments: the loader fills what the use case asks
for, and everything it leaves out stays empty.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from warehouse.domain.documents import ZERO
from warehouse.domain.location import Location
from warehouse.domain.stock import ContentRow, StockKey
from warehouse.domain.tracking import BlockedTracking, ItemTracking, LotKey, SerialKey


@dataclass(frozen=True, kw_only=True)
class StockState:
    """The location and what is known of the items a command touches there.

    items: the items' tracking policies (an item missing here is unknown, T1).
    content: the items' bin content rows at the location, in every bin (the adjustment bin included).
    on_activities: outstanding Take quantity of open picks and movements per stock key (W5).
    blocked: the items' blocked lots and serials (T4).
    serials_in_stock: which of the command's serials are in stock in a real bin anywhere in the company (T2).
    lot_expirations, lot_quantities: each of the command's known lots' expiration date and quantity in real
    bins, company-wide (T3); unknown lots are absent.
    """

    location: Location
    today: date
    items: Mapping[str, ItemTracking] = field(default_factory=dict)
    content: Sequence[ContentRow] = ()
    on_activities: Mapping[StockKey, Decimal] = field(default_factory=dict)
    blocked: BlockedTracking = field(default_factory=BlockedTracking)
    serials_in_stock: frozenset[SerialKey] = frozenset()
    lot_expirations: Mapping[LotKey, date | None] = field(default_factory=dict)
    lot_quantities: Mapping[LotKey, Decimal] = field(default_factory=dict)

    def free(self, row: ContentRow) -> Decimal:
        """What open picks and movements leave of the row."""
        return row.quantity - self.on_activities.get(row.key, ZERO)
