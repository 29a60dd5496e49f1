"""Which stock a pick may take for a demand (W5, W6, T4-T6, I7).

Available to pick = quantity in pickable bins - quantity on open picks and movements - quantity
reserved for OTHER demand (I7). Reservations live in the inventory service; the warehouse sees a
replica of them (which may be empty) plus what each demand already holds on picks or in the ship
bin, so that a reservation already served by a pick is not subtracted a second time (as in I5).
"""

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar, cast

from warehouse.domain.documents import ZERO, SourceLine
from warehouse.domain.errors import InsufficientBinContentError, ReservedForOtherDemandError
from warehouse.domain.location import Location
from warehouse.domain.state import StockState
from warehouse.domain.stock import ContentRow, StockKey
from warehouse.domain.tracking import ItemTracking, Tracking, describe_item

TrackingGroup = tuple[str, str]
"""(serial, lot) as a specific reservation names them; a blank part matches any number."""


def covers(group: TrackingGroup, tracking: Tracking) -> bool:
    serial, lot = group
    return (not serial or serial == tracking.serial) and (not lot or lot == tracking.lot)


@dataclass(frozen=True, kw_only=True)
class DemandTracking:
    """A quantity of an item at this location that one demand holds a claim on, naming a serial and/or lot
    or not. Replicated from inventory, which owns demands."""

    demand: SourceLine
    item_no: str
    variant: str = ""
    quantity: Decimal
    serial: str = ""
    lot: str = ""

    @property
    def group(self) -> TrackingGroup:
        return (self.serial, self.lot)


@dataclass(frozen=True, kw_only=True)
class Reservation(DemandTracking):
    """A quantity promised to the demand (I3). Specific when it names a serial and/or lot."""

    @property
    def specific(self) -> bool:
        return bool(self.serial or self.lot)


@dataclass(frozen=True, kw_only=True)
class TrackingAssignment(DemandTracking):
    """A serial/lot written on the demand line without reserving it, less what was already shipped of it: the
    demand asks for it (W5), but it holds nothing back from other demand (only reservations do, I7)."""


@dataclass(frozen=True, kw_only=True)
class DemandAllocation:
    """What a demand already holds in the warehouse: outstanding on open picks, or picked into the ship
    bin and not yet shipped."""

    demand: SourceLine
    item_no: str
    variant: str = ""
    tracking: Tracking = field(default_factory=Tracking)
    quantity: Decimal


