"""Use cases of the inventory/reservation service: one function per domain command.

Each runs inside the unit of work the consumer opened (inbox row already claimed): lock and load
the stock the command touches, let the domain decide, store the outcome, queue the facts in the
outbox. A refused command raises an `InventoryError`; the consumer rolls the use case back and
publishes `inventory.command.rejected.v1` with the facts the refusal carries.
"""

from collections.abc import Callable
from functools import partial

from inventory import messages
from inventory.domain import blocking, reconciliation, reservations, synchronization
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
    SetTrackingInformation,
    UnblockTracking,
)
from inventory.domain.events import ReconciliationReported
from inventory.domain.information import withheld_reason
from inventory.domain.items import register_item as register
from inventory.domain.keys import LocationKey
from inventory.domain.workspace import StockChanges, StockState
from inventory.repository import blocks, information, items, parked, reconciliations, stock, totals
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
        registered=await items.get_item(uow.conn, command.item_no),
    )
    if registration.is_new:
        await items.add_item(uow.conn, registration.item)
    elif registration.is_changed:
        await items.set_warranty_formula(uow.conn, registration.item)
    messages.publish(uow, envelope, registration.events)


async def record_location(uow: UnitOfWork, command: RecordLocation, envelope: Envelope) -> None:
    """The warehouse owns locations; inventory needs their codes to accept location-level work (I3, I4)."""
    await items.save_location(uow.conn, command.location_code)


# --- reservations (I3-I6) ------------------------------------------------------------------------
async def reserve(uow: UnitOfWork, command: Reserve, envelope: Envelope) -> None:
    """A refusal is published twice on purpose: `ReservationRejected` with the numbers for the
    order system (the refusal's explanation), and the generic `CommandRejected` every command gets."""
    await _change_stock(uow, envelope, command.location, partial(reservations.reserve, command))


async def cancel_reservation(uow: UnitOfWork, command: CancelReservation, envelope: Envelope) -> None:
    cancel = partial(reservations.cancel_reservation, command.demand, command.location, command.named)
    await _change_stock(uow, envelope, command.location, cancel)


async def reduce_reservation(uow: UnitOfWork, command: ReduceReservation, envelope: Envelope) -> None:
    reduce = partial(reservations.reduce_reservation, command.demand, command.location, command.reduction)
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
    assign = partial(reservations.assign_tracking, command.demand, command.key, command.quantity)
    await _change_stock(uow, envelope, command.key.location_key, assign)


# --- blocked serial/lot numbers (T4) -------------------------------------------------------------
async def block_tracking(uow: UnitOfWork, command: BlockTracking, envelope: Envelope) -> None:
    """The block holds at every location: its reservations are withdrawn wherever the item is stocked."""
    blocked = command.blocked
    event = blocking.block_tracking(blocked, command.reason, await items.get_item(uow.conn, blocked.item_no))
    locations = await blocks.stocked_locations(uow.conn, blocked.item_no)
    await stock.lock(uow.conn, blocked.item_no, locations)
    await blocks.save_block(uow.conn, blocked, command.reason)
    messages.publish(uow, envelope, [event])
    for location in sorted(LocationKey(blocked.item_no, code) for code in locations):
        await _change_stock(uow, envelope, location, blocking.withdraw_blocked_supply)


async def unblock_tracking(uow: UnitOfWork, command: UnblockTracking, envelope: Envelope) -> None:
    blocked = command.blocked
    is_blocked = blocked in await blocks.blocked_tracking(uow.conn, blocked.item_no)
    event = blocking.unblock_tracking(blocked, await items.get_item(uow.conn, blocked.item_no), is_blocked)
    await blocks.remove_block(uow.conn, blocked)
    messages.publish(uow, envelope, [event])


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
        return
    place, posting = command.location, command.posting(envelope.id)
    await stock.lock(uow.conn, place.item_no, [place.location_code])
    waiting = await parked.waiting(uow.conn, place.item_no, place.location_code)
    needed = synchronization.entries_needed(posting, waiting)
    state = await stock.read(uow.conn, place.item_no, place.location_code, new_entries=needed)
    await _store(uow, envelope, synchronization.post(posting, state, waiting))


# --- warehouse activities (S2, S3, W8, W9) -------------------------------------------------------
async def record_allocations(uow: UnitOfWork, command: RecordAllocations, envelope: Envelope) -> None:
    """S2: a pick created or cancelled for a demand changes what can still be reserved."""
    record = partial(synchronization.record_allocation_changes, command.changes)
    await _change_stock(uow, envelope, command.location, record)


async def register_picks(uow: UnitOfWork, command: RegisterPicks, envelope: Envelope) -> None:
    await _change_stock(uow, envelope, command.location, partial(synchronization.register_pick, command.picks))


async def record_adjustment_bin_changes(
    uow: UnitOfWork, command: RecordAdjustmentBinChanges, envelope: Envelope
) -> None:
    """W8, W9. Without changes (a count that found no difference, a move to another bin) there is nothing to do."""
    if not command.changes:
        return
    record = partial(synchronization.record_adjustment_bin_changes, command.changes)
    await _change_stock(uow, envelope, command.location, record)


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
async def _change_stock(uow: UnitOfWork, envelope: Envelope, location: LocationKey, decide: Decision) -> None:
    state = await stock.load(uow.conn, location.item_no, location.location_code)
    await _store(uow, envelope, decide(state))


async def _store(uow: UnitOfWork, envelope: Envelope, changes: StockChanges) -> None:
    await stock.save(uow.conn, changes)
    messages.publish(uow, envelope, changes.events)
