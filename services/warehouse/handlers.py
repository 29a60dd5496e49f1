"""Use cases of the warehouse-tracking service: one function per message type, on the domain's command.

Each runs inside the unit of work the consumer opened (inbox row already claimed): load the state the
domain needs (one value, repository/state.py), let the domain decide, store the outcome, queue the facts
in the outbox. Stock use cases lock the items they touch at the location before reading anything
(repository/locks.py). A refusal raised anywhere rolls back what the use case wrote and queued (the
consumer's savepoint).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import asyncpg

from servicekit.unit_of_work import UnitOfWork
from units_of_measure import IN_BASE, ItemUnits
from warehouse import messages
from warehouse.clock import today
from warehouse.domain import adjustments, inbound, internal, outbound
from warehouse.domain import commands as do
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.documents import Activity, Document, DocumentType, Receipt, Shipment, TrackedQuantity
from warehouse.domain.events import (
    ActivityOutcome,
    DomainEvent,
    Outcome,
    ReceiptPosted,
    ShipmentOutcome,
    ShipmentPosted,
    TransferRoute,
)
from warehouse.domain.inbound import ReceivedQuantity
from warehouse.domain.location import Location, configure_in_transit_location, require_location
from warehouse.domain.location import configure_location as configure
from warehouse.domain.picking import PickingState
from warehouse.domain.release import SourceRequest, release_inbound, release_outbound
from warehouse.domain.state import StockState
from warehouse.domain.tracking import Tracking
from warehouse.domain.transfers import (
    TransferReceipt,
    check_route,
    expected_receipt,
    is_transfer,
    receive_transfer,
    shipped_tracking,
    transfer_shipped,
)
from warehouse.messages import Envelope
from warehouse.repository import documents, locations, locks, replicas, stock, transfers
from warehouse.repository.state import Wanted, picking_state, stock_state


# --- shared steps ----------------------------------------------------------------------------------
async def _locked_stock(conn: asyncpg.Connection, location_code: str, item_nos: Iterable[str],
                        wanted: Wanted = Wanted()) -> StockState:
    """Lock the items at the location, then read them: nothing changes their content until we commit."""
    item_nos = set(item_nos)
    await locks.lock_stock(conn, location_code, item_nos)
    return await stock_state(conn, location_code, item_nos, today(), wanted)


async def _locked_picking(conn: asyncpg.Connection, location_code: str, item_nos: Iterable[str]) -> PickingState:
    item_nos = set(item_nos)
    await locks.lock_stock(conn, location_code, item_nos)
    return await picking_state(conn, location_code, item_nos, today())


def _items_handled(activity: Activity, line_nos: Iterable[int]) -> set[str]:
    return {activity.line(line_no).item_no for line_no in line_nos}


async def _record(uow: UnitOfWork, envelope: Envelope, location: Location, outcome: Outcome,
                  *changed: Document[Any]) -> None:
    """Store the outcome's entries and the changed documents, then queue its facts."""
    await stock.append(uow.conn, outcome.entries, location.adjustment_bin)
    for document in changed:
        await documents.update(uow.conn, document)
    messages.publish(uow, envelope, outcome.events)


# --- locations -------------------------------------------------------------------------------------
async def configure_location(uow: UnitOfWork, command: do.ConfigureLocation, envelope: Envelope) -> None:
    await locks.lock_location(uow.conn, command.location_code)
    current, bins_with_content = await locations.current_layout(uow.conn, command.location_code)
    if command.in_transit:  # X1
        outcome = configure_in_transit_location(command.location_code, command.zones, command.bins, (
            command.receive_bin, command.ship_bin, command.adjustment_bin), current)
    else:
        outcome = configure(
            command.location_code, zones=command.zones, bins=command.bins, receive_bin=command.receive_bin,
            ship_bin=command.ship_bin, adjustment_bin=command.adjustment_bin, pick_by_fefo=command.pick_by_fefo,
            current=current, bins_with_content=bins_with_content, zone_descriptions=command.zone_descriptions)
    await locations.save_location(uow.conn, outcome.location, command.zone_descriptions)
    messages.publish(uow, envelope, outcome.events)


# --- inbound (W2) ----------------------------------------------------------------------------------
async def _released_state(conn: asyncpg.Connection, location_code: str,
                          requests: Iterable[SourceRequest]) -> StockState:
    """Releasing touches no stock: the location and the items' tracking, without locks."""
    return await stock_state(conn, location_code, {r.item_no for r in requests}, today(), Wanted(content=False))


