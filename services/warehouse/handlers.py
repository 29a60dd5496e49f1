"""Use cases of the warehouse-tracking service: one function per message type.

Each runs inside the unit of work the consumer opened (inbox row already claimed): load what the
domain needs, let the domain decide, store the outcome, queue the facts in the outbox. Stock use
cases lock the items they touch at the location before reading anything (repository/locks.py).
A refusal raised anywhere rolls back what the use case wrote and queued (the consumer's savepoint).
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import asyncpg

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.envelope import Envelope
from contracts.topics import WAREHOUSE_EVENTS
from servicekit.unit_of_work import UnitOfWork
from warehouse import messages
from warehouse.clock import today
from warehouse.domain import adjustments, inbound, internal, outbound
from warehouse.domain.documents import Document, DocumentType
from warehouse.domain.events import ActivityOutcome, DomainEvent, Outcome
from warehouse.domain.location import Location, configure_location as configure, require_location
from warehouse.domain.picking import PickingState
from warehouse.domain.release import release_inbound, release_outbound
from warehouse.domain.stock import ContentRow
from warehouse.domain.tracking import ItemTracking, Tracking
from warehouse.repository import documents, locations, locks, replicas, stock
from warehouse.repository.picking import picking_state

SOURCE = "/warehouse"


# --- shared steps ----------------------------------------------------------------------------------
def _send(uow: UnitOfWork, envelope: Envelope, facts: Iterable[Message]) -> None:
    for fact in facts:
        uow.outbox.publish(WAREHOUSE_EVENTS, fact, envelope.caused(fact.TYPE, SOURCE, subject=fact.kafka_key()))


def _publish(uow: UnitOfWork, envelope: Envelope, events: Sequence[DomainEvent]) -> None:
    _send(uow, envelope, messages.facts(events))


@dataclass(frozen=True)
class _Stock:
    location: Location
    items: dict[str, ItemTracking]
    content: list[ContentRow]


async def _locked_location(conn: asyncpg.Connection, location_code: str, item_nos: Collection[str]) -> Location:
    await locks.lock_stock(conn, location_code, item_nos)
    return require_location(location_code, await locations.location(conn, location_code))


async def _stock(conn: asyncpg.Connection, location_code: str, item_nos: Collection[str]) -> _Stock:
    """Lock the items at the location, then read them: nothing changes their content until we commit."""
    location = await _locked_location(conn, location_code, item_nos)
    return _Stock(location, await replicas.item_trackings(conn, item_nos),
                  await stock.content(conn, location_code, item_nos))


async def _picking(conn: asyncpg.Connection, location_code: str, item_nos: Collection[str]) -> PickingState:
    location = await _locked_location(conn, location_code, item_nos)
    return await picking_state(conn, location, item_nos, today())


def _items_handled(document: Document, line_nos: Iterable[int]) -> set[str]:
    return {document.line(line_no).item_no for line_no in line_nos}


async def _record(uow: UnitOfWork, envelope: Envelope, location: Location, outcome: Outcome,
                  *changed: Document) -> None:
    """Store the outcome's entries and the changed documents, then queue its facts."""
    await stock.append(uow.conn, outcome.entries, location.adjustment_bin)
    for document in changed:
        await documents.update(uow.conn, document)
    _publish(uow, envelope, outcome.events)


# --- locations -------------------------------------------------------------------------------------
async def configure_location(uow: UnitOfWork, command: wh.ConfigureLocation, envelope: Envelope) -> None:
    conn = uow.conn
    await locks.lock_location(conn, command.location_code)
    descriptions = {z.code: z.description for z in command.zones}
    outcome = configure(
        command.location_code,
        zones=[z.code for z in command.zones],
        bins=[messages.domain_bin(b) for b in command.bins],
        receive_bin=command.receive_bin,
        ship_bin=command.ship_bin,
        adjustment_bin=command.adjustment_bin,
        pick_by_fefo=command.pick_by_fefo,
        current=await locations.location(conn, command.location_code),
        bins_with_content=await stock.bins_with_content(conn, command.location_code),
    )
    await locations.save_location(conn, outcome.location, descriptions)
    _send(uow, envelope, [messages.location_configured(event, descriptions) for event in outcome.events])


