"""Translation between contract models (the wire) and the inventory domain: the only module knowing both.

Inbound: every command of the order system and every warehouse fact the inventory acts on becomes
a domain command (`inventory.domain.commands`). Outbound: `facts(event)` turns every domain event
into its contract model, or into parts of it when its lines grow with a document (Z2), and
`publish` queues those facts in the outbox. Warehouse quantities are
positive unless the contract says "signed"; the domain signs them like the ledger.
"""

from collections.abc import Iterable
from dataclasses import replace
from functools import singledispatch
from typing import Any, Protocol

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import LINES_PER_PART, InParts, Message, in_parts
from contracts.envelope import Envelope as Envelope  # re-exported: handlers read the message id through it
from contracts.topics import INVENTORY_EVENTS, INVENTORY_REPLICATION
from inventory.domain import commands, events
from inventory.domain.availability import AdjustmentBinChange, AllocationChange, AvailabilityBreakdown
from inventory.domain.demand import Demand
from inventory.domain.feed import Announce
from inventory.domain.information import QualityStatus, TrackingInformation
from inventory.domain.keys import BlockedTracking, LocationKey, TrackingKey, TrackingNumbers
from inventory.domain.ledger import (
    TRANSFER_RECEIPT,
    TRANSFER_SHIPMENT,
    Application,
    EntryType,
    ItemLedgerEntry,
    SourceDocument,
    TransferLeg,
)
from inventory.domain.postings import PostedLine, explain
from inventory.domain.quantities import ZERO
from inventory.domain.reconciliation import ReconciliationDifference, WarehouseCount
from servicekit.unit_of_work import UnitOfWork
from units_of_measure import ItemUnits, StatedUnit, Unit

SOURCE = "/inventory"

# --- commands -> domain --------------------------------------------------------------------------
def register_item(command: inv.RegisterItem) -> commands.RegisterItem:
    return commands.RegisterItem(
        command.item_no,
        command.base_unit,
        command.tracking_policy,
        command.expiration_required,
        command.strict_expiration,
        command.warranty_formula,
        command.rounding_precision,
        _units(command.units),
    )


# --- units of measure (U1, U2) -------------------------------------------------------------------
def set_item_units(command: inv.SetItemUnits) -> commands.SetItemUnits:
    return commands.SetItemUnits(command.item_no, command.rounding_precision, _units(command.units))


def _units(units: Iterable[inv.ItemUnit]) -> tuple[Unit, ...]:
    """A unit without its own rounding precision takes the base unit's (zero here, resolved by the domain)."""
    return tuple(Unit(u.code, u.quantity_per_base_unit, u.rounding_precision or ZERO) for u in units)


def item_unit_facts(units: ItemUnits) -> tuple[inv.ItemUnit, ...]:
    return tuple(inv.ItemUnit(code=u.code, quantity_per_base_unit=u.per_base, rounding_precision=u.precision)
                 for u in units.units.values())


def reserve(command: inv.Reserve) -> commands.Reserve:
    return commands.Reserve(
        _demand_of(command),
        _location_of(command),
        command.quantity,
        TrackingNumbers(command.serial, command.lot),
        command.allow_partial,
        command.bin_code,
        command.zone_code,
        transfer_no=command.transfer_no,
        unit=command.unit,
    )


def cancel_reservation(command: inv.CancelReservation) -> commands.CancelReservation:
    numbers = TrackingNumbers(command.serial, command.lot)
    return commands.CancelReservation(_demand_of(command), _location_of(command), numbers)


def reduce_reservation(command: inv.ReduceReservation) -> commands.ReduceReservation:
    return commands.ReduceReservation(_demand_of(command), _location_of(command), command.quantity, command.unit)


def change_reservation_tracking(command: inv.ChangeReservationTracking) -> commands.ChangeReservationTracking:
    old, new = TrackingNumbers(command.serial, command.lot), TrackingNumbers(command.new_serial, command.new_lot)
    return commands.ChangeReservationTracking(_demand_of(command), _location_of(command), old, new)


def delete_demand_line(command: inv.DeleteDemandLine) -> commands.DeleteDemandLine:
    return commands.DeleteDemandLine(_demand_of(command), _location_of(command))


def assign_tracking(command: inv.AssignTracking) -> commands.AssignTracking:
    key = _location_of(command).tracked(TrackingNumbers(command.serial, command.lot))
    return commands.AssignTracking(_demand_of(command), key, command.quantity, command.unit)


