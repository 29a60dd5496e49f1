"""Registering warehouse activities: each handled Take/Place pair becomes two warehouse entries."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.documents import Activity, ActivityLine, LineChanges
from warehouse.domain.errors import BinNotAllowedError
from warehouse.domain.events import RegisteredLine
from warehouse.domain.location import Bin
from warehouse.domain.state import StockState
from warehouse.domain.stock import EntryBook, StockKey, WarehouseEntry


@dataclass(frozen=True)
class PlaceHandling:
    """An operator's report on a put-away or movement line: the quantity handled and, when the stock went
    to another bin than proposed, that bin."""

    line_no: int
    quantity: Decimal
    place_bin: str | None = None
    stated: StatedUnit = IN_BASE


def record(book: EntryBook, line: ActivityLine, quantity: Decimal, take: StockKey, place_bin: str,
           stated: StatedUnit = IN_BASE) -> RegisteredLine:
    """Take `quantity` of `take` and place it in `place_bin`; the fact says what really happened (and in which
    unit the registering line stated it, U2)."""
    book.move(take, take.in_bin(place_bin), quantity, line.line_no, line.source, stated)
    return RegisteredLine(line.line_no, line.source, line.item_no, line.variant, take.bin_code, place_bin,
                          line.tracking, take.tracking, quantity, stated)


def register_placements(
    activity: Activity, handled: Sequence[PlaceHandling], state: StockState, *, take_bin: Callable[[str], Bin],
) -> tuple[Activity, tuple[WarehouseEntry, ...], tuple[RegisteredLine, ...]]:
    """Put-aways and movements: partial quantities allowed (W11); the place bin may be overridden but must
    be a storage bin that accepts stock (W7). `take_bin` checks the take side, which differs per activity."""
    location = state.location
    book = EntryBook(location.bin_content(state.content), activity.type, activity.no)
    lines = LineChanges(activity)
    registered = []
    for h in handled:
        line = lines.handled(h.line_no, h.quantity)
        take_bin(line.take_bin)
        place_bin = location.storage_place_bin(_place_bin_of(activity, line, h)).code
        take = StockKey(location.code, line.take_bin, line.item_no, line.variant, line.tracking)
        registered.append(record(book, line, h.quantity, take, place_bin, h.stated))
    return activity.with_lines(lines.changed.values()), book.entries, tuple(registered)


def _place_bin_of(activity: Activity, line: ActivityLine, handling: PlaceHandling) -> str:
    place_bin = handling.place_bin or line.place_bin
    if place_bin is None:
        raise BinNotAllowedError(
            f"Line {line.line_no} of {activity.no} ({line.describe()}) has no place bin: name the bin the stock "
            "was put into."
        )
    return place_bin
