"""Reservations and the supply they sit on (I3).

A reservation row promises part of ONE open inbound entry to ONE demand, like a reservation
entry pair in Business Central. A demand reserving 15 over two entries has two rows. Keeping the
promise on concrete entries even for nonspecific reservations means that shipping an entry shows
at once which promises lost their supply, and lets a nonspecific promise be re-pointed (late
binding) without touching what the demand asked for.
"""

import heapq
from collections import defaultdict
from collections.abc import Generator, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from .demand import Demand, Reservation
from .keys import BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from .ledger import ItemLedgerEntry, LedgerIndex
from .quantities import ZERO
from .scope import OutsideScope, StockScope, require, require_demand
from .totals import TotalsChanges

Identity = tuple[Demand, int, TrackingNumbers]
Group = tuple[Demand, LocationKey, TrackingNumbers]
"""A demand's reservations at one item/variant/location naming the same serial/lot (or none)."""
_Slot = TypeVar("_Slot", bound=Hashable)
_Index = defaultdict[_Slot, dict[Identity, None]]
"""Reservation identities per demand, entry or key, in the order the rows appeared."""


@dataclass(frozen=True)
class Move:
    """Part of a demand's reservation now sits on another serial/lot."""

    demand: Demand
    from_key: TrackingKey
    to_key: TrackingKey
    reason: str


def portions(rows: Iterable[Reservation], quantity: Decimal) -> list[tuple[Reservation, Decimal]]:
    """Split `quantity` over `rows` in their order, each giving at most what it holds."""
    split, left = [], quantity
    for row in rows:
        portion = min(row.quantity, left)
        if portion > ZERO:
            split.append((row, portion))
            left -= portion
        if left <= ZERO:
            break  # `rows` may be read lazily: those after the last portion are not needed
    return split