async def release_inbound_request(uow: UnitOfWork, command: do.ReleaseInboundRequest, envelope: Envelope) -> None:
    at = await _released_state(uow.conn, command.location_code, command.requests)
    outcome = release_inbound(command.receipt_no, _requests_in_base(at, command.requests), at, command.vendor_no)
    await documents.add(uow.conn, outcome.receipt)
    messages.publish(uow, envelope, outcome.events)


def _requests_in_base(at: StockState, requests: Iterable[SourceRequest]) -> list[SourceRequest]:
    return [at.in_base(r.item_no, r, handles_serials=False) for r in requests]


async def post_receipt(uow: UnitOfWork, command: do.PostReceipt, envelope: Envelope) -> None:
    """The put-away is numbered `<receipt_no>-PA<n>` for the receipt's n-th posting unless the sender names it."""
    conn = uow.conn
    receipt = await documents.receipt(conn, command.receipt_no)
    transfer = await _transfer_receipt(conn, receipt, command.received)
    received = transfer.received if transfer else command.received
    lines = [(receipt.line(r.line_no), r.tracking) for r in received]
    at = await _locked_stock(conn, receipt.location_code, {line.item_no for line, _ in lines}, Wanted(
        serials=[(line.item_no, line.variant, tracking.serial) for line, tracking in lines],
        lots=[(line.item_no, tracking.lot) for line, tracking in lines]))
    if transfer:  # T2, X4: a serial in transit is in stock, except to the receipt that takes it out of transit
        at = replace(at, serials_in_stock=at.serials_in_stock - transfer.serials)
    posting = await documents.count_posting(conn, DocumentType.RECEIPT, receipt.no)
    in_base = [at.in_base(line.item_no, r, r.tracking.serial) for (line, _), r in zip(lines, received, strict=True)]
    outcome = inbound.post_receipt(receipt, in_base, command.put_away_no or f"{receipt.no}-PA{posting}", at)
    if transfer:
        await transfers.save_received(conn, transfer.route.transfer_no, transfer.changed)
        outcome = replace(outcome, events=tuple(replace(e, transfer=transfer.route) if isinstance(e, ReceiptPosted)
                                                else e for e in outcome.events))
    await documents.add(conn, outcome.put_away)
    await _record(uow, envelope, at.location, outcome, outcome.receipt)


async def register_put_away(uow: UnitOfWork, command: do.RegisterPutAway, envelope: Envelope) -> None:
    await _register_placements(uow, envelope, DocumentType.PUT_AWAY, command.put_away_no, command,
                               inbound.register_put_away)


async def _register_placements(uow: UnitOfWork, envelope: Envelope, activity_type: DocumentType, activity_no: str,
                               command: do.RegisterPutAway | do.RegisterMovement,
                               register: Callable[[Activity, Sequence[PlaceHandling], StockState], ActivityOutcome],
                               ) -> None:
    """Put-aways and movements register alike: a quantity per line, optionally into another bin (W2, W7, W11)."""
    activity = await documents.activity(uow.conn, activity_type, activity_no)
    items = _items_handled(activity, (h.line_no for h in command.handled))
    at = await _locked_stock(uow.conn, activity.location_code, items)
    outcome = register(activity, [at.in_base(activity.line(h.line_no).item_no, h) for h in command.handled], at)
    await _record(uow, envelope, at.location, outcome, outcome.activity)


# --- outbound (W4-W6) ------------------------------------------------------------------------------
async def release_outbound_request(uow: UnitOfWork, command: do.ReleaseOutboundRequest, envelope: Envelope) -> None:
    at = await _released_state(uow.conn, command.location_code, command.requests)
    outcome = release_outbound(command.shipment_no, _requests_in_base(at, command.requests), at, command.customer_no)
    await documents.add(uow.conn, outcome.shipment)
    messages.publish(uow, envelope, outcome.events)


async def create_pick(uow: UnitOfWork, command: do.CreatePick, envelope: Envelope) -> None:
    shipment = await documents.shipment(uow.conn, command.shipment_no)
    state = await _locked_picking(uow.conn, shipment.location_code, {line.item_no for line in shipment.lines})
    outcome = outbound.create_pick(shipment, command.pick_no, state)
    await documents.add(uow.conn, outcome.pick)
    await _record(uow, envelope, state.location, outcome, outcome.shipment)