def block_tracking(command: inv.BlockTracking) -> commands.BlockTracking:
    return commands.BlockTracking(_blocked_of(command), command.reason)


def unblock_tracking(command: inv.UnblockTracking) -> commands.UnblockTracking:
    return commands.UnblockTracking(_blocked_of(command))


def set_tracking_information(command: inv.SetTrackingInformation) -> commands.SetTrackingInformation:
    """Q1: an unknown quality status is refused here, naming the valid ones."""
    return commands.SetTrackingInformation(TrackingInformation(
        command.item_no, command.variant, TrackingNumbers(command.serial, command.lot),
        QualityStatus.parse(command.quality_status), command.certificate_no, command.comment,
    ))


def _demand_of(fields: inv.DemandFields) -> Demand:
    return Demand(fields.source_type, fields.source_no, fields.source_line_no)


def _location_of(fields: inv.StockFields) -> LocationKey:
    return LocationKey(fields.item_no, fields.location_code, fields.variant)


def _blocked_of(command: inv.BlockTracking | inv.UnblockTracking) -> BlockedTracking:
    return BlockedTracking(command.item_no, command.variant, TrackingNumbers(command.serial, command.lot))


# --- warehouse facts -> domain -------------------------------------------------------------------
class _StockFact(Protocol):
    """Warehouse stock facts are about one item at one location (all its variants)."""

    @property
    def item_no(self) -> str: ...

    @property
    def location_code(self) -> str: ...


def record_location(fact: wh.LocationConfigured) -> commands.RecordLocation:
    return commands.RecordLocation(fact.location_code, fact.kind)


def post_receipt(fact: wh.ReceiptPosted) -> commands.PostWarehouseDocument:
    """S1: positive purchase entries; each keeps the order line it was received for and the vendor (R1).
    X2: a transfer's receipt takes the units out of transit: negative transfer entries there, continued here."""
    if fact.transfer:
        return _transferred(fact, fact.transfer, TRANSFER_RECEIPT, fact.receipt_no, False)
    document = SourceDocument("receipt", fact.receipt_no, 0, fact.posting_date, vendor_no=fact.vendor_no)
    lines = (_posted_line(fact, EntryType.PURCHASE, line, document, 1) for line in fact.lines)
    return commands.PostWarehouseDocument(_place(fact), tuple(lines), _announce(fact))


def post_shipment(fact: wh.ShipmentPosted) -> commands.PostWarehouseDocument:
    """S5: negative sale entries for the demand (order line) each line fulfils, naming the customer (R1).
    X2: a transfer's shipment posts negative transfer entries here, continued in transit."""
    if fact.transfer:
        return _transferred(fact, fact.transfer, TRANSFER_SHIPMENT, fact.shipment_no, True)
    document = SourceDocument("shipment", fact.shipment_no, 0, fact.posting_date, customer_no=fact.customer_no)
    lines = (_posted_line(fact, EntryType.SALE, line, document, -1) for line in fact.lines)
    return commands.PostWarehouseDocument(_place(fact), tuple(lines), _announce(fact))


def _transferred(fact: wh.ShipmentPosted | wh.ReceiptPosted, route: wh.TransferRoute, document_type: str,
                 document_no: str, shipped: bool) -> commands.PostWarehouseDocument:
    """X2: one outbound transfer line per serial/lot, at the source (shipped, for the transfer order line it
    fulfils) or in transit (received); the domain continues each where it goes."""
    leaves = fact.location_code if shipped else route.in_transit_location
    goes_to = route.in_transit_location if shipped else fact.location_code
    document = SourceDocument(document_type, document_no, 0, fact.posting_date)
    lines = (
        PostedLine(
            EntryType.TRANSFER,
            TrackingKey(fact.item_no, leaves, line.variant, line.serial, line.lot),
            -line.quantity,
            replace(document, line_no=line.document_line_no),
            line.expiration,
            _source_line(line) if shipped else None,
            fact.posting_date,
            StatedUnit(line.unit_code, line.quantity_per_unit),
            transfer_to=goes_to,
            route=TransferLeg(route.from_location, route.to_location),
        )
        for line in fact.lines
    )
    return commands.PostWarehouseDocument(_place(fact), tuple(lines), _announce(fact))


