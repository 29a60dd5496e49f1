"""Translation between contract models (the wire) and the warehouse domain: the only module knowing both.

Commands and inventory facts come in as contract models and leave as the domain's commands
(`warehouse.domain.commands`); domain events leave as contract facts, queued by `publish`.
A value outside a contract field's documented set is a refusal, raised while translating.
Handlers take the message's `Envelope` (its CloudEvents headers) from here too, to pass it back to `publish`.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import fields
from functools import singledispatch
from typing import Any

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message, Part, in_parts
from contracts.envelope import Envelope as Envelope  # re-exported: handlers pass it back to `publish`
from contracts.topics import WAREHOUSE_EVENTS
from servicekit.unit_of_work import UnitOfWork
from units_of_measure import ItemUnits, StatedUnit, Unit
from warehouse.domain import commands as do
from warehouse.domain import events as ev
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.adjustments import AdjustmentLine, PhysicalCount
from warehouse.domain.documents import SourceLine, TrackedQuantity
from warehouse.domain.errors import WarehouseError
from warehouse.domain.inbound import ReceivedQuantity
from warehouse.domain.internal import MovementRequest, ReclassificationLine
from warehouse.domain.location import Bin, BlockMovement, LocationConfigured, bin_type, bin_type_names
from warehouse.domain.outbound import PickHandling
from warehouse.domain.release import SourceRequest
from warehouse.domain.tracking import ItemTracking, Tracking, TrackingPolicy
from warehouse.domain.transfers import TRANSFER_ORDER, ShippedTracking, TransferShipped

SOURCE = "/warehouse"


class InvalidValueError(WarehouseError):
    """A contract field holds a value outside its documented set: refused, not dead-lettered."""

    reason_code = "invalid_value"


def publish(uow: UnitOfWork, envelope: Envelope, events: Iterable[ev.DomainEvent]) -> None:
    """Queue the events' facts in the outbox, each caused by the message being handled, on its own key."""
    for fact in facts(events):
        uow.outbox.publish(WAREHOUSE_EVENTS, fact, envelope.caused(fact.TYPE, SOURCE, subject=fact.kafka_key()))


def shipment_fact_ids(uow: UnitOfWork) -> dict[str, list[str]]:
    """Per item, the ids of the `ShipmentPosted` facts (all parts) this unit of work has queued: the inventory's
    answers name them as their cause."""
    ids: dict[str, list[str]] = {}
    for record in uow.outbox.pending:
        headers = dict(record.headers)
        if headers.get("ce_type") == wh.ShipmentPosted.TYPE.encode():
            ids.setdefault(json.loads(record.value)["item_no"], []).append(headers["ce_id"].decode())
    return ids


# --- commands into the domain's commands -------------------------------------------------------------
def configure_location(command: wh.ConfigureLocation) -> do.ConfigureLocation:
    return do.ConfigureLocation(
        command.location_code, tuple(z.code for z in command.zones), tuple(_bin(b) for b in command.bins),
        command.receive_bin, command.ship_bin, command.adjustment_bin, command.pick_by_fefo,
        zone_descriptions={z.code: z.description for z in command.zones}, in_transit=_in_transit(command.kind))


def _in_transit(kind: str) -> bool:
    if kind not in wh.LOCATION_KINDS:
        raise InvalidValueError(f"kind {kind!r} is unknown: use {' or '.join(wh.LOCATION_KINDS)}.")
    return kind == "in_transit"


def _bin(b: wh.Bin) -> Bin:
    return Bin(b.code, b.zone, bin_type(b.types), b.ranking, _block_movement(b.block_movement), b.dedicated)


def _block_movement(value: str) -> BlockMovement:
    try:
        return BlockMovement(value)
    except ValueError:
        raise InvalidValueError(f"block_movement {value!r} is unknown: use none, inbound, outbound or all.") from None


def release_inbound_request(command: wh.ReleaseInboundRequest) -> do.ReleaseInboundRequest:
    return do.ReleaseInboundRequest(command.receipt_no, command.location_code, _source_requests(command),
                                    command.vendor_no)


def release_outbound_request(command: wh.ReleaseOutboundRequest) -> do.ReleaseOutboundRequest:
    return do.ReleaseOutboundRequest(command.shipment_no, command.location_code, _source_requests(command),
                                     command.customer_no)