# --- inbound (W2) ----------------------------------------------------------------------------------
async def _release(conn: asyncpg.Connection, command: wh.ReleaseInboundRequest | wh.ReleaseOutboundRequest,
                   number: str, release: Callable) -> Outcome:
    location = require_location(command.location_code, await locations.location(conn, command.location_code))
    requests = messages.source_requests(command)
    return release(number, location, requests, await replicas.item_trackings(conn, {r.item_no for r in requests}))


async def release_inbound_request(uow: UnitOfWork, command: wh.ReleaseInboundRequest, envelope: Envelope) -> None:
    outcome = await _release(uow.conn, command, command.receipt_no, release_inbound)
    await documents.add(uow.conn, outcome.receipt)
    _publish(uow, envelope, outcome.events)


async def post_receipt(uow: UnitOfWork, command: wh.PostReceipt, envelope: Envelope) -> None:
    """The put-away is numbered `<receipt_no>-PA<n>` for the receipt's n-th posting unless the sender names it."""
    conn = uow.conn
    receipt = await documents.receipt(conn, command.receipt_no)
    received = messages.received_quantities(command.lines)
    lines = [(receipt.line(r.line_no), r.tracking) for r in received]
    at = await _stock(conn, receipt.location_code, {line.item_no for line, _ in lines})
    expirations, _ = await stock.known_lots(conn, [(line.item_no, tracking.lot) for line, tracking in lines])
    posting = await documents.count_posting(conn, DocumentType.RECEIPT, receipt.no)
    outcome = inbound.post_receipt(
        receipt, received, location=at.location, items=at.items, content=at.content,
        serials_in_stock=await stock.serials_in_stock(
            conn, [(line.item_no, line.variant, tracking.serial) for line, tracking in lines if tracking.serial]),
        lot_expirations=expirations, put_away_no=command.put_away_no or f"{receipt.no}-PA{posting}", today=today())
    await documents.add(conn, outcome.put_away)
    await _record(uow, envelope, at.location, outcome, outcome.receipt)


async def register_put_away(uow: UnitOfWork, command: wh.RegisterPutAway, envelope: Envelope) -> None:
    await _register_placements(uow, envelope, DocumentType.PUT_AWAY, command.put_away_no, command.lines,
                               inbound.register_put_away)


async def _register_placements(uow: UnitOfWork, envelope: Envelope, activity_type: DocumentType, activity_no: str,
                               lines: Sequence[wh.HandledLine], register: Callable[..., ActivityOutcome]) -> None:
    """Put-aways and movements register alike: a quantity per line, optionally into another bin (W2, W7, W11)."""
    activity = await documents.activity(uow.conn, activity_type, activity_no)
    handled = messages.place_handlings(lines)
    at = await _stock(uow.conn, activity.location_code, _items_handled(activity, (h.line_no for h in handled)))
    outcome = register(activity, handled, location=at.location, content=at.content)
    await _record(uow, envelope, at.location, outcome, outcome.activity)


# --- outbound (W4-W6) ------------------------------------------------------------------------------
async def release_outbound_request(uow: UnitOfWork, command: wh.ReleaseOutboundRequest, envelope: Envelope) -> None:
    outcome = await _release(uow.conn, command, command.shipment_no, release_outbound)
    await documents.add(uow.conn, outcome.shipment)
    _publish(uow, envelope, outcome.events)


async def create_pick(uow: UnitOfWork, command: wh.CreatePick, envelope: Envelope) -> None:
    shipment = await documents.shipment(uow.conn, command.shipment_no)
    state = await _picking(uow.conn, shipment.location_code, {line.item_no for line in shipment.lines})
    outcome = outbound.create_pick(shipment, command.pick_no, state)
    await documents.add(uow.conn, outcome.pick)
    await _record(uow, envelope, state.location, outcome, outcome.shipment)


async def register_pick(uow: UnitOfWork, command: wh.RegisterPick, envelope: Envelope) -> None:
    pick = await documents.activity(uow.conn, DocumentType.PICK, command.pick_no)
    shipment = await documents.shipment(uow.conn, pick.document_no)
    handled = messages.pick_handlings(command.lines)
    state = await _picking(uow.conn, pick.location_code, _items_handled(pick, (h.line_no for h in handled)))
    outcome = outbound.register_pick(pick, shipment, handled, state)
    await _record(uow, envelope, state.location, outcome, outcome.pick, outcome.shipment)