def _posted_line(
    fact: wh.ReceiptPosted | wh.ShipmentPosted, entry_type: EntryType, line: wh.PostedLineFact,
    document: SourceDocument, sign: int,
) -> PostedLine:
    return PostedLine(
        entry_type,
        _key(fact, line.variant, line.serial, line.lot),
        sign * line.quantity,
        replace(document, line_no=line.document_line_no),
        line.expiration,
        _source_line(line),
        fact.posting_date,
        StatedUnit(line.unit_code, line.quantity_per_unit),
    )


def post_warehouse_adjustment(fact: wh.WarehouseAdjustmentPosted) -> commands.PostWarehouseDocument:
    """W10/S4: the adjustment bin's balances become positive or negative adjustment entries, numbered
    across the fact's parts (Z2) as if it were whole."""
    first_line_no = (fact.part - 1) * LINES_PER_PART + 1
    lines = (
        PostedLine(
            EntryType.POSITIVE_ADJUSTMENT if line.quantity > 0 else EntryType.NEGATIVE_ADJUSTMENT,
            _key(fact, line.variant, line.serial, line.lot),
            line.quantity,
            SourceDocument("warehouse_adjustment", fact.document_no, line_no, fact.posting_date),
            line.expiration,
            posting_date=fact.posting_date,
        )
        for line_no, line in enumerate(fact.lines, first_line_no)
        if line.quantity
    )
    return commands.PostWarehouseDocument(_place(fact), tuple(lines), _announce(fact))


def record_allocations(fact: wh.PickCreated | wh.PickCancelled) -> commands.RecordAllocations:
    """S2: a created pick line allocates its Take quantity to the demand; a cancelled one releases it."""
    change = AllocationChange.activity_created if isinstance(fact, wh.PickCreated) else AllocationChange.activity_ended
    changes = (
        change(_source_line(line), _key(fact, line.variant, line.serial, line.lot), line.quantity)
        for line in fact.lines
    )
    return commands.RecordAllocations(_place(fact), tuple(changes), _announce(fact))


def register_picks(fact: wh.PickRegistered) -> commands.RegisterPicks:
    """S3: what was really picked, and the proposal when the picker scanned another serial/lot
    (W6). A blank proposal means nothing else was proposed."""
    picks = []
    for line in fact.lines:
        picked = _key(fact, line.variant, line.serial, line.lot)
        proposed = _key(fact, line.variant, line.proposed_serial, line.proposed_lot)
        differs = (line.proposed_serial or line.proposed_lot) and proposed != picked
        picks.append(commands.RegisteredPick(_source_line(line), picked, line.quantity, proposed if differs else None))
    return commands.RegisterPicks(_place(fact), tuple(picks), _announce(fact))


def record_reclassification(fact: wh.ReclassificationRegistered) -> commands.RecordAdjustmentBinChanges:
    """W8: a changed serial/lot leaves its old number in the adjustment bin (+, like lost stock)
    and takes the new one out of it (-, like found stock) until W10 posts the difference. A
    change of bin or expiration alone changes nothing here."""
    changes: list[AdjustmentBinChange] = []
    for line in fact.lines:
        old = _key(fact, line.variant, line.from_serial, line.from_lot)
        new = _key(fact, line.variant, line.to_serial, line.to_lot)
        if old != new:
            changes += [AdjustmentBinChange(old, line.quantity), AdjustmentBinChange(new, -line.quantity)]
    return commands.RecordAdjustmentBinChanges(_place(fact), tuple(changes), _announce(fact))


def record_warehouse_adjustment(fact: wh.WarehouseAdjustmentRegistered) -> commands.RecordAdjustmentBinChanges:
    """W9: found stock (+ in the real bin) is balanced by - in the adjustment bin, lost stock by +.
    A fact without lines confirms a physical count that found no difference."""
    changes = (AdjustmentBinChange(_key(fact, line.variant, line.serial, line.lot), -line.quantity)
               for line in fact.lines)
    return commands.RecordAdjustmentBinChanges(_place(fact), tuple(changes), _announce(fact))


def reconcile(fact: wh.BinTotalsReported) -> commands.Reconcile:
    counts = (
        WarehouseCount(_key(fact, line.variant, line.serial, line.lot), line.real_bins, line.adjustment_bin)
        for line in fact.lines
    )
    return commands.Reconcile(fact.request_id, _place(fact), fact.items_in_report, tuple(counts))