def _source_requests(command: wh.ReleaseInboundRequest | wh.ReleaseOutboundRequest) -> tuple[SourceRequest, ...]:
    return tuple(SourceRequest(SourceLine(command.source_type, command.source_no, line.source_line_no), line.item_no,
                               line.quantity, line.variant, line.bin_code, _stated(line)) for line in command.lines)


def _stated(line: Any) -> StatedUnit:
    """U2: the unit a command line names (blank: the base unit). The use case converts the line's quantity to
    base units and fills in the unit's quantity per base unit (`StockState.in_base`)."""
    return StatedUnit(line.unit)


def release_transfer_order(command: wh.ReleaseTransferOrder) -> do.ReleaseTransferOrder:
    """X1: each transfer line becomes a shipment line whose demand is the transfer order line."""
    route = ev.TransferRoute(command.transfer_no, command.from_location, command.in_transit_location,
                             command.to_location)
    return do.ReleaseTransferOrder(route, tuple(
        SourceRequest(SourceLine(TRANSFER_ORDER, command.transfer_no, line.line_no), line.item_no, line.quantity,
                      line.variant) for line in command.lines))


def _tracking(fields_: wh.TrackedFields) -> Tracking:
    return Tracking(fields_.serial, fields_.lot, fields_.expiration)


def post_receipt(command: wh.PostReceipt) -> do.PostReceipt:
    return do.PostReceipt(command.receipt_no, tuple(ReceivedQuantity(line.line_no, line.quantity, _tracking(line),
                                                                     _stated(line))
                                                    for line in command.lines), command.put_away_no)


def register_put_away(command: wh.RegisterPutAway) -> do.RegisterPutAway:
    return do.RegisterPutAway(command.put_away_no, _place_handlings(command.lines))


def register_movement(command: wh.RegisterMovement) -> do.RegisterMovement:
    return do.RegisterMovement(command.movement_no, _place_handlings(command.lines))


def _place_handlings(lines: Sequence[wh.HandledLine]) -> tuple[PlaceHandling, ...]:
    return tuple(PlaceHandling(line.line_no, line.quantity, line.place_bin or None, _stated(line)) for line in lines)


def create_pick(command: wh.CreatePick) -> do.CreatePick:
    return do.CreatePick(command.shipment_no, command.pick_no)


def register_pick(command: wh.RegisterPick) -> do.RegisterPick:
    return do.RegisterPick(command.pick_no, tuple(PickHandling(line.line_no, line.quantity, line.serial, line.lot,
                                                               _stated(line))
                                                  for line in command.lines))


def cancel_pick(command: wh.CancelPick) -> do.CancelPick:
    return do.CancelPick(command.pick_no, frozenset(command.line_nos))


def post_shipment(command: wh.PostShipment) -> do.PostShipment:
    return do.PostShipment(command.shipment_no, {line.line_no: line.quantity for line in command.lines} or None,
                           {line.line_no: _stated(line) for line in command.lines if line.unit})


def create_movement(command: wh.CreateMovement) -> do.CreateMovement:
    """The stock to move is named by bin and serial/lot; its expiration date comes from the stock (T3)."""
    return do.CreateMovement(command.movement_no, command.location_code, tuple(
        MovementRequest(line.item_no, line.quantity, line.from_bin, line.to_bin, line.variant, line.serial, line.lot,
                        _stated(line))
        for line in command.lines))


def register_reclassification(command: wh.RegisterReclassification) -> do.RegisterReclassification:
    """Blank `to_bin`/`new_*` fields keep the current value."""
    return do.RegisterReclassification(command.document_no, command.location_code, tuple(
        ReclassificationLine(line.from_bin, line.item_no, line.quantity, line.variant, line.serial, line.lot,
                             new_bin=line.to_bin or None, new_serial=line.new_serial or None,
                             new_lot=line.new_lot or None, new_expiration=line.new_expiration,
                             stated=_stated(line))
        for line in command.lines))


def register_warehouse_adjustment(command: wh.RegisterWarehouseAdjustment) -> do.RegisterWarehouseAdjustment:
    return do.RegisterWarehouseAdjustment(command.document_no, command.location_code, tuple(
        AdjustmentLine(line.bin_code, line.item_no, line.quantity, line.variant, _tracking(line), _stated(line))
        for line in command.lines))


