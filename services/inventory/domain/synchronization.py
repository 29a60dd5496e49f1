"""Keeping the item ledger and reservations in step with the warehouse (S1-S6).

The warehouse's facts arrive here: postings (receipts S1, adjustments S4, shipments S5) become
item ledger entries; allocation changes (S2) and registered picks (S3) adjust what can be
reserved and re-point reservations at what was really picked.

S6 (exactly once) belongs to the persistence layer's inbox; everything here is deterministic, so
a redelivered message that slipped past it would decide exactly the same.
"""

from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from decimal import Decimal

from .availability import AdjustmentBinChange, AllocationChange, StockTotals
from .commands import RegisteredPick
from .demand import Demand, Reservation
from .errors import CannotBeFullyAppliedError, require_positive
from .events import (
    LedgerEntriesPosted,
    PickedTrackingRecorded,
    PostingApplied,
    PostingParked,
    ReservationConflict,
    ReservationsSynchronized,
)
from .keys import LocationKey, TrackingKey, TrackingNumbers
from .ledger import Application, ItemLedgerEntry
from .postings import ParkedPosting, PostedLine, Posting, Shortage, explain
from .quantities import ZERO, total
from .supply import SupplyBook, portions
from .workspace import StockChanges, StockState, Workspace


# --- postings (S1, S4, S5) -----------------------------------------------------------------------
def post(posting: Posting, state: StockState, parked: Sequence[ParkedPosting] = ()) -> StockChanges:
    """Turn a warehouse posting into item ledger entries, or park it if the ledger cannot take it
    yet; then retry `parked` (postings parked earlier for the same items), since new supply may
    be what they wait for."""
    workspace = Workspace(state)
    _check_lines(workspace, posting.lines)
    shortages = _shortages(workspace, posting)
    if shortages:
        _park(workspace, posting, shortages)
    else:
        _apply(workspace, posting)
    _retry(workspace, parked)
    return workspace.outcome()


def entries_needed(posting: Posting, parked: Sequence[ParkedPosting] = ()) -> int:
    """The most entries `post` can write: one per line of the posting and of every parked one it retries."""
    return sum(line.entries for one in (posting, *(waiting.posting for waiting in parked)) for line in one.lines)


def _check_lines(workspace: Workspace, lines: Iterable[PostedLine]) -> None:
    """T1, T3, I1: a posting that breaks them is a defect upstream, refused rather than parked."""
    for line in lines:
        item = workspace.item(line.key.item_no)
        line.entry_type.check_direction(line.quantity)
        item.check_numbers(line.key.numbers, complete=True)
        item.check_serial_quantity(line.key.numbers, line.quantity)
        if line.quantity > ZERO:
            item.check_expiration(line.key, line.expiration_date)


def _shortages(workspace: Workspace, posting: Posting) -> list[Shortage]:
    """What the posting must take from inventory beyond what is open (counting its own inbound lines)."""
    needed: dict[TrackingKey, Decimal] = {}
    for line in posting.lines:
        needed[line.key] = needed.get(line.key, ZERO) - line.quantity
    return [
        Shortage(key, outflow, open_quantity)
        for key, outflow in needed.items()
        if outflow > (open_quantity := workspace.open_quantity(key))
    ]


def _park(workspace: Workspace, posting: Posting, shortages: list[Shortage]) -> None:
    message = explain(shortages)
    parked = ParkedPosting(posting, CannotBeFullyAppliedError.reason_code, message, tuple(shortages))
    workspace.park(parked)
    workspace.record(
        PostingParked(posting.posting_id, posting.locations, parked.reason_code, message, parked.shortages)
    )


def _retry(workspace: Workspace, parked: Sequence[ParkedPosting]) -> None:
    for waiting in parked:
        if not _shortages(workspace, waiting.posting):
            _apply(workspace, waiting.posting)
            workspace.unpark(waiting.posting.posting_id)
            workspace.record(PostingApplied(waiting.posting.posting_id, waiting.posting.locations))


def _apply(workspace: Workspace, posting: Posting) -> None:
    """Inbound lines first, so stock found or received by the same posting can be taken by it."""
    entries: list[ItemLedgerEntry] = []
    applications: list[Application] = []
    for line in sorted(posting.lines, key=lambda line: line.quantity < ZERO):
        posted, applied = _post_line(workspace, posting.posting_id, line)
        entries.extend(posted)
        applications.extend(applied)
    workspace.record(LedgerEntriesPosted(posting.posting_id, tuple(entries), tuple(applications)))