@dataclass(frozen=True, kw_only=True)
class PickingState(StockState):
    """What picking needs to know about the shipment's items at its location: their stock (content in all
    bins, what open picks and movements hold, blocks) and, for all demands, the reservations, the tracking
    assignments and the allocations."""

    reservations: Sequence[Reservation] = ()
    assignments: Sequence[TrackingAssignment] = ()
    allocations: Sequence[DemandAllocation] = ()

    @functools.cached_property
    def _by_item(self) -> "_ByItem":
        return _ByItem(self)

    def rows_of(self, item_no: str, variant: str) -> list[ContentRow]:
        return [r for r in self._by_item.content.get((item_no, variant), ()) if r.quantity > 0]

    def reservations_of(self, item_no: str, variant: str, demand: SourceLine | None = None) -> Sequence[Reservation]:
        """The item's reservations at the location (of one demand, when given), in the state's order."""
        return self._by_item.reservations.get((item_no, variant, demand), ())

    def specific_reservations_of(self, item_no: str, variant: str) -> Sequence[Reservation]:
        return self._by_item.specific.get((item_no, variant), ())

    def assignments_of(self, item_no: str, variant: str,
                       demand: SourceLine | None = None) -> Sequence[TrackingAssignment]:
        return self._by_item.assignments.get((item_no, variant, demand), ())

    def allocations_of(self, item_no: str, variant: str,
                       demand: SourceLine | None = None) -> Sequence[DemandAllocation]:
        return self._by_item.allocations.get((item_no, variant, demand), ())

    def reserved_for_others(
        self, demand: SourceLine, item_no: str, variant: str, group: TrackingGroup | None = None
    ) -> Decimal:
        """What other demands still need from stock: their reservations (all of them, or the specific ones
        naming `group`) less what they already hold on picks or in the ship bin, counted once."""
        if group is None:
            needs = self._by_item.needs(item_no, variant)
            return needs.total - needs.of(demand)
        reserved: dict[SourceLine, Decimal] = {}
        for r in self.reservations_of(item_no, variant):
            if r.demand != demand and (group is None or r.group == group):
                reserved[r.demand] = reserved.get(r.demand, ZERO) + r.quantity
        if not reserved:
            return ZERO
        for a in self.allocations_of(item_no, variant):
            if a.demand in reserved and (group is None or covers(group, a.tracking)):
                reserved[a.demand] -= a.quantity
        return sum((max(ZERO, q) for q in reserved.values()), ZERO)

    def allocating(self) -> "PickingState":
        """A working copy for creating one pick: `allocate` adds each pick line's proposals to it in place, so
        the next line sees them without copying the state per line (Z1). Only its creator changes it."""
        return replace(self, on_activities=dict(self.on_activities), allocations=list(self.allocations))

    def allocate(self, demand: SourceLine, proposals: Iterable["PickProposal"]) -> None:
        """Add what a pick line allocated to this working copy (made by `allocating`)."""
        by_item = self._by_item
        on_activities = cast(dict[StockKey, Decimal], self.on_activities)
        allocations = cast(list[DemandAllocation], self.allocations)
        for p in proposals:
            on_activities[p.key] = on_activities.get(p.key, ZERO) + p.quantity
            allocation = DemandAllocation(demand=demand, item_no=p.key.item_no, variant=p.key.variant,
                                          tracking=p.key.tracking, quantity=p.quantity)
            allocations.append(allocation)
            by_item.add_allocation(allocation)


_Slot = tuple[str, str, SourceLine | None]
"""(item no, variant, demand): the claims of one demand, or (demand None) of all demands, on the item."""


class _ByItem:
    """A picking state's content, reservations, assignments and allocations per item and variant (and per
    demand), built once per state (Z1: a pick line reads its own item's and demand's rows, not every row)."""

    def __init__(self, state: PickingState) -> None:
        self.content: dict[tuple[str, str], list[ContentRow]] = {}
        for row in state.content:
            self.content.setdefault((row.key.item_no, row.key.variant), []).append(row)
        self.reservations = _grouped(state.reservations)
        self.specific: dict[tuple[str, str], list[Reservation]] = {}
        for r in state.reservations:
            if r.specific:
                self.specific.setdefault((r.item_no, r.variant), []).append(r)
        self.assignments = _grouped(state.assignments)
        self.allocations = _grouped(state.allocations)
        self._needs: dict[tuple[str, str], _Needs] = {}

    def needs(self, item_no: str, variant: str) -> "_Needs":
        if (item_no, variant) not in self._needs:
            self._needs[item_no, variant] = _Needs(self.reservations.get((item_no, variant, None), ()),
                                                   self.allocations.get((item_no, variant, None), ()))
        return self._needs[item_no, variant]

    def add_allocation(self, allocation: DemandAllocation) -> None:
        for slot in _slots(allocation):
            self.allocations.setdefault(slot, []).append(allocation)
        if (allocation.item_no, allocation.variant) in self._needs:
            self._needs[allocation.item_no, allocation.variant].hold(allocation.demand, allocation.quantity)


