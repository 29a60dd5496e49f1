"""Reservations and the supply they sit on (I3).

A reservation row promises part of ONE open inbound entry to ONE demand, like a reservation
entry pair in Business Central. A demand reserving 15 over two entries has two rows. Keeping the
promise on concrete entries even for nonspecific reservations means that shipping an entry shows
at once which promises lost their supply, and lets a nonspecific promise be re-pointed (late
binding) without touching what the demand asked for.
"""

from collections import defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .demand import Demand, Reservation
from .keys import BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from .ledger import ItemLedgerEntry
from .quantities import ZERO
from .totals import TotalsChanges


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
    return split


class SupplyBook:
    """The reservations of the loaded locations on their open entries. Every change keeps the
    invariant that no entry carries more reservations than it can offer (its remaining quantity,
    nothing if its serial/lot is blocked: T4), and is reported to the totals at once."""

    def __init__(
        self,
        entries: MutableMapping[int, ItemLedgerEntry],
        reservations: Iterable[Reservation],
        totals: TotalsChanges,
        blocked: Iterable[BlockedTracking] = (),
    ) -> None:
        self._entries = entries  # the workspace's ledger: shared, so applications show here at once
        self._blocked = tuple(blocked)
        self._rows = {row.identity: row for row in reservations}
        self._stored = dict(self._rows)
        self._reserved_on: defaultdict[int, Decimal] = defaultdict(Decimal)
        for row in self._rows.values():
            self._reserved_on[row.entry_no] += row.quantity
        self._totals = totals
        self.moves: dict[Move, Decimal] = {}

    # --- reading ---------------------------------------------------------------------------------
    def open_entries(self, location: LocationKey, named: TrackingNumbers = TrackingNumbers()) -> list[ItemLedgerEntry]:
        """Open inbound entries at the location carrying the named numbers and not blocked, first in first."""
        return sorted(
            (
                entry
                for entry in self._entries.values()
                if entry.open
                and entry.is_inbound
                and entry.key.location_key == location
                and named.matches(entry.key)
                and not self.is_blocked(entry.key)
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
        return ZERO if self.is_blocked(entry.key) else entry.open_quantity

    def rows(
        self,
        *,
        demand: Demand | None = None,
        location: LocationKey | None = None,
        entry_nos: Iterable[int] | None = None,
    ) -> list[Reservation]:
        wanted_entries = None if entry_nos is None else set(entry_nos)
        return sorted(
            (
                row
                for row in self._rows.values()
                if (demand is None or row.demand == demand)
                and (location is None or row.key.location_key == location)
                and (wanted_entries is None or row.entry_no in wanted_entries)
            ),
            key=lambda row: (row.entry_no, row.demand, row.named),
        )

    def changed_rows(self) -> tuple[Reservation, ...]:
        """The new state of every row this message touched; quantity zero means delete it."""
        changed = []
        for identity in self._stored.keys() | self._rows.keys():
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
        elsewhere = [e for e in self.open_entries(targets[0].key.location_key) if e.entry_no not in target_nos]
        destinations = [*prefer, *(entry for entry in elsewhere if entry not in prefer)]
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
        self._reserved_on[after.entry_no] += after.quantity - (before.quantity if before else ZERO)
        self._totals.reservation_changed(before, after if after.quantity else None)