def register_physical_count(command: wh.RegisterPhysicalCount) -> do.RegisterPhysicalCount:
    """One count per bin and item (+ variant): what the lines list of it is everything found there (W9)."""
    counted: dict[tuple[str, str, str], list[TrackedQuantity]] = {}
    for line in command.lines:
        counted.setdefault((line.bin_code, line.item_no, line.variant), []).append(
            TrackedQuantity(_tracking(line), line.counted_quantity, _stated(line)))
    return do.RegisterPhysicalCount(command.document_no, command.location_code, tuple(
        PhysicalCount(bin_code, item_no, tuple(found), variant)
        for (bin_code, item_no, variant), found in counted.items()))


def calculate_warehouse_adjustment(command: wh.CalculateWarehouseAdjustment) -> do.CalculateWarehouseAdjustment:
    return do.CalculateWarehouseAdjustment(command.document_no, command.location_code, frozenset(command.item_nos))


def report_bin_totals(command: wh.ReportBinTotals) -> do.ReportBinTotals:
    return do.ReportBinTotals(command.request_id, command.location_code, tuple(dict.fromkeys(command.item_nos)))


# --- inventory facts into the domain's values ----------------------------------------------------------
def registered_item(fact: inv.ItemRegistered) -> do.RegisteredItem:
    return do.RegisteredItem(item_tracking(fact), item_units(fact))


def item_tracking(fact: inv.ItemRegistered) -> ItemTracking:
    return ItemTracking(fact.item_no, TrackingPolicy(fact.tracking_policy), fact.expiration_required,
                        fact.strict_expiration)


def item_units(fact: inv.ItemRegistered | inv.ItemUnitsSet) -> ItemUnits:
    """U1: the item's units as the inventory published them."""
    return ItemUnits(fact.item_no, fact.base_unit, fact.rounding_precision, {
        u.code: Unit(u.code, u.quantity_per_base_unit, u.rounding_precision or fact.rounding_precision)
        for u in fact.units})


def demand_reservation(fact: inv.DemandReservationChanged) -> do.DemandQuantity:
    return _demand_quantity(fact, fact.reserved)


def tracking_assignment(fact: inv.TrackingAssigned) -> do.DemandQuantity:
    return _demand_quantity(fact, fact.quantity)


def _demand_quantity(fact: inv.DemandReservationChanged | inv.TrackingAssigned, quantity: Any) -> do.DemandQuantity:
    return do.DemandQuantity(fact.location_code, fact.item_no, fact.variant,
                             SourceLine(fact.source_type, fact.source_no, fact.source_line_no), fact.serial, fact.lot,
                             quantity)


def tracking_block(fact: inv.TrackingBlocked) -> do.TrackingBlocked:
    return do.TrackingBlocked(fact.item_no, fact.serial, fact.lot, fact.reason)


def tracking_unblock(fact: inv.TrackingUnblocked) -> do.TrackingUnblocked:
    return do.TrackingUnblocked(fact.item_no, fact.serial, fact.lot)


def tracking_information(fact: inv.TrackingInformationChanged) -> do.TrackingInformationChanged:
    return do.TrackingInformationChanged(fact.item_no, fact.variant, fact.serial, fact.lot, fact.quality_status,
                                         fact.certificate_no, fact.comment)


# --- domain events into facts ------------------------------------------------------------------------
_PER_ITEM_FACTS: dict[type[ev.DomainEvent], type[Message]] = {
    ev.ReceiptPosted: wh.ReceiptPosted,
    ev.PutAwayRegistered: wh.PutAwayRegistered,
    ev.PickCreated: wh.PickCreated,
    ev.PickRegistered: wh.PickRegistered,
    ev.PickCancelled: wh.PickCancelled,
    ev.ShipmentPosted: wh.ShipmentPosted,
    ev.MovementCreated: wh.MovementCreated,
    ev.MovementRegistered: wh.MovementRegistered,
    ev.ReclassificationRegistered: wh.ReclassificationRegistered,
    ev.WarehouseAdjustmentRegistered: wh.WarehouseAdjustmentRegistered,
    ev.WarehouseAdjustmentPosted: wh.WarehouseAdjustmentPosted,
}


