"""What of an item's stock at one location a message loads (rule Z1, second half).

A pick registration, an allocation change or a posting names its serial and lot numbers and its
demands. Loading only their entries, reservations and totals makes a part of a 10,000-serial
document cost its own 500 lines, not the 10,000 units of stock beside them. The domain decides as
before; whenever it would read something the scope did not load (a nonspecific reservation that
must move to other stock, the whole location's serial/lot rows), it raises `OutsideScope`: the
working copy is dropped (nothing was written) and the caller loads the whole stock and decides again.

Loaded for a scope, at its location (one item):
- every open entry, reservation, serial/lot totals row, per-demand serial/lot totals row and demand
  tracking row whose serial/lot a filter covers;
- every reservation of the named demands, the entries they sit on and the demands' per-demand
  serial/lot totals rows of those entries' numbers (a demand's demand tracking rows are loaded only
  for covered numbers: every registered pick adds one);
- the location's totals rows, the per-demand location rows of every demand with a loaded
  reservation, the serial/lot rows a block or a quality status covers (the feed's blocked term).

A filter is a variant and the numbers a line names, widened to the serial alone when it names a
serial (so every lot of that serial is in), otherwise the lot alone, otherwise the whole variant.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .demand import Demand
from .keys import LocationKey, TrackingKey, TrackingNumbers


class OutsideScope(Exception):
    """The decision needs stock the message did not load: load the whole stock and decide again."""


@dataclass(frozen=True)
class StockScope:
    location: LocationKey
    filters: frozenset[tuple[str, TrackingNumbers]]  # (variant, numbers); see the module's text
    demands: frozenset[Demand]

    @classmethod
    def of(cls, location: LocationKey, keys: Iterable[TrackingKey], demands: Iterable[Demand | None]) -> "StockScope":
        """The scope of a message about these serial/lot keys and demands (one item and location)."""
        return cls(location, frozenset((key.variant_code, _filter(key.numbers)) for key in keys),
                   frozenset(demand for demand in demands if demand is not None))

    def covers(self, key: TrackingKey) -> bool:
        """Everything of this serial/lot (blank: any) was loaded."""
        if (key.item_no, key.location_code) != (self.location.item_no, self.location.location_code):
            return False
        wanted = [TrackingNumbers()]
        if key.serial_no:
            wanted.append(TrackingNumbers(key.serial_no))
        if key.lot_no:
            wanted.append(TrackingNumbers(lot_no=key.lot_no))
        return any((key.variant_code, numbers) in self.filters for numbers in wanted)

    def require(self, key: TrackingKey) -> None:
        if not self.covers(key):
            raise OutsideScope(f"{key} was not loaded")

    def require_demand(self, demand: Demand) -> None:
        if demand not in self.demands:
            raise OutsideScope(f"the reservations of {demand} were not loaded")


def _filter(numbers: TrackingNumbers) -> TrackingNumbers:
    if numbers.serial_no:
        return TrackingNumbers(numbers.serial_no)
    return TrackingNumbers(lot_no=numbers.lot_no)


def require(scope: StockScope | None, key: TrackingKey) -> None:
    """No scope: the whole stock was loaded."""
    if scope is not None:
        scope.require(key)


def require_demand(scope: StockScope | None, demand: Demand) -> None:
    if scope is not None:
        scope.require_demand(demand)


def require_whole(scope: StockScope | None, what: str) -> None:
    if scope is not None:
        raise OutsideScope(f"{what} needs the whole stock")