async def cancel_pick(uow: UnitOfWork, command: wh.CancelPick, envelope: Envelope) -> None:
    """Releasing allocation can over-allocate nothing, so no stock lock: the document rows serialize it."""
    pick = await documents.activity(uow.conn, DocumentType.PICK, command.pick_no)
    shipment = await documents.shipment(uow.conn, pick.document_no)
    outcome = outbound.cancel_pick(pick, shipment, set(command.line_nos) or None)
    for document in (outcome.pick, outcome.shipment):
        await documents.update(uow.conn, document)
    _publish(uow, envelope, outcome.events)


async def post_shipment(uow: UnitOfWork, command: wh.PostShipment, envelope: Envelope) -> None:
    """S4 needs a document number for the adjustment posted ahead: `<shipment_no>-ADJ<n>` for the n-th posting."""
    conn = uow.conn
    shipment = await documents.shipment(conn, command.shipment_no)
    at = await _stock(conn, shipment.location_code, {line.item_no for line in shipment.lines})
    posting = await documents.count_posting(conn, DocumentType.SHIPMENT, shipment.no)
    outcome = outbound.post_shipment(
        shipment, location=at.location, items=at.items, content=at.content,
        adjustment_no=f"{shipment.no}-ADJ{posting}", today=today(),
        quantities={line.line_no: line.quantity for line in command.lines} or None)
    await _record(uow, envelope, at.location, outcome, outcome.shipment)


# --- internal (W7, W8) -----------------------------------------------------------------------------
async def create_movement(uow: UnitOfWork, command: wh.CreateMovement, envelope: Envelope) -> None:
    """An open movement sets stock aside inside the warehouse (W7); `MovementCreated` tells the sender so."""
    conn = uow.conn
    requests = messages.movement_requests(command.lines)
    item_nos = {r.item_no for r in requests}
    at = await _stock(conn, command.location_code, item_nos)
    outcome = internal.create_movement(
        command.movement_no, requests, location=at.location, items=at.items, content=at.content,
        on_activities=await documents.on_activities(conn, command.location_code, item_nos),
        blocked=await replicas.blocked(conn, item_nos))
    await documents.add(conn, outcome.activity)
    _publish(uow, envelope, outcome.events)


async def register_movement(uow: UnitOfWork, command: wh.RegisterMovement, envelope: Envelope) -> None:
    await _register_placements(uow, envelope, DocumentType.MOVEMENT, command.movement_no, command.lines,
                               internal.register_movement)


async def register_reclassification(uow: UnitOfWork, command: wh.RegisterReclassification,
                                    envelope: Envelope) -> None:
    conn = uow.conn
    lines = messages.reclassification_lines(command.lines)
    item_nos = {line.item_no for line in lines}
    at = await _stock(conn, command.location_code, item_nos)
    await stock.refuse_registered(conn, DocumentType.RECLASSIFICATION, command.document_no)
    expirations, quantities = await stock.known_lots(
        conn, [(line.item_no, lot) for line in lines for lot in (line.lot, line.new_lot or "")])
    outcome = internal.register_reclassification(
        command.document_no, lines, location=at.location, items=at.items, content=at.content,
        on_activities=await documents.on_activities(conn, command.location_code, item_nos),
        blocked=await replicas.blocked(conn, item_nos),
        serials_in_stock=await stock.serials_in_stock(
            conn, [(line.item_no, line.variant, line.new_serial) for line in lines if line.new_serial]),
        lot_expirations=expirations, lot_quantities=quantities)
    await _record(uow, envelope, at.location, outcome)


# --- adjustments (W9, W10) -------------------------------------------------------------------------
FoundStock = tuple[str, str, Tracking]
"""(item no, variant, tracking) of stock a correction may bring into the warehouse."""


async def register_warehouse_adjustment(uow: UnitOfWork, command: wh.RegisterWarehouseAdjustment,
                                        envelope: Envelope) -> None:
    lines = messages.adjustment_lines(command.lines)
    found = [(line.item_no, line.variant, line.tracking) for line in lines if line.quantity > 0]
    await _correct(uow, envelope, command, found,
                   lambda **state: adjustments.register_warehouse_adjustment(command.document_no, lines, **state))