def facts(events: Iterable[ev.DomainEvent]) -> list[Message]:
    """The contract messages of the events, in order. A stock fact about several items becomes one message per
    item, in the order the items first appear, so each travels on its item's key (architecture.md, Ordering).
    A fact with lines is cut into parts of at most LINES_PER_PART lines, each repeating the other fields (Z2)."""
    return [fact for event in events for fact in _facts(event)]


def _facts(event: ev.DomainEvent) -> list[Message]:
    if isinstance(event, (ev.ReceiptReleased, ev.ShipmentReleased)):
        return _released(event)
    if isinstance(event, LocationConfigured):
        return [_location_configured(event)]
    if isinstance(event, ev.BinTotalsReported):
        return list(_bin_totals_reported(event))
    if isinstance(event, TransferShipped):
        return _transfer_shipped(event)
    return _per_item(event)


def _per_item(event: Any) -> list[Message]:
    """Document events are dataclasses whose header fields match their facts' and whose lines name items."""
    contract = _PER_ITEM_FACTS[type(event)]
    header = {f.name: getattr(event, f.name) for f in fields(event) if f.name not in ("lines", "covered_items")}
    if header.get("transfer"):
        header["transfer"] = wh.TransferRoute(**vars(header["transfer"]))
    if "item_no" in header:
        return _parts(contract, header, event.lines)
    # Items a document covers without lines (a count that found no difference) still get their fact.
    per_item: dict[str, list[Any]] = {item_no: [] for item_no in getattr(event, "covered_items", ())}
    for line in event.lines:
        per_item.setdefault(line.item_no, []).append(line)
    return [fact for item_no, lines in per_item.items() for fact in _parts(contract, {**header, "item_no": item_no},
                                                                            lines)]


def _parts(contract: type[Message], header: dict[str, Any], lines: Sequence[Any]) -> list[Message]:
    """Z2: one fact per part of the lines, each with the whole header."""
    return [contract(**header, lines=tuple(_line(line) for line in cut), part=part, parts=parts)
            for part, parts, cut in in_parts(lines)]


def _location_configured(event: LocationConfigured) -> wh.LocationConfigured:
    location = event.location
    return wh.LocationConfigured(
        location_code=location.code,
        zones=tuple(wh.Zone(code=z, description=event.zone_descriptions.get(z, "")) for z in sorted(location.zones)),
        bins=tuple(wh.Bin(code=b.code, zone=b.zone, types=bin_type_names(b.type), ranking=b.ranking,
                          block_movement=b.block_movement.value, dedicated=b.dedicated)
                   for b in location.bins.values()),
        receive_bin=location.receive_bin,
        ship_bin=location.ship_bin,
        adjustment_bin=location.adjustment_bin,
        pick_by_fefo=location.pick_by_fefo,
        kind="in_transit" if location.in_transit else "warehouse",
    )


def _released(event: ev.ReceiptReleased | ev.ShipmentReleased) -> list[Message]:
    """A released request is one document for the warehouse: one fact (in parts, Z2), keyed by its number."""
    source = event.lines[0].source
    header: dict[str, Any] = {"location_code": event.location_code, "source_type": source.source_type,
                              "source_no": source.source_no}
    if isinstance(event, ev.ReceiptReleased):
        return _parts(wh.ReceiptReleased, {**header, "receipt_no": event.receipt_no, "vendor_no": event.vendor_no},
                      event.lines)
    return _parts(wh.ShipmentReleased, {**header, "shipment_no": event.shipment_no,
                                        "customer_no": event.customer_no}, event.lines)


def _tracked(tracking: Tracking) -> dict[str, Any]:
    return {"serial": tracking.serial, "lot": tracking.lot, "expiration": tracking.expiration}


def _stated_fields(stated: StatedUnit) -> dict[str, Any]:
    return {"unit_code": stated.code, "quantity_per_unit": stated.per_base}


def _source(source: SourceLine | None) -> dict[str, Any]:
    if source is None:
        return {}
    return {"source_type": source.source_type, "source_no": source.source_no, "source_line_no": source.line_no}


@singledispatch
def _line(line: object) -> Part:
    raise TypeError(f"no fact line for {type(line).__name__}")