def _post_line(
    workspace: Workspace, posting_id: str, line: PostedLine
) -> tuple[list[ItemLedgerEntry], tuple[Application, ...]]:
    """The line's entry (and, for a transfer, the entry it continues as, X2) and its applications."""
    # Only entries of the line's own key can be applied to it (I2): only the demand's rows on that key count.
    reserved = [row.entry_no for row in workspace.supply.rows(demand=line.demand, key=line.key)] if line.demand else []
    entry, applications = workspace.post_line(line, reserved)
    if line.entry_type.is_adjustment:
        # W10: posting the calculated adjustment empties the adjustment bin by what it posts.
        workspace.totals.adjustment_bin_changed(AdjustmentBinChange(line.key, line.quantity))
    applied = {application.inbound_entry_no for application in applications}
    if line.demand and applied:
        _synchronize_reservations(workspace, posting_id, line, line.demand, applied)
    entries = [entry]
    if line.transfer_to:
        moving = applied if line.source.is_out_of_transit else set()
        entries.append(_continue_transfer(workspace, entry, line.transfer_to, moving))
    workspace.cancel(workspace.supply.resettle(applied, "supply_left_inventory"), "supply_left_inventory")
    return entries, applications


def _continue_transfer(workspace: Workspace, outbound: ItemLedgerEntry, at: str, applied: set[int]) -> ItemLedgerEntry:
    """X2: the units arrive at the next location as an inbound transfer entry. X5: out of transit, the
    reservations made against the transfer (on the in-transit entries `applied`) move onto it."""
    arrived = workspace.continue_transfer(outbound, at)
    left = arrived.quantity
    for row in workspace.supply.rows(entry_nos=applied):
        quantity = min(row.quantity, left, workspace.supply.free(arrived))
        if quantity > ZERO:
            workspace.supply.move(row, arrived, quantity, "transfer_received")
            left -= quantity
    return arrived


def _synchronize_reservations(
    workspace: Workspace, posting_id: str, line: PostedLine, demand: Demand, applied: set[int]
) -> None:
    """S5: the shipped quantity fulfils the demand, so that much of its reservations is consumed:
    the promises on the shipped entries first, then on the shipped serial/lot, then the rest.
    The picked stock also leaves the outbound bin."""
    location, shipped = line.key.location_key, -line.quantity
    consumed = portions(_consumption_order(workspace, demand, line.key, applied), shipped)
    for row, quantity in consumed:
        workspace.supply.take(row, quantity)
    waiting = workspace.totals.after_for_demand(demand, line.key).in_outbound_bins
    if waiting > ZERO:
        workspace.totals.allocation_changed(AllocationChange(demand, line.key, in_outbound_bins=-min(shipped, waiting)))
    still_reserved = workspace.supply.reserved_for(demand, location)
    workspace.record(
        ReservationsSynchronized(
            demand,
            posting_id,
            line.key,
            shipped,
            total(quantity for _, quantity in consumed),
            still_reserved,
            line.source.document_no,
        )
    )


def _consumption_order(
    workspace: Workspace, demand: Demand, key: TrackingKey, applied: set[int]
) -> Iterator[Reservation]:
    """The demand's rows at the key's location in the order S5 consumes them: on the shipped entries, then on
    the shipped serial/lot, then the rest by entry. Read lazily (Z1): a shipped unit whose own reservation
    covers it never reads the demand's other reservations."""
    supply, location = workspace.supply, key.location_key
    mine = (row for row in supply.rows(entry_nos=applied) if row.demand == demand and row.key.location_key == location)
    yield from sorted(mine, key=lambda row: (row.key != key, row.entry_no))
    yield from (row for row in supply.rows(demand=demand, key=key) if row.entry_no not in applied)
    yield from (
        row
        for row in supply.rows(demand=demand, location=location)
        if row.entry_no not in applied and row.key != key
    )


# --- warehouse activities (S2, S3) ---------------------------------------------------------------
def record_allocation_changes(changes: Sequence[AllocationChange], state: StockState) -> StockChanges:
    """S2: picks and movements for demand, created/cancelled/registered, change what can be reserved."""
    workspace = Workspace(state)
    for change in changes:
        before = workspace.totals.after(change.key)
        workspace.totals.allocation_changed(change)
        _report_conflicts(workspace, change.demand, change.key, before)
    return workspace.outcome()


def record_adjustment_bin_changes(changes: Sequence[AdjustmentBinChange], state: StockState) -> StockChanges:
    """I5: lost stock waiting in the adjustment bin is no longer available, though still on the ledger."""
    workspace = Workspace(state)
    for change in changes:
        workspace.totals.adjustment_bin_changed(change)
    return workspace.outcome()


def register_pick(lines: Sequence[RegisteredPick], state: StockState) -> StockChanges:
    """S3: picked stock moves from "on pick" to "in outbound bin", the picked serial/lot is
    written on the demand, and the demand's reservations follow what was really picked."""
    workspace = Workspace(state)
    for line in lines:
        _register_pick_line(workspace, line)
    return workspace.outcome()