async def register_physical_count(uow: UnitOfWork, command: wh.RegisterPhysicalCount, envelope: Envelope) -> None:
    counts = messages.physical_counts(command.lines)
    found = [(count.item_no, count.variant, c.tracking) for count in counts for c in count.counted]
    await _correct(uow, envelope, command, found,
                   lambda **state: adjustments.register_physical_count(command.document_no, counts, **state))


async def _correct(uow: UnitOfWork, envelope: Envelope,
                   command: wh.RegisterWarehouseAdjustment | wh.RegisterPhysicalCount, found: Sequence[FoundStock],
                   register: Callable[..., Outcome]) -> None:
    """W9: adjustments and counts both correct bins to reality; found stock obeys T2 and T3 like received stock."""
    conn = uow.conn
    at = await _stock(conn, command.location_code, {line.item_no for line in command.lines})
    await stock.refuse_registered(conn, DocumentType.ADJUSTMENT, command.document_no)
    expirations, _ = await stock.known_lots(conn, [(item_no, tracking.lot) for item_no, _, tracking in found])
    outcome = register(
        location=at.location, items=at.items, content=at.content, lot_expirations=expirations,
        serials_in_stock=await stock.serials_in_stock(
            conn, [(item_no, variant, tracking.serial) for item_no, variant, tracking in found if tracking.serial]))
    await _record(uow, envelope, at.location, outcome)


async def calculate_warehouse_adjustment(uow: UnitOfWork, command: wh.CalculateWarehouseAdjustment,
                                         envelope: Envelope) -> None:
    """W10. Without `item_nos`, the items holding a balance when the command starts; a balance that appears
    for another item meanwhile waits for the next calculation (or the item's next shipment, S4)."""
    conn = uow.conn
    item_nos = set(command.item_nos) or await stock.items_with_adjustment_balance(conn, command.location_code)
    at = await _stock(conn, command.location_code, item_nos)
    await stock.refuse_registered(conn, DocumentType.ADJUSTMENT_POSTING, command.document_no)
    outcome = adjustments.calculate_warehouse_adjustment(command.document_no, location=at.location,
                                                         content=at.content, today=today(), items=item_nos)
    await _record(uow, envelope, at.location, outcome)


async def report_bin_totals(uow: UnitOfWork, command: wh.ReportBinTotals, envelope: Envelope) -> None:
    """S7: one statement reads all totals, so the report is one consistent snapshot without locking anything."""
    conn = uow.conn
    require_location(command.location_code, await locations.location(conn, command.location_code))
    item_nos = list(dict.fromkeys(command.item_nos)) or await stock.items_with_entries(conn, command.location_code)
    totals = await stock.bin_totals(conn, command.location_code, item_nos)
    _send(uow, envelope, messages.bin_totals_reported(command.request_id, command.location_code, item_nos, totals))


# --- replicas of inventory facts -------------------------------------------------------------------
async def replicate_item_tracking(uow: UnitOfWork, fact: inv.ItemRegistered, envelope: Envelope) -> None:
    """Inventory owns items; the warehouse keeps the tracking policy it needs to validate lines (T1)."""
    await replicas.save_item_tracking(
        uow.conn, fact.item_no, fact.tracking_policy, fact.expiration_required, fact.strict_expiration
    )


async def replicate_demand_reservation(uow: UnitOfWork, fact: inv.DemandReservationChanged,
                                       envelope: Envelope) -> None:
    """I7: reservations of other demand win over picking."""
    await replicas.save_reservation(uow.conn, fact)


async def replicate_tracking_assignment(uow: UnitOfWork, fact: inv.TrackingAssigned, envelope: Envelope) -> None:
    """W5: serials/lots a demand asks for are picked first."""
    await replicas.save_assignment(uow.conn, fact)


async def replicate_tracking_block(uow: UnitOfWork, fact: inv.TrackingBlocked, envelope: Envelope) -> None:
    """T4: blocked serials/lots are neither picked nor moved."""
    await replicas.block(uow.conn, fact)


async def replicate_tracking_unblock(uow: UnitOfWork, fact: inv.TrackingUnblocked, envelope: Envelope) -> None:
    await replicas.unblock(uow.conn, fact)
