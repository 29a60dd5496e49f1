"""State in: what a stock use case knows when it decides, read in one go after its locks.

One value per use case instead of a list of keyword arguments: the loader fills what the use case asks
for, and everything it leaves out stays empty.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from units_of_measure import ItemUnits, UnknownUnitError
from warehouse.domain.documents import ZERO
from warehouse.domain.location import Location
from warehouse.domain.stock import ContentRow, StockKey
from warehouse.domain.tracking import BlockedTracking, ItemTracking, LotKey, SerialKey, item_tracking

Stated = TypeVar("Stated")


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
    units: Mapping[str, ItemUnits] = field(default_factory=dict)

    def in_base(self, item_no: str, value: Stated, serial: str = "", *, handles_serials: bool = True) -> Stated:
        """U2: `value` (a request, handling or journal line with `quantity` and `stated`) with its quantity in
        base units and the unit it was stated in, with that unit's quantity per base unit. A serial item's line
        that handles serials (one per line), stated in another unit than the base unit, is refused unless it is
        1 base unit (U3); order lines and shipped quantities cover many serials."""
        line: Any = value
        code = line.stated.code
        if not code:
            return value
        units = self.units.get(item_no)
        if units is None:
            raise UnknownUnitError(f"Item {item_no} has no units registered besides its base unit: state the "
                                   f"quantity in the base unit, or set the item's units (SetItemUnits) to use {code}.")
        base = units.to_base(line.quantity, code)
        if handles_serials and item_tracking(self.items, item_no).policy.serial_tracked and code != units.base_unit:
            units.check_serials(line.quantity, code, base, serial_given=bool(serial))
        converted: Stated = replace(line, quantity=base, stated=units.stated(code))
        return converted

    def free(self, row: ContentRow) -> Decimal:
        """What open picks and movements leave of the row."""
        return row.quantity - self.on_activities.get(row.key, ZERO)