async def register_pick(uow: UnitOfWork, command: do.RegisterPick, envelope: Envelope) -> None:
    pick = await documents.activity(uow.conn, DocumentType.PICK, command.pick_no)
    shipment = await documents.shipment(uow.conn, pick.document_no or "")
    items = _items_handled(pick, (h.line_no for h in command.handled))
    state = await _locked_picking(uow.conn, pick.location_code, items)
    handled = [state.in_base(pick.line(h.line_no).item_no, h, pick.line(h.line_no).tracking.serial)
               for h in command.handled]
    outcome = outbound.register_pick(pick, shipment, handled, state)
    await _record(uow, envelope, state.location, outcome, outcome.pick, outcome.shipment)


async def cancel_pick(uow: UnitOfWork, command: do.CancelPick, envelope: Envelope) -> None:
    """Releasing allocation can over-allocate nothing, so no stock lock: the document rows serialize it."""
    pick = await documents.activity(uow.conn, DocumentType.PICK, command.pick_no)
    shipment = await documents.shipment(uow.conn, pick.document_no or "")
    outcome = outbound.cancel_pick(pick, shipment, command.line_nos or None)
    for document in (outcome.pick, outcome.shipment):
        await documents.update(uow.conn, document)
    messages.publish(uow, envelope, outcome.events)


async def post_shipment(uow: UnitOfWork, command: do.PostShipment, envelope: Envelope) -> None:
    """S4 needs a document number for the adjustment posted ahead: `<shipment_no>-ADJ<n>` for the n-th posting."""
    shipment = await documents.shipment(uow.conn, command.shipment_no)
    at = await _locked_stock(uow.conn, shipment.location_code, {line.item_no for line in shipment.lines})
    posting = await documents.count_posting(uow.conn, DocumentType.SHIPMENT, shipment.no)
    outcome = outbound.post_shipment(shipment, f"{shipment.no}-ADJ{posting}", at, _shipped_in_base(at, shipment,
                                                                                                 command))
    route = await transfers.route(uow.conn, shipment.no) if is_transfer(shipment) else None
    if route:
        outcome = await _ship_transfer(uow.conn, route, outcome)
    await _record(uow, envelope, at.location, outcome, outcome.shipment)
    # I7 until the inventory confirms: what this shipment consumes of its demands' reservations.
    await replicas.expect_consumption(uow.conn, outcome.events, messages.shipment_fact_ids(uow))


def _shipped_in_base(at: StockState, shipment: Shipment, command: do.PostShipment) -> dict[int, Decimal] | None:
    """U2: the quantities to ship per line in base units."""
    if command.quantities is None:
        return None
    return {line_no: at.in_base(shipment.line(line_no).item_no,
                                TrackedQuantity(Tracking(), quantity, command.units.get(line_no, IN_BASE)),
                                handles_serials=False).quantity
            for line_no, quantity in command.quantities.items()}


# --- transfers between locations (X1-X6) -------------------------------------------------------------
async def release_transfer_order(uow: UnitOfWork, command: do.ReleaseTransferOrder, envelope: Envelope) -> None:
    """X1: the source's shipment now; the destination's receipt when the first shipment posting sends stock."""
    conn, route = uow.conn, command.route
    at = await _released_state(conn, route.from_location, command.requests)
    check_route(route, at.location, await locations.location(conn, route.in_transit_location),
                await locations.location(conn, route.to_location))
    outcome = release_outbound(route.transfer_no, command.requests, at)
    await transfers.add(conn, route)
    await documents.add(conn, outcome.shipment)
    messages.publish(uow, envelope, outcome.events)


async def _ship_transfer(conn: asyncpg.Connection, route: TransferRoute, outcome: ShipmentOutcome) -> ShipmentOutcome:
    """X1, X3: the shipment's facts name the transfer (inventory posts transfer entries into transit); the
    destination's receipt is created by the first posting and expects exactly what each posting sent."""
    shipped = shipped_tracking(line for e in outcome.events if isinstance(e, ShipmentPosted) for line in e.lines)
    receipt_events: tuple[DomainEvent, ...] = ()
    if not await transfers.receipt_created(conn, route.transfer_no):
        items = {line.item_no for line in outcome.shipment.lines}
        destination = await stock_state(conn, route.to_location, items, today(), Wanted(content=False))
        receipt = expected_receipt(route, outcome.shipment, destination)
        await documents.add(conn, receipt.receipt)
        receipt_events = receipt.events
    await transfers.add_shipped(conn, route.transfer_no, shipped)
    events = tuple(replace(e, transfer=route) if isinstance(e, ShipmentPosted) else e for e in outcome.events)
    return replace(outcome, events=(*events, *receipt_events, transfer_shipped(route, today(), shipped)))