class _Needs:
    """Of one item: what each demand reserved less what it holds (never below zero), and its sum over all
    demands, kept up to date as a pick allocates (Z1: `reserved_for_others` without a scan per line)."""

    def __init__(self, reservations: Iterable[Reservation], allocations: Iterable[DemandAllocation]) -> None:
        self._reserved: dict[SourceLine, Decimal] = {}
        self._held: dict[SourceLine, Decimal] = {}
        for r in reservations:
            self._reserved[r.demand] = self._reserved.get(r.demand, ZERO) + r.quantity
        for a in allocations:
            self._held[a.demand] = self._held.get(a.demand, ZERO) + a.quantity
        self.total = sum((self.of(demand) for demand in self._reserved), ZERO)

    def of(self, demand: SourceLine) -> Decimal:
        if demand not in self._reserved:
            return ZERO
        return max(ZERO, self._reserved[demand] - self._held.get(demand, ZERO))

    def hold(self, demand: SourceLine, quantity: Decimal) -> None:
        before = self.of(demand)
        self._held[demand] = self._held.get(demand, ZERO) + quantity
        self.total += self.of(demand) - before


_Claim = TypeVar("_Claim", Reservation, TrackingAssignment, DemandAllocation)


def _slots(claim: Reservation | TrackingAssignment | DemandAllocation) -> tuple[_Slot, _Slot]:
    return (claim.item_no, claim.variant, None), (claim.item_no, claim.variant, claim.demand)


def _grouped(claims: Iterable[_Claim]) -> dict[_Slot, list[_Claim]]:
    grouped: dict[_Slot, list[_Claim]] = {}
    for claim in claims:
        for slot in _slots(claim):
            grouped.setdefault(slot, []).append(claim)
    return grouped


@dataclass(frozen=True)
class PickProposal:
    """Take `quantity` of `key` (a bin and a serial/lot) for the demand."""

    key: StockKey
    quantity: Decimal


@dataclass
class _Limit:
    applies_to: Callable[[Tracking], bool]
    remaining: Decimal


def propose_pick(demand: SourceLine, item: ItemTracking, variant: str, quantity: Decimal,
                 state: PickingState) -> list[PickProposal]:
    """W5: up to `quantity` from pickable stock, the demand's own serials/lots first, then FEFO or ranking."""
    candidates = _candidates(state, item, variant)
    supply = [(row.key.tracking, state.free(row)) for row in candidates]
    limits = [_Limit(lambda t: True, sum((q for _, q in supply), ZERO)
                     - state.reserved_for_others(demand, item.item_no, variant))]
    limits += _specific_limits(state, demand, item.item_no, variant, supply)
    allocator = _Allocator(candidates, state, limits)
    for group, wanted in _requested(state, demand, item.item_no, variant):
        allocator.take(min(wanted, quantity - allocator.total), functools.partial(covers, group))
    allocator.take(quantity - allocator.total, lambda t: True)
    return allocator.proposals()


def check_picked_tracking(state: PickingState, item: ItemTracking, demand: SourceLine, take: StockKey,
                          quantity: Decimal, released: Decimal = ZERO) -> None:
    """W6: a picker may take another serial/lot than proposed if it is free in the take bin and not
    specifically reserved for other demand (counted like a proposal: over free pickable stock).
    `quantity` is all the registration takes of it; `released` what the registration's lines release of
    their own proposals of it, free for the registration."""
    free = sum((state.free(r) for r in state.rows_of(take.item_no, take.variant) if r.key == take), released)
    if quantity > free:
        raise InsufficientBinContentError(
            f"Bin {take.bin_code} has {free} of {take.describe()} free to pick, not {quantity}: scan the "
            "serial/lot you really took, or pick it from another bin."
        )
    supply = [(row.key.tracking, state.free(row)) for row in _candidates(state, item, take.variant)]
    for limit in _specific_limits(state, demand, item.item_no, take.variant, supply):
        if limit.applies_to(take.tracking) and quantity - released > limit.remaining:
            raise ReservedForOtherDemandError(
                f"The stock of {describe_item(take.item_no, take.variant)} ({take.tracking.describe()}) is "
                "reserved for another order: put it back and take the proposed serial/lot instead."
            )