def _announce(fact: InParts) -> Announce:
    """A1: a warehouse fact in parts is one document to an order system: its earlier parts announce
    nothing, its last part the figures all of them left (Z2 keeps the parts in order on one key)."""
    if fact.parts == 1:
        return Announce.CHANGED
    return Announce.CURRENT if fact.part == fact.parts else Announce.DEFERRED


def _place(fact: _StockFact) -> LocationKey:
    return LocationKey(fact.item_no, fact.location_code)


def _key(fact: _StockFact, variant: str, serial: str | None, lot: str | None) -> TrackingKey:
    return TrackingKey(fact.item_no, fact.location_code, variant, serial or "", lot or "")


def _source_line(line: wh.PostedLineFact | wh.AllocatedLineFact | wh.RegisteredLineFact) -> Demand:
    return Demand(line.source_type, line.source_no, line.source_line_no)


# --- domain events -> facts ----------------------------------------------------------------------
@singledispatch
def fact(event: object) -> Message:
    raise TypeError(f"no contract model for {type(event).__name__}")


@fact.register
def _(event: events.ItemRegistered) -> inv.ItemRegistered:
    units = event.units or ItemUnits(event.item_no, event.base_unit)
    return inv.ItemRegistered(
        item_no=event.item_no,
        base_unit=event.base_unit,
        tracking_policy=event.tracking_policy,
        expiration_required=event.expiration_required,
        strict_expiration=event.strict_expiration,
        warranty_formula=event.warranty_formula,
        rounding_precision=units.precision,
        units=item_unit_facts(units),
    )


@fact.register
def _(event: events.ItemUnitsSet) -> inv.ItemUnitsSet:
    units = event.units
    return inv.ItemUnitsSet(item_no=units.item_no, base_unit=units.base_unit, rounding_precision=units.precision,
                            units=item_unit_facts(units))


@fact.register
def _(event: events.ReservationCreated) -> inv.ReservationCreated:
    return inv.ReservationCreated(
        **_demand(event.demand),
        **_stock(event.location),
        **_numbers(event.named),
        quantity=event.quantity,
        requested_quantity=event.requested_quantity,
        breakdown=breakdown(event.shortage) if event.shortage else None,
    )


@fact.register
def _(event: events.ReservationChanged) -> inv.ReservationChanged:
    return inv.ReservationChanged(
        **_demand(event.demand),
        **_stock(event.from_key),
        from_serial=event.from_key.serial_no,
        from_lot=event.from_key.lot_no,
        to_serial=event.to_key.serial_no,
        to_lot=event.to_key.lot_no,
        quantity=event.quantity,
        reason=event.reason,
    )


@fact.register
def _(event: events.ReservationCancelled) -> inv.ReservationCancelled:
    return inv.ReservationCancelled(
        **_demand(event.demand),
        **_stock(event.location),
        **_numbers(event.named),
        quantity=event.quantity,
        reason=event.reason,
    )


@fact.register
def _(event: events.ReservationConflict) -> inv.ReservationConflict:
    return inv.ReservationConflict(
        **_stock(event.key),
        **_numbers(event.key.numbers),
        picked_for=inv.DemandRef(**_demand(event.picked_for)),
        reserved_for=inv.DemandRef(**_demand(event.reserved_for)),
        quantity=event.quantity,
    )


@fact.register
def _(event: events.DemandReservationChanged) -> inv.DemandReservationChanged:
    """Blank serial and lot: the demand's whole reservation at the location (I7)."""
    named = event.key.numbers if isinstance(event.key, TrackingKey) else TrackingNumbers()
    return inv.DemandReservationChanged(
        **_demand(event.demand), **_stock(event.key), **_numbers(named), reserved=event.reserved
    )


@fact.register
def _(event: events.TrackingAssigned) -> inv.TrackingAssigned:
    return inv.TrackingAssigned(
        **_demand(event.demand), **_stock(event.key), **_numbers(event.key.numbers), quantity=event.quantity
    )


@fact.register
def _(event: events.PickedTrackingRecorded) -> inv.PickedTrackingRecorded:
    return inv.PickedTrackingRecorded(
        **_demand(event.demand),
        **_stock(event.key),
        **_numbers(event.key.numbers),
        quantity=event.quantity,
        picked_quantity=event.picked_quantity,
    )


@fact.register
def _(event: events.ReservationsSynchronized) -> inv.ReservationsSynchronized:
    return inv.ReservationsSynchronized(
        **_demand(event.demand),
        **_stock(event.shipped_key),
        **_numbers(event.shipped_key.numbers),
        shipment_no=event.document_no,
        shipped_quantity=event.shipped_quantity,
        consumed_reservation=event.consumed_reservation,
        still_reserved=event.still_reserved,
    )


