"""Use cases of the inventory/reservation service: one function per domain command.

Each runs inside the unit of work the consumer opened (inbox row already claimed): lock and load
the stock the command touches, let the domain decide, store the outcome, queue the facts in the
outbox. A refused command raises an `InventoryError`; the consumer rolls the use case back and
publishes `inventory.command.rejected.v1` with the facts the refusal carries.
"""

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import partial

from inventory import messages
from inventory.domain import blocking, feed, reconciliation, reservations, synchronization
from inventory.domain.commands import (
    AssignTracking,
    BlockTracking,
    CancelReservation,
    ChangeReservationTracking,
    DeleteDemandLine,
    PostWarehouseDocument,
    Reconcile,
    RecordAdjustmentBinChanges,
    RecordAllocations,
    RecordLocation,
    ReduceReservation,
    RegisterItem,
    RegisterPicks,
    Reserve,
    SetItemUnits,
    SetTrackingInformation,
    UnblockTracking,
)
from inventory.domain.errors import UnknownItemError
from inventory.domain.events import ReconciliationReported
from inventory.domain.feed import Announce, Feed
from inventory.domain.information import withheld_reason
from inventory.domain.items import register_item as register
from inventory.domain.items import set_item_units as set_units
from inventory.domain.keys import LocationKey
from inventory.domain.scope import OutsideScope, StockScope
from inventory.domain.workspace import StockChanges, StockState
from inventory.repository import blocks, information, items, parked, reconciliations, stock, totals, transfers
from servicekit.unit_of_work import UnitOfWork

Decision = Callable[[StockState], StockChanges]
Envelope = messages.Envelope


# --- items and locations -------------------------------------------------------------------------
async def register_item(uow: UnitOfWork, command: RegisterItem, envelope: Envelope) -> None:
    registration = register(
        command.item_no,
        command.base_unit,
        command.tracking_policy,
        command.expiration_required,
        command.strict_expiration,
        command.warranty_formula,
        command.rounding_precision,
        command.units,
        registered=await items.get_item(uow.conn, command.item_no),
    )
    if registration.is_new:
        await items.add_item(uow.conn, registration.item)
    elif registration.is_changed:
        await items.set_warranty_formula(uow.conn, registration.item)
    messages.publish(uow, envelope, registration.events)


async def set_item_units(uow: UnitOfWork, command: SetItemUnits, envelope: Envelope) -> None:
    """U1, U4: under the stock locks of the locations holding the item, so that no posting there slips in
    between the check and the change."""
    await stock.lock(uow.conn, command.item_no, await blocks.stocked_locations(uow.conn, command.item_no))
    item, event = set_units(await items.get_item(uow.conn, command.item_no), command.item_no,
                            command.rounding_precision, command.units, await items.units_in_use(uow.conn,
                                                                                                command.item_no))
    await items.save_units(uow.conn, item)
    messages.publish(uow, envelope, [event])


async def _in_base(uow: UnitOfWork, item_no: str, quantity: Decimal, unit: str, serial: str = "") -> Decimal:
    """U2: a quantity stated in one of the item's units, in base units (a serial is 1 base unit)."""
    if not unit:
        return quantity
    item = await items.get_item(uow.conn, item_no)
    if item is None:
        raise UnknownItemError(item_no)
    base = item.measures.to_base(quantity, unit)
    if serial and unit != item.base_unit:
        item.measures.check_serials(quantity, unit, base, serial_given=True)
    return base


async def record_location(uow: UnitOfWork, command: RecordLocation, envelope: Envelope) -> None:
    """The warehouse owns locations; inventory needs their codes to accept location-level work (I3, I4)."""
    await items.save_location(uow.conn, command.location_code, command.kind)


# --- reservations (I3-I6) ------------------------------------------------------------------------
async def reserve(uow: UnitOfWork, command: Reserve, envelope: Envelope) -> None:
    """A refusal is published twice on purpose: `ReservationRejected` with the numbers for the
    order system (the refusal's explanation), and the generic `CommandRejected` every command gets."""
    quantity = await _in_base(uow, command.location.item_no, command.quantity, command.unit, command.named.serial_no)
    in_base = replace(command, quantity=quantity)
    if command.transfer_no:
        await _reserve_against_transfer(uow, in_base, envelope)
        return
    await _change_stock(uow, envelope, command.location, partial(reservations.reserve, in_base))


async def _reserve_against_transfer(uow: UnitOfWork, command: Reserve, envelope: Envelope) -> None:
    """X5: the supply is the transfer's stock in transit to the demand's location; both locations are locked
    and loaded (the reservation sits in transit until the receipt moves it)."""
    place = command.location
    in_transit = await transfers.in_transit_location(uow.conn, place.item_no, command.transfer_no,
                                                     place.location_code)
    codes = sorted({place.location_code, in_transit or place.location_code})
    await stock.lock(uow.conn, place.item_no, codes)
    state = await stock.read(uow.conn, place.item_no, place.location_code, also_at=codes)
    await _store(uow, envelope, state, reservations.reserve(replace(command, in_transit=in_transit or ""), state))


