"""State in, decisions out: what a use case receives and what it hands back.

Persistence loads a `StockState` for every item/variant/location the message touches (one
transaction per message), calls one use case, and writes the `StockChanges`. Inside, a
`Workspace` holds a private working copy so that ledger, reservations and totals move together
and the inputs are never mutated.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .availability import AvailabilityBreakdown, DemandTotals, StockKey, StockTotals, availability
from .demand import Demand, DemandTracking, Reservation
from .errors import UnknownItemError, UnknownLocationError
from .events import DemandReservationChanged, ReservationCancelled, ReservationChanged
from .information import TrackingInformation
from .items import Item
from .keys import BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from .ledger import Application, EntryType, ItemLedgerEntry, LedgerIndex, TransferLeg, apply_outbound, new_entry
from .postings import ParkedPosting, PostedLine
from .quantities import ZERO, total
from .scope import StockScope, require, require_whole
from .supply import SupplyBook
from .totals import TotalsChanges


@dataclass(frozen=True)
class StockState:
    """Load everything for each item/variant/location the message touches: the items, the known
    location codes, the OPEN item ledger entries, the reservations on them, the maintained totals
    rows (location and serial/lot level), the per-demand totals rows, the demand tracking rows and
    the item's blocked serial/lot numbers (T4) and its quarantined or rejected ones (`information`,
    Q1: they are withheld like blocked ones). `entry_nos` are the numbers new item ledger
    entries take, in this order: ascending and above every entry of the stock (FIFO compares
    them), not necessarily consecutive. A posting needs one per line it may apply. `scope`: only
    what it names was loaded (Z1, `scope.py`); None: the whole stock."""

    items: tuple[Item, ...] = ()
    locations: frozenset[str] = frozenset()
    open_entries: tuple[ItemLedgerEntry, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    totals: tuple[StockTotals, ...] = ()
    demand_totals: tuple[DemandTotals, ...] = ()
    demand_tracking: tuple[DemandTracking, ...] = ()
    blocked: tuple[BlockedTracking, ...] = ()
    entry_nos: Sequence[int] = ()
    information: tuple[TrackingInformation, ...] = ()
    scope: StockScope | None = None

    @property
    def withheld(self) -> tuple[BlockedTracking, ...]:
        """T4, Q1: the numbers that take part in no reservation: blocked, or blocked by their quality status."""
        return (*self.blocked, *(block for record in self.information if (block := record.block)))


@dataclass(frozen=True)
class StockChanges:
    """What to write, all in the message's transaction:
    - `new_entries`: insert. `updated_entries`: set remaining_quantity and open by entry_no.
    - `applications`: insert.
    - `reservations`, `demand_tracking`: the new state of each touched row (upsert); a row whose
      quantities are all zero is deleted.
    - `totals`, `demand_totals`: deltas; add them column by column to the stored rows (upsert
      `col = col + excluded.col`), creating missing rows. `emptied_totals`: those of them whose rows may have
      come to nothing: delete those rows if all their figures are zero (the others are known not to be).
    - `parked`: insert; `unparked`: delete these posting ids from the parked postings.
    - `events`: to the outbox, in this order.
    """

    new_entries: tuple[ItemLedgerEntry, ...] = ()
    updated_entries: tuple[ItemLedgerEntry, ...] = ()
    applications: tuple[Application, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    demand_tracking: tuple[DemandTracking, ...] = ()
    totals: tuple[StockTotals, ...] = ()
    demand_totals: tuple[DemandTotals, ...] = ()
    emptied_totals: tuple[StockTotals | DemandTotals, ...] = ()
    parked: tuple[ParkedPosting, ...] = ()
    unparked: tuple[str, ...] = ()
    events: tuple[object, ...] = ()


class Workspace:
    """The working copy one message changes."""

    def __init__(self, state: StockState) -> None:
        self._items = {item.item_no: item for item in state.items}
        self._locations = state.locations
        self._blocked = state.withheld
        self._scope = state.scope
        self.information = state.information
        self._entries = LedgerIndex(state.open_entries)
        self._new_entry_nos: dict[int, None] = {}  # in posting order; a dict, so membership is no scan (Z1)
        self._updated_entry_nos: set[int] = set()
        self._applications: list[Application] = []
        self._free_entry_nos = iter(state.entry_nos)
        self._tracking = {(row.demand, row.key): row for row in state.demand_tracking}
        self._stored_tracking = dict(self._tracking)
        self._touched_tracking: dict[tuple[Demand, TrackingKey], None] = {}
        self._events: list[object] = []
        self._parked: list[ParkedPosting] = []
        self._unparked: list[str] = []
        self.totals = TotalsChanges(state.totals, state.demand_totals, state.scope, state.reservations)
        self.supply = SupplyBook(self._entries, state.reservations, self.totals, self._blocked, state.scope)

    # --- master data -----------------------------------------------------------------------------
    def item(self, item_no: str) -> Item:
        if item_no not in self._items:
            raise UnknownItemError(item_no)
        return self._items[item_no]

    def require_location(self, location_code: str) -> None:
        if location_code not in self._locations:
            raise UnknownLocationError(location_code)

    # --- availability (I5, T4) -------------------------------------------------------------------
    def availability(self, key: StockKey, demand: Demand | None = None) -> AvailabilityBreakdown:
        """Available to reserve at `key` (for `demand`, which may reserve what it already picked)."""
        tracking_rows = [self.totals.after(row_key) for row_key in self.totals.tracking_keys(key.location_key)]
        own = self.totals.after_for_demand(demand, key) if demand else None
        return availability(self.totals.after(key), tracking_rows, self._blocked, own)

    # --- ledger ----------------------------------------------------------------------------------
    def open_quantity(self, key: TrackingKey) -> Decimal:
        require(self._scope, key)
        return total(entry.open_quantity for entry in self._entries.of_key(key))

    def post_line(
        self, line: PostedLine, reserved_entry_nos: Iterable[int] = ()
    ) -> tuple[ItemLedgerEntry, tuple[Application, ...]]:
        """Append the line's entry; an outbound one is applied at once (I2). Stock that enters the
        company gets its warranty date (Q2)."""
        item = self.item(line.key.item_no)
        require(self._scope, line.key)
        entry = new_entry(
            self._take_entry_no(),
            line.entry_type,
            line.key,
            line.quantity,
            line.source,
            line.expiration_date,
            line.demand,
            item.warranty_date(line.posting_date) if line.entry_type.brings_stock_in else None,
            line.stated,
            line.route,
        )
        self._new_entry_nos[entry.entry_no] = None
        if entry.is_inbound:
            self._store(entry)
            return entry, ()
        applied = apply_outbound(entry, self._entries.of_key(line.key), frozenset(reserved_entry_nos))
        for changed in (applied.outbound, *applied.inbound):
            self._store(changed)
        self._applications.extend(applied.applications)
        return applied.outbound, applied.applications

    def continue_transfer(self, outbound: ItemLedgerEntry, at: str) -> ItemLedgerEntry:
        """X2: the inbound transfer entry at `at` where an outbound transfer entry's units arrive."""
        leg = replace(outbound.transfer or TransferLeg(outbound.key.location_code, at), from_entry_no=outbound.entry_no)
        key = replace(outbound.key, location_code=at)
        entry = new_entry(self._take_entry_no(), EntryType.TRANSFER, key, -outbound.quantity, outbound.source,
                          outbound.expiration_date, stated=outbound.stated, transfer=leg)
        self._new_entry_nos[entry.entry_no] = None
        self._store(entry)
        return entry

    def _take_entry_no(self) -> int:
        entry_no = next(self._free_entry_nos, None)
        if entry_no is None:
            raise RuntimeError("no entry number left: the state was loaded with fewer than the posting needs")
        return entry_no

    def _store(self, entry: ItemLedgerEntry) -> None:
        self.totals.entry_changed(self._entries.get(entry.entry_no), entry)
        self._entries.store(entry)
        if entry.entry_no not in self._new_entry_nos:
            self._updated_entry_nos.add(entry.entry_no)

    # --- demand lines ----------------------------------------------------------------------------
    def demand_tracking(self, demand: Demand, key: TrackingKey) -> DemandTracking:
        require(self._scope, key)
        return self._tracking.get((demand, key), DemandTracking(demand, key))

    def demand_tracking_of(self, demand: Demand) -> list[DemandTracking]:
        require_whole(self._scope, "a demand's serial/lot numbers")
        return [row for (owner, _), row in self._tracking.items() if owner == demand]

    def set_demand_tracking(self, row: DemandTracking) -> None:
        self._tracking[row.demand, row.key] = row
        self._touched_tracking[row.demand, row.key] = None

    # --- reservations ----------------------------------------------------------------------------
    def cancel(self, cancellations: Iterable[tuple[Reservation, Decimal]], reason: str) -> None:
        """Cancel these quantities of these rows; one event per demand, location and named numbers."""
        cancelled: dict[tuple[Demand, LocationKey, TrackingNumbers], Decimal] = {}
        for row, quantity in cancellations:
            self.supply.take(row, quantity)
            group = (row.demand, row.key.location_key, row.named)
            cancelled[group] = cancelled.get(group, ZERO) + quantity
        for (demand, location, named), quantity in cancelled.items():
            self.record(ReservationCancelled(demand, location, named, quantity, reason))

    # --- parking ---------------------------------------------------------------------------------
    def park(self, parked: ParkedPosting) -> None:
        self._parked.append(parked)

    def unpark(self, posting_id: str) -> None:
        self._unparked.append(posting_id)

    # --- outcome ---------------------------------------------------------------------------------
    def record(self, event: object) -> None:
        self._events.append(event)

    def outcome(self) -> StockChanges:
        totals, demand_totals = self.totals.deltas(), self.totals.demand_deltas()
        return StockChanges(
            new_entries=tuple(self._entries[no] for no in self._new_entry_nos),
            updated_entries=tuple(self._entries[no] for no in sorted(self._updated_entry_nos)),
            applications=tuple(self._applications),
            reservations=self.supply.changed_rows(),
            demand_tracking=self._changed_tracking(),
            totals=totals,
            demand_totals=demand_totals,
            emptied_totals=(*(row for row in totals if self.totals.may_come_to_nothing(row)),
                            *(row for row in demand_totals if self.totals.may_come_to_nothing(row))),
            parked=tuple(self._parked),
            unparked=tuple(self._unparked),
            events=(*self._events, *self._moves(), *self._demand_reservations()),
        )

    def _changed_tracking(self) -> tuple[DemandTracking, ...]:
        """The demand tracking rows this message changed (Z1: only the touched rows are compared)."""
        changed = (self._tracking[key] for key in self._touched_tracking)
        return tuple(row for row in changed if self._stored_tracking.get((row.demand, row.key)) != row)

    def _moves(self) -> list[ReservationChanged]:
        return [
            ReservationChanged(move.demand, move.from_key, move.to_key, quantity, move.reason)
            for move, quantity in self.supply.moves.items()
        ]

    def _demand_reservations(self) -> list[DemandReservationChanged]:
        return [
            DemandReservationChanged(
                delta.demand, delta.key, self.totals.after_for_demand(delta.demand, delta.key).reserved
            )
            for delta in self.totals.demand_deltas()
            if delta.reserved != ZERO
        ]