@fact.register
def _(event: events.PostingApplied) -> inv.PostingApplied:
    [location_key, *_] = event.locations
    return inv.PostingApplied(
        posting_id=event.posting_id, item_no=location_key.item_no, location_code=location_key.location_code
    )


@fact.register
def _(event: events.TrackingBlocked) -> inv.TrackingBlocked:
    return inv.TrackingBlocked(**_blocked(event.blocked), reason=event.reason)


@fact.register
def _(event: events.TrackingUnblocked) -> inv.TrackingUnblocked:
    return inv.TrackingUnblocked(**_blocked(event.blocked))


@fact.register
def _(event: events.TrackingInformationChanged) -> inv.TrackingInformationChanged:
    record = event.information
    return inv.TrackingInformationChanged(
        **_blocked(record.number),
        quality_status=record.status.value,
        certificate_no=record.certificate_no,
        comment=record.comment,
        previous_quality_status=event.previous_status.value,
    )


@fact.register
def _(event: events.AvailabilityChanged) -> inv.AvailabilityChanged:
    """The I5 terms of the location row, without the requesting demand's own allocation (no demand asks)."""
    terms = breakdown(event.figures).model_dump(exclude={"own_allocation_not_reserved"})
    return inv.AvailabilityChanged(**_stock(event.location), **terms)


# --- facts in parts (Z2) -------------------------------------------------------------------------
@singledispatch
def facts(event: object) -> list[Message]:
    """The facts of a domain event: its one fact, or parts of it when its lines grow with a document."""
    return [fact(event)]


@facts.register
def _(event: events.LedgerEntriesPosted) -> list[Message]:
    key = event.entries[0].key
    return [
        inv.LedgerEntriesPosted(
            posting_id=event.posting_id,
            item_no=key.item_no,
            location_code=key.location_code,
            entries=tuple(line for line in lines if isinstance(line, inv.LedgerEntry)),
            applications=tuple(line for line in lines if isinstance(line, inv.Application)),
            part=part,
            parts=parts,
        )
        for part, parts, lines in in_parts(_ledger_lines(event))
    ]


def _ledger_lines(event: events.LedgerEntriesPosted) -> list[inv.LedgerEntry | inv.Application]:
    """Each entry followed by its applications (the order they were decided in)."""
    position = {entry.entry_no: number for number, entry in enumerate(event.entries)}
    lines: list[tuple[int, int, inv.LedgerEntry | inv.Application]] = [
        *((position[entry.entry_no], 0, ledger_entry(entry)) for entry in event.entries),
        *((position[applied.outbound_entry_no], 1, application(applied)) for applied in event.applications),
    ]
    return [line for *_, line in sorted(lines, key=lambda numbered: numbered[:2])]


@facts.register
def _(event: events.PostingParked) -> list[Message]:
    [location_key, *_] = event.locations
    return [
        inv.PostingParked(
            posting_id=event.posting_id,
            item_no=location_key.item_no,
            location_code=location_key.location_code,
            reason_code=event.reason_code,
            message=explain(shortages),
            shortages=tuple(
                inv.Shortage(
                    variant=shortage.key.variant_code,
                    serial=shortage.key.serial_no,
                    lot=shortage.key.lot_no,
                    missing_quantity=shortage.missing_quantity,
                )
                for shortage in shortages
            ),
            part=part,
            parts=parts,
        )
        for part, parts, shortages in in_parts(event.shortages)
    ]


@facts.register
def _(event: events.ReconciliationReported) -> list[Message]:
    return [
        inv.ReconciliationReported(
            request_id=event.request_id,
            item_no=event.location.item_no,
            location_code=event.location.location_code,
            differences=tuple(difference(found) for found in differences),
            part=part,
            parts=parts,
        )
        for part, parts, differences in in_parts(event.differences)
    ]


def reservation_rejected(event: events.ReservationRejected, command_id: str) -> inv.ReservationRejected:
    return inv.ReservationRejected(
        **_demand(event.demand),
        **_stock(event.location),
        **_numbers(event.named),
        command_id=command_id,
        requested_quantity=event.requested_quantity,
        available_quantity=event.available_quantity,
        reason_code=event.reason_code,
        message=event.message,
        breakdown=breakdown(event.breakdown) if event.breakdown else None,
    )


