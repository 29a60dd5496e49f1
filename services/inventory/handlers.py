"""Use cases of the inventory/reservation service: one function per message type.

Each runs inside the unit of work the consumer opened (inbox row already claimed): lock and load
the stock the message touches, let the domain decide, store the outcome, queue the facts in the
outbox. A refused command raises an `InventoryError`; the consumer rolls the use case back and
publishes `inventory.command.rejected.v1`.
"""

from collections.abc import Callable, Iterable
from functools import partial

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_EVENTS
from inventory import messages, repository
from inventory.domain import blocking, reconciliation, reservations, synchronization
from inventory.domain.items import register_item as register
from inventory.domain.keys import LocationKey
from inventory.domain.postings import Posting
from inventory.domain.workspace import StockChanges, StockState
from servicekit.unit_of_work import UnitOfWork

SOURCE = "/inventory"

Decision = Callable[[StockState], StockChanges]


# --- items and locations -------------------------------------------------------------------------
async def register_item(uow: UnitOfWork, command: inv.RegisterItem, envelope: Envelope) -> None:
    registration = register(
        command.item_no,
        command.base_unit,
        command.tracking_policy,
        command.expiration_required,
        command.strict_expiration,
        registered=await repository.get_item(uow.conn, command.item_no),
    )
    if registration.is_new:
        await repository.add_item(uow.conn, registration.item)
    _publish(uow, envelope, registration.events)


async def replicate_location(uow: UnitOfWork, fact: wh.LocationConfigured, envelope: Envelope) -> None:
    """The warehouse owns locations; inventory needs their codes to accept location-level work (I3, I4)."""
    await repository.save_location(uow.conn, fact.location_code)


# --- reservations (I3-I6) ------------------------------------------------------------------------
async def reserve(uow: UnitOfWork, command: inv.Reserve, envelope: Envelope) -> None:
    """A refusal is published twice on purpose: `ReservationRejected` with the numbers for the
    order system (the refusal's explanation), and the generic `CommandRejected` every command gets."""
    request = messages.reservation_request(command)
    await _change_stock(uow, envelope, request.location, partial(reservations.reserve, request))


async def cancel_reservation(uow: UnitOfWork, command: inv.CancelReservation, envelope: Envelope) -> None:
    location, named = messages.location(command), messages.numbers(command.serial, command.lot)
    await _change_stock(
        uow, envelope, location, partial(reservations.cancel_reservation, messages.demand(command), location, named)
    )


async def reduce_reservation(uow: UnitOfWork, command: inv.ReduceReservation, envelope: Envelope) -> None:
    location = messages.location(command)
    await _change_stock(
        uow,
        envelope,
        location,
        partial(reservations.reduce_reservation, messages.demand(command), location, command.quantity),
    )


async def change_reservation_tracking(
    uow: UnitOfWork, command: inv.ChangeReservationTracking, envelope: Envelope
) -> None:
    location = messages.location(command)
    old, new = messages.numbers(command.serial, command.lot), messages.numbers(command.new_serial, command.new_lot)
    change = partial(reservations.change_reservation_tracking, messages.demand(command), location, old, new)
    await _change_stock(uow, envelope, location, change)


async def delete_demand_line(uow: UnitOfWork, command: inv.DeleteDemandLine, envelope: Envelope) -> None:
    location = messages.location(command)
    await _change_stock(
        uow, envelope, location, partial(reservations.delete_demand_line, messages.demand(command), location)
    )


async def assign_tracking(uow: UnitOfWork, command: inv.AssignTracking, envelope: Envelope) -> None:
    location = messages.location(command)
    key = location.tracked(messages.numbers(command.serial, command.lot))
    await _change_stock(
        uow, envelope, location, partial(reservations.assign_tracking, messages.demand(command), key, command.quantity)
    )


# --- blocked serial/lot numbers (T4) -------------------------------------------------------------
async def block_tracking(uow: UnitOfWork, command: inv.BlockTracking, envelope: Envelope) -> None:
    """The block holds at every location: its reservations are withdrawn wherever the item is stocked."""
    blocked = messages.blocked_tracking(command)
    event = blocking.block_tracking(blocked, command.reason, await repository.get_item(uow.conn, command.item_no))
    locations = await repository.stocked_locations(uow.conn, blocked.item_no)
    await repository.lock_stock(uow.conn, blocked.item_no, locations)
    await repository.save_block(uow.conn, blocked, command.reason)
    _publish(uow, envelope, [event])
    for location in sorted(LocationKey(blocked.item_no, code) for code in locations):
        await _change_stock(uow, envelope, location, blocking.withdraw_blocked_supply)


async def unblock_tracking(uow: UnitOfWork, command: inv.UnblockTracking, envelope: Envelope) -> None:
    blocked = messages.blocked_tracking(command)
    is_blocked = blocked in await repository.blocked_tracking(uow.conn, blocked.item_no)
    event = blocking.unblock_tracking(blocked, await repository.get_item(uow.conn, command.item_no), is_blocked)
    await repository.remove_block(uow.conn, blocked)
    _publish(uow, envelope, [event])