def _candidates(state: PickingState, item: ItemTracking, variant: str) -> list[ContentRow]:
    """Pickable content in pick order: Pick bins only, never blocked or dedicated bins (W5), never blocked
    serials/lots (T4), never expired stock when the item's expiration is strict (T5)."""
    location = state.location

    def pickable(row: ContentRow) -> bool:
        bin_ = location.bins.get(row.key.bin_code)
        tracking = row.key.tracking
        return (bin_ is not None and bin_.is_pickable and state.free(row) > ZERO
                and not state.blocked.blocks(item.item_no, tracking, row.key.variant)
                and not (item.strict_expiration and tracking.is_expired(state.today)))

    return sorted(filter(pickable, state.rows_of(item.item_no, variant)), key=lambda r: _pick_order(location, r))


def _pick_order(location: Location, row: ContentRow) -> tuple[object, ...]:
    """T6 when the location picks by FEFO: earliest expiration, then lowest lot and serial, then the content
    registered first. Stock without an expiration date (and every location not picking by FEFO) follows
    bin ranking, highest first. Decision: at a FEFO location, dated stock goes before undated stock."""
    tracking, bin_code = row.key.tracking, row.key.bin_code
    if location.pick_by_fefo and tracking.expiration:
        return (0, tracking.expiration, tracking.lot, tracking.serial, row.first_entry_no, bin_code)
    return (1, -location.bins[bin_code].ranking, bin_code, row.first_entry_no, tracking.lot, tracking.serial)


def _specific_limits(state: PickingState, demand: SourceLine, item_no: str, variant: str,
                     supply: Sequence[tuple[Tracking, Decimal]]) -> list[_Limit]:
    """A serial/lot that other demand reserved specifically is available only beyond what they still need."""
    groups = {r.group for r in state.specific_reservations_of(item_no, variant) if r.demand != demand}
    return [
        _Limit(functools.partial(covers, group),
               sum((q for t, q in supply if covers(group, t)), ZERO)
               - state.reserved_for_others(demand, item_no, variant, group))
        for group in groups
    ]


def _requested(state: PickingState, demand: SourceLine, item_no: str,
               variant: str) -> list[tuple[TrackingGroup, Decimal]]:
    """The serials/lots the demand asks for (its specific reservations, then its tracking assignments), less
    what it already holds of them."""
    mine: list[DemandTracking] = [r for r in state.reservations_of(item_no, variant, demand) if r.specific]
    mine += state.assignments_of(item_no, variant, demand)
    if not mine:
        return []
    held_by_demand = state.allocations_of(item_no, variant, demand)
    requested: list[tuple[TrackingGroup, Decimal]] = []
    for r in mine:
        held = sum((a.quantity for a in held_by_demand if covers(r.group, a.tracking)), ZERO)
        requested.append((r.group, r.quantity - held))
    return [(g, q) for g, q in requested if q > ZERO]


class _Allocator:
    """Draws from candidates in order, never beyond a candidate's free quantity or any limit."""

    def __init__(self, candidates: Sequence[ContentRow], state: PickingState, limits: list[_Limit]) -> None:
        self._free = {row.key: state.free(row) for row in candidates}
        self._limits = limits
        self._taken: dict[StockKey, Decimal] = {}

    @property
    def total(self) -> Decimal:
        return sum(self._taken.values(), ZERO)

    def take(self, wanted: Decimal, wanted_tracking: Callable[[Tracking], bool]) -> None:
        for key, free in self._free.items():
            if wanted <= ZERO:
                return
            if not wanted_tracking(key.tracking):
                continue
            limits = [limit for limit in self._limits if limit.applies_to(key.tracking)]
            quantity = min([wanted, free, *(limit.remaining for limit in limits)])
            if quantity <= ZERO:
                continue
            self._free[key] -= quantity
            for limit in limits:
                limit.remaining -= quantity
            self._taken[key] = self._taken.get(key, ZERO) + quantity
            wanted -= quantity

    def proposals(self) -> list[PickProposal]:
        return [PickProposal(key, quantity) for key, quantity in self._taken.items()]
