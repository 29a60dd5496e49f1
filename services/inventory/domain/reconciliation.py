"""S7: at a quiet moment, what the warehouse counts must equal what the item ledger holds.

For every item/variant/location/serial/lot: content of all real bins + adjustment bin balance ==
item ledger inventory. Found stock puts a negative balance in the adjustment bin and lost stock a
positive one, so the sum is unchanged until W10 posts the adjustment and empties the bin.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .keys import TrackingKey
from .quantities import ZERO


@dataclass(frozen=True)
class WarehouseCount:
    """The warehouse's totals for one key: all real bins, and the adjustment bin balance."""

    key: TrackingKey
    real_bins: Decimal = ZERO
    adjustment_bin: Decimal = ZERO


@dataclass(frozen=True)
class ReconciliationDifference:
    key: TrackingKey
    real_bins: Decimal
    adjustment_bin: Decimal
    ledger_inventory: Decimal

    @property
    def difference(self) -> Decimal:
        """Positive: the warehouse counts more than the ledger holds."""
        return self.real_bins + self.adjustment_bin - self.ledger_inventory

    def __str__(self) -> str:
        return (
            f"{self.key}: real bins {self.real_bins} + adjustment bin {self.adjustment_bin} "
            f"!= item ledger {self.ledger_inventory} (difference {self.difference})"
        )


def reconcile(
    warehouse: Iterable[WarehouseCount], ledger_inventory: Mapping[TrackingKey, Decimal]
) -> tuple[ReconciliationDifference, ...]:
    """Every key that either side knows and on which they disagree; a key missing on one side
    counts zero there. Empty means the two ledgers agree."""
    counted = {count.key: count for count in warehouse}
    differences = (
        _compare(counted.get(key) or WarehouseCount(key), ledger_inventory.get(key, ZERO))
        for key in sorted(counted.keys() | ledger_inventory.keys())
    )
    return tuple(difference for difference in differences if difference.difference != ZERO)


def _compare(count: WarehouseCount, ledger_inventory: Decimal) -> ReconciliationDifference:
    return ReconciliationDifference(count.key, count.real_bins, count.adjustment_bin, ledger_inventory)