# --- warehouse postings (S1, S4, S5) -------------------------------------------------------------
async def post_receipt(uow: UnitOfWork, fact: wh.ReceiptPosted, envelope: Envelope) -> None:
    await _post(uow, envelope, fact, messages.receipt_posting(fact, envelope.id))


async def post_shipment(uow: UnitOfWork, fact: wh.ShipmentPosted, envelope: Envelope) -> None:
    await _post(uow, envelope, fact, messages.shipment_posting(fact, envelope.id))


async def post_warehouse_adjustment(uow: UnitOfWork, fact: wh.WarehouseAdjustmentPosted, envelope: Envelope) -> None:
    await _post(uow, envelope, fact, messages.adjustment_posting(fact, envelope.id))


async def _post(uow: UnitOfWork, envelope: Envelope, fact: Message, posting: Posting) -> None:
    """Entries, or parked until supply arrives; postings parked earlier for the item are retried
    (S5), read under the stock lock so that no two messages apply the same one. The warehouse
    fact's ce_id names the posting: unique even when a document is posted in parts, and the same
    on redelivery."""
    if not posting.lines:
        return
    await repository.lock_stock(uow.conn, fact.item_no, [fact.location_code])
    parked = await repository.parked_postings(uow.conn, fact.item_no, fact.location_code)
    decide = partial(synchronization.post, posting, parked=parked)
    await _change_stock(uow, envelope, _place(fact), decide, posting=True)


# --- warehouse activities (S2, S3, W8, W9) -------------------------------------------------------
async def record_pick_allocation(uow: UnitOfWork, fact: wh.PickCreated | wh.PickCancelled, envelope: Envelope) -> None:
    """S2: a pick created or cancelled for a demand changes what can still be reserved."""
    changes = messages.allocation_changes(fact)
    await _change_stock(uow, envelope, _place(fact), partial(synchronization.record_allocation_changes, changes))


async def register_pick(uow: UnitOfWork, fact: wh.PickRegistered, envelope: Envelope) -> None:
    picks = messages.registered_picks(fact)
    await _change_stock(uow, envelope, _place(fact), partial(synchronization.register_pick, picks))


async def record_reclassification(uow: UnitOfWork, fact: wh.ReclassificationRegistered, envelope: Envelope) -> None:
    changes = messages.reclassification_changes(fact)
    await _change_stock(uow, envelope, _place(fact), partial(synchronization.record_adjustment_bin_changes, changes))


async def record_warehouse_adjustment(
    uow: UnitOfWork, fact: wh.WarehouseAdjustmentRegistered, envelope: Envelope
) -> None:
    """W9. A fact without lines confirms a physical count that found no difference: nothing to do."""
    changes = messages.adjustment_bin_changes(fact)
    if not changes:
        return
    await _change_stock(uow, envelope, _place(fact), partial(synchronization.record_adjustment_bin_changes, changes))


# --- reconciliation (S7) -------------------------------------------------------------------------
async def reconcile(uow: UnitOfWork, fact: wh.BinTotalsReported, envelope: Envelope) -> None:
    """Compared under the stock lock, after every earlier fact of the item (same key, in order)."""
    location = _place(fact)
    await repository.lock_stock(uow.conn, fact.item_no, [fact.location_code])
    ledger = await repository.ledger_inventory(uow.conn, fact.item_no, fact.location_code)
    differences = reconciliation.reconcile(messages.warehouse_counts(fact), ledger)
    await repository.save_reconciliation(uow.conn, fact.request_id, location, fact.items_in_report, differences)
    _publish_facts(uow, envelope, [messages.reconciliation_reported(fact, differences)])


# --- the shape every stock use case shares -------------------------------------------------------
async def _change_stock(
    uow: UnitOfWork, envelope: Envelope, location: LocationKey, decide: Decision, *, posting: bool = False
) -> None:
    state = await repository.load_stock(uow.conn, location.item_no, location.location_code, posting=posting)
    changes = decide(state)
    await repository.save_stock_changes(uow.conn, changes)
    _publish(uow, envelope, changes.events)


def _place(fact: Message) -> LocationKey:
    """Warehouse stock facts are about one item at one location (all its variants)."""
    return LocationKey(fact.item_no, fact.location_code)


def _publish(uow: UnitOfWork, envelope: Envelope, events: Iterable[object]) -> None:
    _publish_facts(uow, envelope, [messages.fact(event) for event in events])


def _publish_facts(uow: UnitOfWork, envelope: Envelope, facts: Iterable[Message]) -> None:
    for fact in facts:
        uow.outbox.publish(INVENTORY_EVENTS, fact, envelope.caused(fact.TYPE, SOURCE, subject=fact.kafka_key()))