def _register_pick_line(workspace: Workspace, line: RegisteredPick) -> None:
    item = workspace.item(line.picked.item_no)
    item.check_numbers(line.picked.numbers, complete=True)
    item.check_serial_quantity(line.picked.numbers, line.quantity)
    require_positive(line.quantity, "picked quantity")
    before = workspace.totals.after(line.picked)
    proposed = line.proposed or line.picked
    workspace.totals.allocation_changed(AllocationChange(line.demand, proposed, on_picks_and_movements=-line.quantity))
    workspace.totals.allocation_changed(AllocationChange(line.demand, line.picked, in_outbound_bins=line.quantity))
    if not line.picked.numbers.is_blank:
        _write_picked_tracking(workspace, line)
    _follow_picked_lot(workspace, line.demand, line.picked)
    _report_conflicts(workspace, line.demand, line.picked, before)


def _write_picked_tracking(workspace: Workspace, line: RegisteredPick) -> None:
    row = workspace.demand_tracking(line.demand, line.picked)
    row = replace(row, picked_quantity=row.picked_quantity + line.quantity)
    workspace.set_demand_tracking(row)
    workspace.record(PickedTrackingRecorded(line.demand, line.picked, line.quantity, row.picked_quantity))


def _follow_picked_lot(workspace: Workspace, demand: Demand, picked: TrackingKey) -> None:
    """Late binding: the demand's reservations that may move (nonspecific ones, and specific ones
    whose named numbers cover the picked key) move onto the picked serial/lot until they cover
    what waits in the ship bin. Room on the picked lot comes from its free quantity, then from
    nonspecific reservations of other demand, which take over the lot just freed (a swap)."""
    supply = workspace.supply
    waiting = workspace.totals.after_for_demand(demand, picked).in_outbound_bins
    to_move = waiting - total(row.quantity for row in supply.rows(demand=demand, key=picked))
    if to_move <= ZERO:
        return  # Z1: the picked unit is already reserved for the demand; its other rows need not be read
    targets = [entry for entry in supply.open_entries(picked.location_key, picked.numbers) if entry.key == picked]
    with closing(_movable(supply, demand, picked)) as movable:
        for row in movable:
            quantity = min(row.quantity, to_move)
            if quantity <= ZERO:
                return
            freed = supply.entry(row.entry_no)
            supply.take(row, quantity)
            placed = supply.reserve_on(demand, row.named, quantity, targets, "swapped_for_picked_lot", prefer=[freed])
            if placed < quantity:
                supply.add(demand, freed, row.named, quantity - placed)
            supply.note_move(row, picked, placed, "late_binding")
            to_move -= placed


def _movable(supply: SupplyBook, demand: Demand, picked: TrackingKey) -> Generator[Reservation]:
    """The demand's rows late binding may move onto `picked`, in its order: specific ones whose named numbers
    cover the picked key, then nonspecific ones, each by entry; rows already on the key are not moved."""
    location, serial_no, lot_no = picked.location_key, picked.serial_no, picked.lot_no
    named = {TrackingNumbers(serial_no, lot_no), TrackingNumbers(serial_no), TrackingNumbers(lot_no=lot_no)}
    specific = [row for numbers in named - {TrackingNumbers()} for row in _all(demand, location, numbers, supply)]
    yield from sorted((row for row in specific if row.key != picked), key=lambda row: (row.entry_no, row.named))
    with closing(supply.first_rows(demand, location, TrackingNumbers())) as nonspecific:
        yield from (row for row in nonspecific if row.key != picked)


def _all(demand: Demand, location: LocationKey, named: TrackingNumbers, supply: SupplyBook) -> list[Reservation]:
    with closing(supply.first_rows(demand, location, named)) as rows:
        return list(rows)


def _report_conflicts(workspace: Workspace, demand: Demand, key: TrackingKey, before: StockTotals) -> None:
    """S3: if this allocation left the serial/lot over-committed while other demand holds it
    specifically, the warehouse took a promised unit (a race past W6). Both facts are kept; the
    conflict is published for a person to resolve."""
    caused = max(ZERO, -workspace.totals.after(key).available_to_reserve) - max(ZERO, -before.available_to_reserve)
    if caused <= ZERO:
        return
    holders: dict[Demand, Decimal] = {}
    for row in workspace.supply.rows(key=key):
        if row.is_specific and row.demand != demand:
            holders[row.demand] = holders.get(row.demand, ZERO) + row.quantity
    for holder, reserved in holders.items():
        quantity = min(reserved, caused)
        if quantity > ZERO:
            workspace.record(ReservationConflict(demand, holder, key, quantity))
            caused -= quantity