async def cancel_reservation(uow: UnitOfWork, command: CancelReservation, envelope: Envelope) -> None:
    cancel = partial(reservations.cancel_reservation, command.demand, command.location, command.named)
    await _change_stock(uow, envelope, command.location, cancel)


async def reduce_reservation(uow: UnitOfWork, command: ReduceReservation, envelope: Envelope) -> None:
    reduction = await _in_base(uow, command.location.item_no, command.reduction, command.unit)
    reduce = partial(reservations.reduce_reservation, command.demand, command.location, reduction)
    await _change_stock(uow, envelope, command.location, reduce)


async def change_reservation_tracking(uow: UnitOfWork, command: ChangeReservationTracking, envelope: Envelope) -> None:
    change = partial(
        reservations.change_reservation_tracking, command.demand, command.location, command.old, command.new
    )
    await _change_stock(uow, envelope, command.location, change)


async def delete_demand_line(uow: UnitOfWork, command: DeleteDemandLine, envelope: Envelope) -> None:
    delete = partial(reservations.delete_demand_line, command.demand, command.location)
    await _change_stock(uow, envelope, command.location, delete)


async def assign_tracking(uow: UnitOfWork, command: AssignTracking, envelope: Envelope) -> None:
    quantity = await _in_base(uow, command.key.item_no, command.quantity, command.unit, command.key.serial_no)
    assign = partial(reservations.assign_tracking, command.demand, command.key, quantity)
    await _change_stock(uow, envelope, command.key.location_key, assign)


# --- blocked serial/lot numbers (T4) -------------------------------------------------------------
async def block_tracking(uow: UnitOfWork, command: BlockTracking, envelope: Envelope) -> None:
    """The block holds at every location: its reservations are withdrawn wherever the item is stocked."""
    blocked = command.blocked
    event = blocking.block_tracking(blocked, command.reason, await items.get_item(uow.conn, blocked.item_no))
    locations = await blocks.stocked_locations(uow.conn, blocked.item_no)
    await stock.lock(uow.conn, blocked.item_no, locations)
    before = Feed(blocked_before=await blocks.blocked_tracking(uow.conn, blocked.item_no))
    await blocks.save_block(uow.conn, blocked, command.reason)
    messages.publish(uow, envelope, [event])
    for location in sorted(LocationKey(blocked.item_no, code) for code in locations):
        await _change_stock(uow, envelope, location, blocking.withdraw_blocked_supply, before)


async def unblock_tracking(uow: UnitOfWork, command: UnblockTracking, envelope: Envelope) -> None:
    """Unblocking restores no reservation (ID32); the stock is reservable again, which the feed announces (A1)."""
    blocked = command.blocked
    locations = await blocks.stocked_locations(uow.conn, blocked.item_no)
    await stock.lock(uow.conn, blocked.item_no, locations)
    before = await blocks.blocked_tracking(uow.conn, blocked.item_no)
    event = blocking.unblock_tracking(blocked, await items.get_item(uow.conn, blocked.item_no), blocked in before)
    await blocks.remove_block(uow.conn, blocked)
    messages.publish(uow, envelope, [event])
    for location in sorted(LocationKey(blocked.item_no, code) for code in locations):
        await _change_stock(uow, envelope, location, feed.nothing_changed, Feed(blocked_before=before))


# --- lot and serial information (Q1, Q3) ---------------------------------------------------------
async def set_tracking_information(uow: UnitOfWork, command: SetTrackingInformation, envelope: Envelope) -> None:
    """Q1: a quarantined or rejected number is withheld like a blocked one, at every location: its
    reservations are withdrawn wherever the item is stocked. Released again, it is usable at once."""
    record = command.information
    item_no = record.item_no
    previous = await information.get(uow.conn, record.number)
    event = blocking.set_tracking_information(record, await items.get_item(uow.conn, item_no), previous)
    locations = await blocks.stocked_locations(uow.conn, item_no)
    await stock.lock(uow.conn, item_no, locations)
    await information.save(uow.conn, record)
    messages.publish(uow, envelope, [event])
    if record.block is None:
        return
    withdraw = partial(blocking.withdraw_blocked_supply, reason=withheld_reason(record.status))
    for location in sorted(LocationKey(item_no, code) for code in locations):
        await _change_stock(uow, envelope, location, withdraw)