# --- parts (also served by the read API) ---------------------------------------------------------
def breakdown(figures: AvailabilityBreakdown) -> inv.Breakdown:
    return inv.Breakdown(
        inventory=figures.inventory,
        on_picks_and_movements=figures.on_picks_and_movements,
        reserved=figures.reserved,
        in_outbound_bins=figures.in_outbound_bins,
        adjustment_bin_positive=figures.adjustment_bin_positive,
        reserved_and_allocated_same_demand=figures.reserved_and_allocated_same_demand,
        available_to_reserve=figures.available_to_reserve,
        own_allocation_not_reserved=figures.own_allocation_not_reserved,
        blocked=figures.blocked,
    )


def ledger_entry(entry: ItemLedgerEntry) -> inv.LedgerEntry:
    source = entry.demand or Demand("", "", 0)
    return inv.LedgerEntry(
        entry_no=entry.entry_no,
        entry_type=entry.entry_type.value,
        variant=entry.key.variant_code,
        serial=entry.key.serial_no,
        lot=entry.key.lot_no,
        expiration=entry.expiration_date,
        quantity=entry.quantity,
        remaining_quantity=entry.remaining_quantity,
        open=entry.open,
        document_type=entry.source.document_type,
        document_no=entry.source.document_no,
        document_line_no=entry.source.line_no,
        **_demand(source),
        warranty_date=entry.warranty_date,
        location_code=entry.key.location_code,
        **_transfer_leg(entry.transfer),
        unit_code=entry.stated.code,
        quantity_per_unit=entry.stated.per_base,
        vendor_no=entry.source.vendor_no,
        customer_no=entry.source.customer_no,
        posting_date=entry.source.posting_date,
    )


def _transfer_leg(leg: TransferLeg | None) -> dict[str, Any]:
    if leg is None:
        return {}
    return {"transfer_from_location": leg.from_location, "transfer_to_location": leg.to_location,
            "transferred_from_entry_no": leg.from_entry_no}


def application(applied: Application) -> inv.Application:
    return inv.Application(
        outbound_entry_no=applied.outbound_entry_no,
        inbound_entry_no=applied.inbound_entry_no,
        quantity=applied.quantity,
    )


def difference(found: ReconciliationDifference) -> inv.Difference:
    return inv.Difference(
        variant=found.key.variant_code,
        serial=found.key.serial_no,
        lot=found.key.lot_no,
        real_bins=found.real_bins,
        adjustment_bin=found.adjustment_bin,
        ledger_inventory=found.ledger_inventory,
        difference=found.difference,
    )


def _demand(demand_line: Demand) -> dict[str, Any]:
    return {
        "source_type": demand_line.source_type,
        "source_no": demand_line.source_id,
        "source_line_no": demand_line.source_line,
    }


def _stock(key: LocationKey | TrackingKey) -> dict[str, Any]:
    return {"item_no": key.item_no, "variant": key.variant_code, "location_code": key.location_code}


def _numbers(named: TrackingNumbers) -> dict[str, Any]:
    return {"serial": named.serial_no, "lot": named.lot_no}


def _blocked(blocked: BlockedTracking) -> dict[str, Any]:
    return {"item_no": blocked.item_no, "variant": blocked.variant_code, **_numbers(blocked.numbers)}


def explanations(refusal: Exception, envelope: Envelope) -> list[Message]:
    """The facts a refused command publishes beside its `CommandRejected`."""
    return [_explanation(event, envelope) for event in getattr(refusal, "explanations", ())]


def _explanation(event: object, envelope: Envelope) -> Message:
    if isinstance(event, events.ReservationRejected):
        return reservation_rejected(event, envelope.id)
    return fact(event)


# --- publishing ----------------------------------------------------------------------------------
def publish(uow: UnitOfWork, envelope: Envelope, decided: Iterable[object]) -> None:
    """Queue the facts of these domain events in the outbox, caused by the message `envelope` names:
    one outbox row per fact or part, all parts with the same Kafka key. A fact the warehouse replicates
    goes to `inventory.replication.v1` too, the same message with the same id (issue 10)."""
    for event in decided:
        for message in facts(event):
            caused = envelope.caused(message.TYPE, SOURCE, subject=message.kafka_key())
            uow.outbox.publish(INVENTORY_EVENTS, message, caused)
            if message.TYPE in inv.REPLICATION:
                uow.outbox.publish(INVENTORY_REPLICATION, message, caused)
