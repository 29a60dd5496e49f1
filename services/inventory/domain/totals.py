"""The maintained totals (I8) one message changes: every ledger, reservation, allocation and
adjustment-bin change becomes a delta to add to the stored rows."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from .availability import AdjustmentBinChange, AllocationChange, DemandTotals, StockKey, StockTotals
from .demand import Demand, Reservation
from .keys import LocationKey, TrackingKey
from .ledger import ItemLedgerEntry
from .quantities import ZERO
from .scope import OutsideScope, StockScope, require_whole


class TotalsChanges:
    """Turns every ledger, reservation, allocation and adjustment-bin change into deltas for the
    maintained rows, including the same-demand overlap, which needs the demand rows as stored."""

    def __init__(
        self,
        totals: Iterable[StockTotals] = (),
        demand_totals: Iterable[DemandTotals] = (),
        scope: StockScope | None = None,
        reservations: Iterable[Reservation] = (),
    ) -> None:
        """`scope`: only its rows were loaded (`scope.py`), with the per-demand rows of the `reservations`
        loaded: at location level for their demands, at serial/lot level for their keys; None: every row."""
        self._scope = scope
        reservations = tuple(reservations) if scope else ()
        self._demands_loaded = {row.demand for row in reservations}
        self._demand_keys_loaded = {(row.demand, row.key) for row in reservations}
        self._stored = {row.key: row for row in totals}
        self._stored_for_demand = {(row.demand, row.key): row for row in demand_totals}
        self._changes: dict[StockKey, StockTotals] = {}
        self._demand_changes: dict[tuple[Demand, StockKey], DemandTotals] = {}
        # Z1: the demands changed at each key and the serial/lot keys of each location, so that a delta or a
        # location's rows are read without a scan of everything this message changed or loaded.
        self._demands_at: dict[StockKey, dict[Demand, None]] = {}
        self._tracking_keys_at: dict[LocationKey, dict[TrackingKey, None]] = {}
        for key in self._stored:
            self._note_tracking_key(key)

    # --- recording changes -----------------------------------------------------------------------
    def entry_changed(self, before: ItemLedgerEntry | None, after: ItemLedgerEntry) -> None:
        inventory = after.open_quantity - (before.open_quantity if before else ZERO)
        self._add(after.key, None, True, inventory=inventory)

    def reservation_changed(self, before: Reservation | None, after: Reservation | None) -> None:
        """`before` None: the row is new; `after` None: it is gone (one of them is given)."""
        row = after or before
        assert row is not None
        reserved = (after.quantity if after else ZERO) - (before.quantity if before else ZERO)
        self._add(row.key, row.demand, row.is_specific, reserved=reserved)

    def allocation_changed(self, change: AllocationChange) -> None:
        self._add(
            change.key,
            change.demand,
            True,
            on_picks_and_movements=change.on_picks_and_movements,
            in_outbound_bins=change.in_outbound_bins,
        )

    def adjustment_bin_changed(self, change: AdjustmentBinChange) -> None:
        self._add(change.key, None, True, adjustment_bin_balance=change.quantity)

    def _add(self, key: TrackingKey, demand: Demand | None, at_tracking_level: bool, **figures: Decimal) -> None:
        for level in (key.location_key, key) if at_tracking_level else (key.location_key,):
            _accumulate(self._changes, level, StockTotals(level, **figures))
            self._note_tracking_key(level)
            if demand is not None:
                _accumulate(self._demand_changes, (demand, level), DemandTotals(demand, level, **figures))
                self._demands_at.setdefault(level, {})[demand] = None

    def _note_tracking_key(self, key: StockKey) -> None:
        if isinstance(key, TrackingKey):
            self._tracking_keys_at.setdefault(key.location_key, {})[key] = None

    # --- reading the result ----------------------------------------------------------------------
    def stored(self, key: StockKey) -> StockTotals:
        if key in self._stored:
            return self._stored[key]
        self._require_loaded(key)
        return StockTotals(key)

    def stored_for_demand(self, demand: Demand, key: StockKey) -> DemandTotals:
        if (demand, key) in self._stored_for_demand:
            return self._stored_for_demand[demand, key]
        self._require_loaded(key, demand)
        return DemandTotals(demand, key)

    def _require_loaded(self, key: StockKey, demand: Demand | None = None) -> None:
        """A row that is not stored reads as zeros only if the scope loaded it (Z1, `scope.py`)."""
        scope = self._scope
        if scope is None:
            return
        if isinstance(key, TrackingKey):
            loaded = scope.covers(key) or (demand, key) in self._demand_keys_loaded
        else:
            loaded = key.item_no == scope.location.item_no and key.location_code == scope.location.location_code
            loaded = loaded and (demand is None or demand in scope.demands or demand in self._demands_loaded)
        if not loaded:
            raise OutsideScope(f"the totals of {key} were not loaded")

    def tracking_keys(self, location: LocationKey) -> set[TrackingKey]:
        """The serial/lot rows known at the location, stored or touched by this message."""
        require_whole(self._scope, "the location's serial/lot rows")
        return set(self._tracking_keys_at.get(location, ()))

    def after(self, key: StockKey) -> StockTotals:
        return self.stored(key) + self._delta(key)

    def after_for_demand(self, demand: Demand, key: StockKey) -> DemandTotals:
        return self.stored_for_demand(demand, key) + self._demand_changes.get((demand, key), DemandTotals(demand, key))

    def deltas(self) -> tuple[StockTotals, ...]:
        keys = set(self._changes) | {key for _, key in self._demand_changes}
        deltas = (self._delta(key) for key in sorted(keys, key=_sort_key))
        return tuple(delta for delta in deltas if not delta.is_zero)

    def may_come_to_nothing(self, delta: StockTotals | DemandTotals) -> bool:
        """Whether the stored row plus `delta` (one of `deltas` or `demand_deltas`) may be all zeros: yes when
        the stored row was not loaded."""
        try:
            if isinstance(delta, DemandTotals):
                return (self.stored_for_demand(delta.demand, delta.key) + delta).is_zero
            return (self.stored(delta.key) + delta).is_zero
        except OutsideScope:
            return True

    def demand_deltas(self) -> tuple[DemandTotals, ...]:
        ordered = sorted(self._demand_changes.items(), key=lambda item: (item[0][0], _sort_key(item[0][1])))
        return tuple(delta for _, delta in ordered if not delta.is_zero)

    def _delta(self, key: StockKey) -> StockTotals:
        overlap = ZERO
        for demand in self._demands_at.get(key, ()):
            before = self.stored_for_demand(demand, key)
            overlap += (before + self._demand_changes[demand, key]).counted_once - before.counted_once
        return self._changes.get(key, StockTotals(key)) + StockTotals(key, reserved_and_allocated_same_demand=overlap)


FiguresT = TypeVar("FiguresT", StockTotals, DemandTotals)


def _accumulate(changes: dict[Any, FiguresT], slot: object, delta: FiguresT) -> None:
    changes[slot] = changes[slot] + delta if slot in changes else delta


def _sort_key(key: StockKey) -> tuple[LocationKey, bool, tuple[object, ...]]:
    """Each location row, then its serial/lot rows: a stable order keeps the output deterministic."""
    numbers = (key.serial_no, key.lot_no) if isinstance(key, TrackingKey) else ()
    return key.location_key, isinstance(key, TrackingKey), (key.item_no, key.location_code, key.variant_code, *numbers)