# --- warehouse postings (S1, S4, S5) -------------------------------------------------------------
async def post_warehouse_document(uow: UnitOfWork, command: PostWarehouseDocument, envelope: Envelope) -> None:
    """Entries, or parked until supply arrives; postings parked earlier for the item are retried
    (S5), read under the stock lock so that no two messages apply the same one. The state comes
    with an entry number for every line the posting may apply."""
    if not command.lines:
        return await _announce_only(uow, envelope, command.location, command.announce)
    place, posting = command.location, command.posting(envelope.id)
    codes = sorted({location.location_code for location in posting.locations})  # X2: a transfer has two
    await stock.lock(uow.conn, place.item_no, codes)
    waiting = [parked_one for code in codes for parked_one in await parked.waiting(uow.conn, place.item_no, code)]
    needed = synchronization.entries_needed(posting, waiting)
    decide = partial(synchronization.post, posting, parked=waiting)
    if len(codes) > 1:
        state = await stock.read(uow.conn, place.item_no, place.location_code, new_entries=needed, also_at=codes)
        return await _store(uow, envelope, state, decide(state), Feed(command.announce))
    lines = [line for one in (posting, *(waiting_one.posting for waiting_one in waiting)) for line in one.lines]
    scope = StockScope.of(place, (line.key for line in lines), (line.demand for line in lines))
    await _decide_in_scope(uow, envelope, scope, decide, Feed(command.announce), new_entries=needed)


# --- warehouse activities (S2, S3, W8, W9) -------------------------------------------------------
async def record_allocations(uow: UnitOfWork, command: RecordAllocations, envelope: Envelope) -> None:
    """S2: a pick created or cancelled for a demand changes what can still be reserved."""
    record = partial(synchronization.record_allocation_changes, command.changes)
    scope = StockScope.of(command.location, (change.key for change in command.changes),
                          (change.demand for change in command.changes))
    await stock.lock(uow.conn, command.location.item_no, [command.location.location_code])
    await _decide_in_scope(uow, envelope, scope, record, Feed(command.announce))


async def register_picks(uow: UnitOfWork, command: RegisterPicks, envelope: Envelope) -> None:
    register = partial(synchronization.register_pick, command.picks)
    keys = [key for pick in command.picks for key in (pick.picked, pick.proposed) if key is not None]
    scope = StockScope.of(command.location, keys, (pick.demand for pick in command.picks))
    await stock.lock(uow.conn, command.location.item_no, [command.location.location_code])
    await _decide_in_scope(uow, envelope, scope, register, Feed(command.announce))


async def record_adjustment_bin_changes(
    uow: UnitOfWork, command: RecordAdjustmentBinChanges, envelope: Envelope
) -> None:
    """W8, W9. Without changes (a count that found no difference, a move to another bin) there is nothing to do."""
    if not command.changes:
        return await _announce_only(uow, envelope, command.location, command.announce)
    record = partial(synchronization.record_adjustment_bin_changes, command.changes)
    await _change_stock(uow, envelope, command.location, record, Feed(command.announce))


# --- reconciliation (S7) -------------------------------------------------------------------------
async def reconcile(uow: UnitOfWork, command: Reconcile, envelope: Envelope) -> None:
    """Compared under the stock lock, after every earlier fact of the item (same key, in order)."""
    place = command.location
    await stock.lock(uow.conn, place.item_no, [place.location_code])
    ledger = await totals.ledger_inventory(uow.conn, place.item_no, place.location_code)
    report = ReconciliationReported(command.request_id, place, reconciliation.reconcile(command.counts, ledger))
    await reconciliations.save(uow.conn, report, command.items_in_report)
    messages.publish(uow, envelope, [report])


# --- the shape every stock use case shares -------------------------------------------------------
async def _change_stock(
    uow: UnitOfWork, envelope: Envelope, location: LocationKey, decide: Decision, announced: Feed = Feed()
) -> None:
    state = await stock.load(uow.conn, location.item_no, location.location_code)
    await _store(uow, envelope, state, decide(state), announced)


async def _decide_in_scope(
    uow: UnitOfWork, envelope: Envelope, scope: StockScope, decide: Decision, announced: Feed, new_entries: int = 0
) -> None:
    """Z1: decide on the stock the message names, under the stock lock the caller holds; only when that is
    not enough (`OutsideScope`: the working copy is dropped, nothing was written) on the whole stock, with the same new
    entry numbers."""
    place = scope.location
    state = await stock.read(uow.conn, place.item_no, place.location_code, new_entries=new_entries, scope=scope)
    try:
        changes = decide(state)
    except OutsideScope:
        state = replace(await stock.read(uow.conn, place.item_no, place.location_code), entry_nos=state.entry_nos)
        changes = decide(state)
    await _store(uow, envelope, state, changes, announced)


async def _store(
    uow: UnitOfWork, envelope: Envelope, state: StockState, changes: StockChanges, announced: Feed = Feed()
) -> None:
    """Write the outcome and queue its facts, followed by what it did to availability (A1)."""
    await stock.save(uow.conn, changes)
    messages.publish(uow, envelope, [*changes.events, *feed.availability_changed(state, changes, announced)])


async def _announce_only(uow: UnitOfWork, envelope: Envelope, location: LocationKey, announce: Announce) -> None:
    """A message without stock changes of its own; the last part of a fact in parts still announces the
    figures its earlier parts changed (A1)."""
    if announce is Announce.CURRENT:
        await _change_stock(uow, envelope, location, feed.nothing_changed, Feed(announce))