async def _transfer_receipt(conn: asyncpg.Connection, receipt: Receipt,
                            received: Sequence[ReceivedQuantity]) -> TransferReceipt | None:
    """X3: a transfer's receipt takes exactly what its shipments sent and is still in transit."""
    route = await transfers.route(conn, receipt.no) if is_transfer(receipt) else None
    if route is None:
        return None
    expected = await transfers.expected(conn, receipt.no, ((r.line_no, r.tracking.serial, r.tracking.lot)
                                                           for r in received))
    return receive_transfer(route, receipt, received, expected)


# --- internal (W7, W8) -----------------------------------------------------------------------------
async def create_movement(uow: UnitOfWork, command: do.CreateMovement, envelope: Envelope) -> None:
    """An open movement sets stock aside inside the warehouse (W7); `MovementCreated` tells the sender so."""
    at = await _locked_stock(uow.conn, command.location_code, {r.item_no for r in command.requests},
                             Wanted(on_activities=True, blocked=True))
    requests = [at.in_base(r.item_no, r, r.serial) for r in command.requests]
    outcome = internal.create_movement(command.movement_no, requests, at)
    await documents.add(uow.conn, outcome.activity)
    messages.publish(uow, envelope, outcome.events)


async def register_movement(uow: UnitOfWork, command: do.RegisterMovement, envelope: Envelope) -> None:
    await _register_placements(uow, envelope, DocumentType.MOVEMENT, command.movement_no, command,
                               internal.register_movement)


async def register_reclassification(uow: UnitOfWork, command: do.RegisterReclassification,
                                    envelope: Envelope) -> None:
    lines = command.lines
    at = await _locked_stock(uow.conn, command.location_code, {line.item_no for line in lines}, Wanted(
        on_activities=True, blocked=True,
        serials=[(line.item_no, line.variant, line.new_serial) for line in lines if line.new_serial],
        lots=[(line.item_no, lot) for line in lines for lot in (line.lot, line.new_lot or "")]))
    await stock.refuse_registered(uow.conn, DocumentType.RECLASSIFICATION, command.document_no)
    in_base = [at.in_base(line.item_no, line, line.serial) for line in lines]
    outcome = internal.register_reclassification(command.document_no, in_base, at)
    await _record(uow, envelope, at.location, outcome)


# --- adjustments (W9, W10) -------------------------------------------------------------------------
async def register_warehouse_adjustment(uow: UnitOfWork, command: do.RegisterWarehouseAdjustment,
                                        envelope: Envelope) -> None:
    """W9: found stock (a positive line) obeys T2 and T3 like received stock."""
    found = [(line.item_no, line.variant, line.tracking) for line in command.lines if line.quantity > 0]
    at = await _correcting(uow.conn, command.location_code, {line.item_no for line in command.lines},
                           command.document_no, found)
    lines = [at.in_base(line.item_no, line, line.tracking.serial) for line in command.lines]
    outcome = adjustments.register_warehouse_adjustment(command.document_no, lines, at)
    await _record(uow, envelope, at.location, outcome)


async def register_physical_count(uow: UnitOfWork, command: do.RegisterPhysicalCount, envelope: Envelope) -> None:
    """W9: whatever a count lists may be found stock."""
    found = [(count.item_no, count.variant, c.tracking) for count in command.counts for c in count.counted]
    at = await _correcting(uow.conn, command.location_code, {count.item_no for count in command.counts},
                           command.document_no, found)
    counts = [replace(count, counted=tuple(at.in_base(count.item_no, c, c.tracking.serial) for c in count.counted))
              for count in command.counts]
    outcome = adjustments.register_physical_count(command.document_no, counts, at)
    await _record(uow, envelope, at.location, outcome)