@_line.register
def _(line: ev.ReleasedLine) -> wh.ReleasedLineFact:
    return wh.ReleasedLineFact(line_no=line.line_no, source_line_no=line.source.line_no, item_no=line.item_no,
                               variant=line.variant, quantity=line.quantity, bin_code=line.bin_code,
                               **_stated_fields(line.stated))


@_line.register
def _(line: ev.PostedLine) -> wh.PostedLineFact:
    return wh.PostedLineFact(document_line_no=line.document_line_no, **_source(line.source), variant=line.variant,
                             bin_code=line.bin_code, **_tracked(line.tracking), quantity=line.quantity,
                             **_stated_fields(line.stated))


@_line.register
def _(line: ev.AllocatedLine) -> wh.AllocatedLineFact:
    return wh.AllocatedLineFact(line_no=line.line_no, **_source(line.source), variant=line.variant,
                                take_bin=line.take_bin, **_tracked(line.tracking), quantity=line.quantity)


@_line.register
def _(line: ev.RegisteredLine) -> wh.RegisteredLineFact:
    return wh.RegisteredLineFact(line_no=line.line_no, **_source(line.source), variant=line.variant,
                                 take_bin=line.take_bin, place_bin=line.place_bin,
                                 proposed_serial=line.proposed_tracking.serial, proposed_lot=line.proposed_tracking.lot,
                                 **_tracked(line.tracking), quantity=line.quantity, **_stated_fields(line.stated))


@_line.register
def _(line: ev.PlannedLine) -> wh.PlannedLineFact:
    return wh.PlannedLineFact(line_no=line.line_no, variant=line.variant, take_bin=line.take_bin,
                              place_bin=line.place_bin, **_tracked(line.tracking), quantity=line.quantity)


@_line.register
def _(line: ev.ReclassifiedLine) -> wh.ReclassifiedLineFact:
    before, after = line.from_tracking, line.to_tracking
    return wh.ReclassifiedLineFact(line_no=line.line_no, variant=line.variant, from_bin=line.from_bin,
                                   to_bin=line.to_bin, from_serial=before.serial, from_lot=before.lot,
                                   from_expiration=before.expiration, to_serial=after.serial, to_lot=after.lot,
                                   to_expiration=after.expiration, quantity=line.quantity)


@_line.register
def _(line: ev.AdjustedLine) -> wh.AdjustedLineFact:
    return wh.AdjustedLineFact(line_no=line.line_no, variant=line.variant, bin_code=line.bin_code,
                               **_tracked(line.tracking), quantity=line.quantity)


@_line.register
def _(line: ev.AdjustmentPostingLine) -> wh.AdjustmentPostingLineFact:
    return wh.AdjustmentPostingLineFact(variant=line.variant, **_tracked(line.tracking), quantity=line.quantity)


def _bin_totals_reported(event: ev.BinTotalsReported) -> Iterable[wh.BinTotalsReported]:
    """S7: one fact per item (even one the warehouse holds none of), in order with the item's other facts."""
    lines: dict[str, list[wh.BinTotalLine]] = {item_no: [] for item_no in event.item_nos}
    for total in event.totals:
        lines[total.item_no].append(wh.BinTotalLine(variant=total.variant, serial=total.serial, lot=total.lot,
                                                    real_bins=total.real_bins, adjustment_bin=total.adjustment_bin))
    return [wh.BinTotalsReported(request_id=event.request_id, location_code=event.location_code, item_no=item_no,
                                 items_in_report=len(event.item_nos), lines=tuple(item_lines))
            for item_no, item_lines in lines.items()]


# --- transfers between locations (X1-X6) ---------------------------------------------------------------
def _transfer_shipped(event: TransferShipped) -> list[Message]:
    """X3: the receipt's predefined tracking, one fact per shipment posting, in parts (Z2)."""
    header = {f.name: getattr(event, f.name) for f in fields(event) if f.name != "lines"}
    return _parts(wh.TransferShipped, header, event.lines)


@_line.register
def _(line: ShippedTracking) -> wh.ShippedTrackingLine:
    return wh.ShippedTrackingLine(line_no=line.line_no, item_no=line.item_no, variant=line.variant,
                                  **_tracked(line.tracking), quantity=line.shipped)