class SupplyBook:
    """The reservations of the loaded locations on their open entries. Every change keeps the
    invariant that no entry carries more reservations than it can offer (its remaining quantity,
    nothing if its serial/lot is blocked: T4), and is reported to the totals at once."""

    def __init__(
        self,
        entries: LedgerIndex,
        reservations: Iterable[Reservation],
        totals: TotalsChanges,
        blocked: Iterable[BlockedTracking] = (),
        scope: StockScope | None = None,
    ) -> None:
        self._entries = entries  # the workspace's ledger: shared, so applications show here at once
        self._blocked = tuple(blocked)
        self._scope = scope  # only the reservations of these numbers and demands were loaded (Z1)
        self._rows = {row.identity: row for row in reservations}
        self._stored = dict(self._rows)
        self._touched: dict[Identity, None] = {}
        self._reserved_on: defaultdict[int, Decimal] = defaultdict(Decimal)
        self._reserved_by: defaultdict[tuple[Demand, LocationKey], Decimal] = defaultdict(Decimal)
        self._by_demand: _Index[Demand] = defaultdict(dict)
        self._by_entry: _Index[int] = defaultdict(dict)
        self._by_key: _Index[TrackingKey] = defaultdict(dict)
        self._by_named: _Index[Group] = defaultdict(dict)
        self._heaps: dict[Group, list[tuple[int, Identity]]] = {}
        for row in self._rows.values():
            self._count(row, row.quantity)
        self._totals = totals
        self.moves: dict[Move, Decimal] = {}

    # --- reading ---------------------------------------------------------------------------------
    def open_entries(self, location: LocationKey, named: TrackingNumbers = TrackingNumbers()) -> list[ItemLedgerEntry]:
        """Open inbound entries at the location carrying the named numbers and not blocked, first in first."""
        require(self._scope, location.tracked(named))
        return sorted(
            (
                entry
                for entry in self._entries.at(location, named.serial_no, named.lot_no)
                if entry.open and entry.is_inbound and not self.is_blocked(entry.key)
            ),
            key=lambda entry: entry.entry_no,
        )

    def entry(self, entry_no: int) -> ItemLedgerEntry:
        return self._entries[entry_no]

    def is_blocked(self, key: TrackingKey) -> bool:
        return any(blocked.covers(key) for blocked in self._blocked)

    def free(self, entry: ItemLedgerEntry) -> Decimal:
        """What of the entry is not yet promised (read from the current entry, not the copy given)."""
        return self._capacity(entry.entry_no) - self._reserved_on[entry.entry_no]

    def _capacity(self, entry_no: int) -> Decimal:
        """What the entry can carry in reservations: its open quantity, nothing once blocked (T4)."""
        entry = self._entries[entry_no]
        require(self._scope, entry.key)  # only then are all the rows on it loaded
        return ZERO if self.is_blocked(entry.key) else entry.open_quantity

    def rows(
        self,
        *,
        demand: Demand | None = None,
        location: LocationKey | None = None,
        entry_nos: Iterable[int] | None = None,
        key: TrackingKey | None = None,
    ) -> list[Reservation]:
        """The rows that match every criterion given, by entry, demand and named numbers. Z1: read from the
        index of the narrowest criterion given, so a demand, an entry or a key costs its own rows only."""
        wanted_entries = None if entry_nos is None else set(entry_nos)
        self._require_loaded(demand, wanted_entries, key)
        return sorted(
            (
                row
                for row in self._candidates(demand, wanted_entries, key)
                if (demand is None or row.demand == demand)
                and (location is None or row.key.location_key == location)
                and (wanted_entries is None or row.entry_no in wanted_entries)
                and (key is None or row.key == key)
            ),
            key=lambda row: (row.entry_no, row.demand, row.named),
        )

    def _require_loaded(self, demand: Demand | None, entry_nos: set[int] | None, key: TrackingKey | None) -> None:
        """Every row matching the criteria was loaded: those of a covered key, of a named demand or on entries of
        covered keys."""
        scope = self._scope
        if scope is None or (key is not None and scope.covers(key)) or (demand is not None and demand in scope.demands):
            return
        if entry_nos is not None and all(
            (entry := self._entries.get(no)) is not None and scope.covers(entry.key) for no in entry_nos
        ):
            return
        raise OutsideScope("these reservations were not all loaded")

    def _candidates(self, demand: Demand | None, entry_nos: set[int] | None,
                    key: TrackingKey | None) -> Iterable[Reservation]:
        if entry_nos is not None:
            return [self._rows[i] for entry_no in entry_nos for i in self._by_entry.get(entry_no, ())]
        if key is not None:
            return [self._rows[identity] for identity in self._by_key.get(key, ())]
        if demand is not None:
            return [self._rows[identity] for identity in self._by_demand.get(demand, ())]
        return self._rows.values()

    def first_rows(self, demand: Demand, location: LocationKey, named: TrackingNumbers) -> Generator[Reservation]:
        """The demand's rows at the location naming exactly `named`, by entry, each once, read lazily: rows
        added meanwhile are included in their place. Z1: a heap is kept per group, so reading the first few
        rows costs their number, not the group's. Close the iterator (`contextlib.closing`) when done."""
        require_demand(self._scope, demand)
        group = (demand, location, named)
        if group not in self._heaps:
            self._heaps[group] = [(self._rows[i].entry_no, i) for i in self._by_named.get(group, ())]
            heapq.heapify(self._heaps[group])
        heap, read, seen = self._heaps[group], [], set()
        try:
            while heap:
                item = heapq.heappop(heap)
                if item[1] in self._rows and item[1] not in seen:
                    seen.add(item[1])
                    read.append(item)
                    yield self._rows[item[1]]
        finally:
            for item in read:
                heapq.heappush(heap, item)

    def reserved_for(self, demand: Demand, location: LocationKey) -> Decimal:
        """What the demand has reserved at the location, all rows together."""
        require_demand(self._scope, demand)
        return self._reserved_by[demand, location]

    def changed_rows(self) -> tuple[Reservation, ...]:
        """The new state of every row this message touched; quantity zero means delete it."""
        changed = []
        for identity in self._touched:
            before, after = self._stored.get(identity), self._rows.get(identity)
            if after is not None and after != before:
                changed.append(after)
            elif after is None and before is not None:
                changed.append(replace(before, quantity=ZERO))
        return tuple(sorted(changed, key=lambda row: (row.demand, row.entry_no, row.named)))

    # --- changing --------------------------------------------------------------------------------
    def add(self, demand: Demand, entry: ItemLedgerEntry, named: TrackingNumbers, quantity: Decimal) -> None:
        before = self._rows.get((demand, entry.entry_no, named))
        after = Reservation(demand, entry.entry_no, entry.key, (before.quantity if before else ZERO) + quantity, named)
        self._put(before, after)

    def take(self, row: Reservation, quantity: Decimal) -> None:
        before = self._rows[row.identity]
        self._put(before, replace(before, quantity=before.quantity - quantity))

    def move(self, row: Reservation, to: ItemLedgerEntry, quantity: Decimal, reason: str) -> None:
        self.take(row, quantity)
        self.add(row.demand, to, row.named, quantity)
        self.note_move(row, to.key, quantity, reason)

    def note_move(self, row: Reservation, to: TrackingKey, quantity: Decimal, reason: str) -> None:
        """Remember, for the events, that part of `row` now sits on another serial/lot."""
        if quantity > ZERO and row.key != to:
            move = Move(row.demand, row.key, to, reason)
            self.moves[move] = self.moves.get(move, ZERO) + quantity

    def fill(
        self, demand: Demand, named: TrackingNumbers, quantity: Decimal, entries: Iterable[ItemLedgerEntry]
    ) -> Decimal:
        """Reserve up to `quantity` from the free part of `entries`, in their order; returns how much."""
        left = quantity
        for entry in entries:
            placed = min(self.free(entry), left)
            if placed > ZERO:
                self.add(demand, entry, named, placed)
                left -= placed
        return quantity - left

    def reserve_on(
        self,
        demand: Demand,
        named: TrackingNumbers,
        quantity: Decimal,
        entries: Sequence[ItemLedgerEntry],
        reason: str,
        prefer: Sequence[ItemLedgerEntry] = (),
    ) -> Decimal:
        """Reserve on `entries`: their free quantity first, then quantity that nonspecific
        reservations of other demand free up by moving elsewhere (`prefer` first)."""
        placed = self.fill(demand, named, quantity, entries)
        if placed < quantity:
            self._make_room(entries, quantity - placed, demand, reason, prefer)
            placed += self.fill(demand, named, quantity - placed, entries)
        return placed

    def resettle(self, entry_nos: Iterable[int], reason: str) -> list[tuple[Reservation, Decimal]]:
        """After stock left `entry_nos` (or they were blocked), move the promises they can no
        longer keep to other entries the promise allows; return what could not be moved, for the
        caller to cancel."""
        cancelled = []
        for entry_no in sorted(set(entry_nos)):
            entry = self._entries[entry_no]
            excess = self._reserved_on[entry_no] - self._capacity(entry_no)
            for row in sorted(self.rows(entry_nos=[entry_no]), key=lambda row: (row.is_specific, row.demand)):
                if excess <= ZERO:
                    break
                quantity = min(row.quantity, excess)
                destinations = [
                    other
                    for other in self.open_entries(entry.key.location_key, row.named)
                    if other.entry_no != entry_no
                ]
                unplaced = quantity - self._spread(row, quantity, destinations, reason)
                if unplaced > ZERO:
                    cancelled.append((row, unplaced))
                excess -= quantity
        return cancelled

    def _make_room(
        self,
        targets: Sequence[ItemLedgerEntry],
        quantity: Decimal,
        beneficiary: Demand,
        reason: str,
        prefer: Sequence[ItemLedgerEntry],
    ) -> None:
        """Move nonspecific reservations of other demands off `targets`; a specific one is a
        promise of exactly that stock and is never moved."""
        if not targets:
            return
        target_nos = {entry.entry_no for entry in targets}
        preferred = {entry.entry_no for entry in prefer}
        elsewhere = [e for e in self.open_entries(targets[0].key.location_key) if e.entry_no not in target_nos]
        destinations = [*prefer, *(entry for entry in elsewhere if entry.entry_no not in preferred)]
        left = quantity
        for row in self.rows(entry_nos=target_nos):
            if left > ZERO and not row.is_specific and row.demand != beneficiary:
                left -= self._spread(row, min(row.quantity, left), destinations, reason)

    def _spread(
        self, row: Reservation, quantity: Decimal, destinations: Iterable[ItemLedgerEntry], reason: str
    ) -> Decimal:
        """Move up to `quantity` of `row` onto the free part of `destinations`; returns how much."""
        left = quantity
        for destination in destinations:
            moved = min(self.free(destination), left)
            if moved > ZERO:
                self.move(row, destination, moved, reason)
                left -= moved
        return quantity - left

    def _put(self, before: Reservation | None, after: Reservation) -> None:
        if after.quantity == ZERO:
            self._rows.pop(after.identity, None)
        else:
            self._rows[after.identity] = after
        self._touched[after.identity] = None
        self._count(after, after.quantity - (before.quantity if before else ZERO))
        self._totals.reservation_changed(before, after if after.quantity else None)

    def _count(self, row: Reservation, change: Decimal) -> None:
        """Keep the sums and the indexes of rows by demand, entry and key in step with `_rows`."""
        self._reserved_on[row.entry_no] += change
        self._reserved_by[row.demand, row.key.location_key] += change
        present = row.identity in self._rows
        group = (row.demand, row.key.location_key, row.named)
        if present and row.identity not in self._by_named.get(group, ()) and group in self._heaps:
            heapq.heappush(self._heaps[group], (row.entry_no, row.identity))
        _index(self._by_named, group, row.identity, present)
        _index(self._by_demand, row.demand, row.identity, present)
        _index(self._by_entry, row.entry_no, row.identity, present)
        _index(self._by_key, row.key, row.identity, present)


def _index(index: _Index[_Slot], slot: _Slot, identity: Identity, present: bool) -> None:
    if present:
        index[slot][identity] = None
    else:
        index[slot].pop(identity, None)