async def _correcting(conn: asyncpg.Connection, location_code: str, item_nos: set[str], document_no: str,
                      found: Iterable[tuple[str, str, Tracking]]) -> StockState:
    """Adjustments and counts both correct bins to reality, once per journal number; `found` is (item no,
    variant, tracking) of the stock they may bring into the warehouse."""
    found = list(found)
    at = await _locked_stock(conn, location_code, item_nos, Wanted(
        serials=[(item_no, variant, tracking.serial) for item_no, variant, tracking in found],
        lots=[(item_no, tracking.lot) for item_no, _, tracking in found]))
    await stock.refuse_registered(conn, DocumentType.ADJUSTMENT, document_no)
    return at


async def calculate_warehouse_adjustment(uow: UnitOfWork, command: do.CalculateWarehouseAdjustment,
                                         envelope: Envelope) -> None:
    """W10. Without `item_nos`, the items holding a balance when the command starts; a balance that appears
    for another item meanwhile waits for the next calculation (or the item's next shipment, S4)."""
    conn = uow.conn
    item_nos = set(command.item_nos) or await stock.items_with_adjustment_balance(conn, command.location_code)
    at = await _locked_stock(conn, command.location_code, item_nos)
    await stock.refuse_registered(conn, DocumentType.ADJUSTMENT_POSTING, command.document_no)
    outcome = adjustments.calculate_warehouse_adjustment(command.document_no, at, items=item_nos)
    await _record(uow, envelope, at.location, outcome)


async def report_bin_totals(uow: UnitOfWork, command: do.ReportBinTotals, envelope: Envelope) -> None:
    """S7: one statement reads all totals, so the report is one consistent snapshot without locking anything."""
    conn = uow.conn
    location = require_location(command.location_code, await locations.location(conn, command.location_code))
    if location.in_transit:  # X6: in transit is what was shipped through it and not yet received
        totals = await transfers.in_transit_totals(conn, location.code, command.item_nos)
        item_nos = list(command.item_nos or dict.fromkeys(total.item_no for total in totals))
    else:
        item_nos = list(command.item_nos or await stock.items_with_entries(conn, command.location_code))
        totals = await stock.bin_totals(conn, command.location_code, item_nos)
    messages.publish(uow, envelope, [adjustments.report_bin_totals(command.request_id, location, item_nos, totals)])


# --- replicas of inventory facts -------------------------------------------------------------------
async def replicate_item(uow: UnitOfWork, item: do.RegisteredItem, envelope: Envelope) -> None:
    """Inventory owns items; the warehouse keeps the tracking policy it needs to validate lines (T1) and the
    units commands may state quantities in (U1)."""
    await replicas.save_item_tracking(uow.conn, item.tracking)
    await replicas.save_item_units(uow.conn, item.units)


async def replicate_item_units(uow: UnitOfWork, units: ItemUnits, envelope: Envelope) -> None:
    """U1: the units commands may state quantities in (ItemRegistered, ItemUnitsSet)."""
    await replicas.save_item_units(uow.conn, units)


async def replicate_demand_reservation(uow: UnitOfWork, reserved: do.DemandQuantity, envelope: Envelope) -> None:
    """I7: reservations of other demand win over picking. A change the inventory made for one of our shipment
    facts confirms what that shipment consumed of the demand."""
    await replicas.save_reservation(uow.conn, reserved)
    await replicas.confirm_consumption(uow.conn, reserved, envelope.causation_id)


async def replicate_tracking_assignment(uow: UnitOfWork, assigned: do.DemandQuantity, envelope: Envelope) -> None:
    """W5: serials/lots a demand asks for are picked first."""
    await replicas.save_assignment(uow.conn, assigned)


async def replicate_tracking_block(uow: UnitOfWork, blocked: do.TrackingBlocked, envelope: Envelope) -> None:
    """T4: blocked serials/lots are neither picked nor moved."""
    await replicas.block(uow.conn, blocked)


async def replicate_tracking_unblock(uow: UnitOfWork, unblocked: do.TrackingUnblocked, envelope: Envelope) -> None:
    await replicas.unblock(uow.conn, unblocked)


async def replicate_tracking_information(uow: UnitOfWork, changed: do.TrackingInformationChanged,
                                         envelope: Envelope) -> None:
    """Q1, Q3: quarantined and rejected serials/lots are neither picked nor moved; released ones are again."""
    await replicas.save_tracking_information(uow.conn, changed)
