"""Availability to reserve (I5), answered from maintained totals (I8).

The SQL layer keeps one totals row per item/variant/location and one per
item/variant/location/serial/lot, plus one row per demand at both levels. It never scans the
ledger: every use case hands back the *deltas* to add to those rows, produced here from the
ledger, reservation, allocation and adjustment-bin changes it made (`totals.TotalsChanges`).

Levels: at location level `reserved` counts every reservation; at serial/lot level only specific
ones, because a nonspecific reservation may follow whatever lot is picked (S3) and so holds no
particular lot. A specific request must fit both levels.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Self

from .demand import Demand
from .keys import BlockedTracking, LocationKey, TrackingKey
from .quantities import ZERO

StockKey = LocationKey | TrackingKey


@dataclass(frozen=True)
class _Figures:
    """A row whose Decimal fields add up: stored row + delta = new row."""

    def __add__(self, other: Self) -> Self:
        # Built without __init__ (no field is derived): `+` runs for every row a message changes (Z1).
        added = object.__new__(type(self))
        added.__dict__.update(vars(self), **{name: getattr(self, name) + getattr(other, name)
                                             for name in _figure_names(type(self))})
        return added

    @property
    def is_zero(self) -> bool:
        return all(getattr(self, name) == ZERO for name in _figure_names(type(self)))


def _figure_names(figures: type[_Figures]) -> tuple[str, ...]:
    """The quantity fields (all default to zero), found once per class: `+` runs for every changed row (Z1)."""
    if figures not in _FIGURE_NAMES:
        _FIGURE_NAMES[figures] = tuple(field.name for field in fields(figures) if isinstance(field.default, Decimal))
    return _FIGURE_NAMES[figures]


_FIGURE_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class AvailabilityBreakdown(_Figures):
    """The numbers behind an availability answer, so a refusal explains itself."""

    inventory: Decimal = ZERO
    on_picks_and_movements: Decimal = ZERO
    reserved: Decimal = ZERO
    in_outbound_bins: Decimal = ZERO
    adjustment_bin_positive: Decimal = ZERO
    reserved_and_allocated_same_demand: Decimal = ZERO
    own_allocation_not_reserved: Decimal = ZERO
    blocked: Decimal = ZERO

    @property
    def available_to_reserve(self) -> Decimal:
        return (
            self.inventory
            - self.on_picks_and_movements
            - self.reserved
            - self.in_outbound_bins
            - self.adjustment_bin_positive
            + self.reserved_and_allocated_same_demand
            + self.own_allocation_not_reserved
            - self.blocked
        )

    def __str__(self) -> str:
        text = (
            f"inventory {self.inventory} - on picks and movements {self.on_picks_and_movements}"
            f" - reserved {self.reserved} - in outbound bins {self.in_outbound_bins}"
            f" - adjustment bin {self.adjustment_bin_positive}"
            f" + reserved and picked for the same demand {self.reserved_and_allocated_same_demand}"
        )
        if self.own_allocation_not_reserved:
            text += f" + already picked for this demand {self.own_allocation_not_reserved}"
        if self.blocked:
            text += f" - blocked serial/lot numbers {self.blocked}"
        return text


@dataclass(frozen=True)
class DemandTotals(_Figures):
    """What one demand holds at one key: reserved (at serial/lot level: specifically reserved) and
    allocated by the warehouse (on open picks/movements, picked and waiting in outbound bins)."""

    demand: Demand
    key: StockKey
    reserved: Decimal = ZERO
    on_picks_and_movements: Decimal = ZERO
    in_outbound_bins: Decimal = ZERO

    @property
    def allocated(self) -> Decimal:
        return self.on_picks_and_movements + self.in_outbound_bins

    @property
    def counted_once(self) -> Decimal:
        """I5: reserved and also picked for this same demand; subtracted once, not twice."""
        return max(ZERO, min(self.reserved, self.allocated))

    @property
    def allocated_not_reserved(self) -> Decimal:
        """Picked for this demand without a reservation: the demand may still reserve it."""
        return max(ZERO, self.allocated - self.reserved)


@dataclass(frozen=True)
class StockTotals(_Figures):
    """One maintained totals row, or a delta to add to it (the same shape).

    `adjustment_bin_balance` is signed (lost stock +, found stock -); only its positive part
    reduces availability, and a lot reclassified inside the warehouse (+A, -B) nets out at
    location level. `reserved_and_allocated_same_demand` is the sum over demands of
    `DemandTotals.counted_once`, kept so that I5 needs no per-demand scan.
    """

    key: StockKey
    inventory: Decimal = ZERO
    on_picks_and_movements: Decimal = ZERO
    reserved: Decimal = ZERO
    in_outbound_bins: Decimal = ZERO
    adjustment_bin_balance: Decimal = ZERO
    reserved_and_allocated_same_demand: Decimal = ZERO

    def breakdown(self, own: DemandTotals | None = None, blocked: Decimal = ZERO) -> AvailabilityBreakdown:
        """I5 for anyone, or for the demand `own` (which may reserve what it already picked);
        `blocked` is what blocked serial/lot numbers would otherwise offer (T4, see `availability`)."""
        return AvailabilityBreakdown(
            self.inventory,
            self.on_picks_and_movements,
            self.reserved,
            self.in_outbound_bins,
            max(ZERO, self.adjustment_bin_balance),
            self.reserved_and_allocated_same_demand,
            own.allocated_not_reserved if own else ZERO,
            blocked,
        )

    @property
    def available_to_reserve(self) -> Decimal:
        return self.breakdown().available_to_reserve


def availability(
    row: StockTotals,
    tracking_rows: Iterable[StockTotals],
    blocks: Collection[BlockedTracking],
    own: DemandTotals | None = None,
) -> AvailabilityBreakdown:
    """I5 at `row.key`, answered from maintained rows (I8), for anyone or for the demand `own`.
    T4: blocked serial/lot numbers take part in no reservation, so what their rows (among
    `tracking_rows`, the serial/lot rows of the same location) would offer is left out. Stock of a
    blocked lot already on a pick or in an outbound bin is subtracted there and not again."""
    blocked = [
        tracking
        for tracking in tracking_rows
        if isinstance(tracking.key, TrackingKey) and row.key in (tracking.key, tracking.key.location_key)
        if any(block.covers(tracking.key) for block in blocks)
    ]
    return row.breakdown(own, sum((max(ZERO, tracking.available_to_reserve) for tracking in blocked), ZERO))


@dataclass(frozen=True)
class AllocationChange:
    """S2: a signed change to what the warehouse holds for a demand."""

    demand: Demand
    key: TrackingKey
    on_picks_and_movements: Decimal = ZERO
    in_outbound_bins: Decimal = ZERO

    @classmethod
    def activity_created(cls, demand: Demand, key: TrackingKey, quantity: Decimal) -> AllocationChange:
        """A pick or movement for the demand was created: its Take quantity is spoken for."""
        return cls(demand, key, on_picks_and_movements=quantity)

    @classmethod
    def activity_ended(cls, demand: Demand, key: TrackingKey, quantity: Decimal) -> AllocationChange:
        """A pick or movement line was cancelled, or a movement was registered (it reached its bin)."""
        return cls(demand, key, on_picks_and_movements=-quantity)


@dataclass(frozen=True)
class AdjustmentBinChange:
    """W8/W9: the adjustment bin balance changed (+ stock lost from a real bin, - stock found)."""

    key: TrackingKey
    quantity: Decimal
