"""Translation between contract models (the wire) and the warehouse domain: the only module knowing both."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from functools import singledispatch

from contracts import warehouse as wh
from contracts.base import Message, Part
from warehouse.domain import events as ev
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.adjustments import AdjustmentLine, PhysicalCount
from warehouse.domain.documents import SourceLine, TrackedQuantity
from warehouse.domain.errors import InvalidBinTypeError, WarehouseError
from warehouse.domain.inbound import ReceivedQuantity
from warehouse.domain.internal import MovementRequest, ReclassificationLine
from warehouse.domain.location import Bin, BinType, BlockMovement, Location
from warehouse.domain.outbound import PickHandling
from warehouse.domain.release import SourceRequest
from warehouse.domain.tracking import Tracking

_BIN_TYPES = {"receive": BinType.RECEIVE, "ship": BinType.SHIP, "put_away": BinType.PUT_AWAY, "pick": BinType.PICK}
_TYPE_NAMES = {flag: name for name, flag in _BIN_TYPES.items()}


class InvalidValueError(WarehouseError):
    """A contract field holds a value outside its documented set: refused, not dead-lettered."""

    reason_code = "invalid_value"


# --- locations -----------------------------------------------------------------------------------
def bin_type(names: Iterable[str]) -> BinType:
    flags = BinType(0)
    for name in names:
        if name not in _BIN_TYPES:
            raise InvalidBinTypeError(f"Bin type {name!r} is unknown: use {', '.join(_BIN_TYPES)}.")
        flags |= _BIN_TYPES[name]
    return flags


def bin_type_names(flags: BinType) -> tuple[str, ...]:
    return tuple(name for flag, name in _TYPE_NAMES.items() if flag in flags)


def block_movement(value: str) -> BlockMovement:
    try:
        return BlockMovement(value)
    except ValueError:
        raise InvalidValueError(f"block_movement {value!r} is unknown: use none, inbound, outbound or all.") from None


def domain_bin(b: wh.Bin) -> Bin:
    return Bin(b.code, b.zone, bin_type(b.types), b.ranking, block_movement(b.block_movement), b.dedicated)


def contract_bin(b: Bin) -> wh.Bin:
    return wh.Bin(code=b.code, zone=b.zone, types=bin_type_names(b.type), ranking=b.ranking,
                  block_movement=b.block_movement.value, dedicated=b.dedicated)


def location_configured(event: ev.LocationConfigured, descriptions: dict[str, str]) -> wh.LocationConfigured:
    location: Location = event.location
    return wh.LocationConfigured(
        location_code=location.code,
        zones=tuple(wh.Zone(code=z, description=descriptions.get(z, "")) for z in sorted(location.zones)),
        bins=tuple(contract_bin(b) for b in location.bins.values()),
        receive_bin=location.receive_bin,
        ship_bin=location.ship_bin,
        adjustment_bin=location.adjustment_bin,
        pick_by_fefo=location.pick_by_fefo,
    )


# --- commands into the domain's values ---------------------------------------------------------------
def _tracking(fields_: wh.TrackedFields) -> Tracking:
    return Tracking(fields_.serial, fields_.lot, fields_.expiration)


def source_requests(command: wh.ReleaseInboundRequest | wh.ReleaseOutboundRequest) -> list[SourceRequest]:
    return [SourceRequest(SourceLine(command.source_type, command.source_no, line.source_line_no), line.item_no,
                          line.quantity, line.variant, line.bin_code) for line in command.lines]


def received_quantities(lines: Sequence[wh.ReceivedLine]) -> list[ReceivedQuantity]:
    return [ReceivedQuantity(line.line_no, line.quantity, _tracking(line)) for line in lines]


def place_handlings(lines: Sequence[wh.HandledLine]) -> list[PlaceHandling]:
    return [PlaceHandling(line.line_no, line.quantity, line.place_bin or None) for line in lines]


def pick_handlings(lines: Sequence[wh.PickedLine]) -> list[PickHandling]:
    return [PickHandling(line.line_no, line.quantity, line.serial, line.lot) for line in lines]


def movement_requests(lines: Sequence[wh.MovementLine]) -> list[MovementRequest]:
    """The stock to move is named by bin and serial/lot; its expiration date comes from the stock (T3)."""
    return [MovementRequest(line.item_no, line.quantity, line.from_bin, line.to_bin, line.variant, line.serial,
                            line.lot) for line in lines]


def reclassification_lines(lines: Sequence[wh.ReclassificationLine]) -> list[ReclassificationLine]:
    """Blank `to_bin`/`new_*` fields keep the current value."""
    return [ReclassificationLine(line.from_bin, line.item_no, line.quantity, line.variant, line.serial, line.lot,
                                 new_bin=line.to_bin or None, new_serial=line.new_serial or None,
                                 new_lot=line.new_lot or None, new_expiration=line.new_expiration)
            for line in lines]


def adjustment_lines(lines: Sequence[wh.AdjustmentLine]) -> list[AdjustmentLine]:
    return [AdjustmentLine(line.bin_code, line.item_no, line.quantity, line.variant, _tracking(line))
            for line in lines]


def physical_counts(lines: Sequence[wh.CountLine]) -> list[PhysicalCount]:
    """One count per bin and item (+ variant): what the lines list of it is everything found there (W9)."""
    counted: dict[tuple[str, str, str], list[TrackedQuantity]] = {}
    for line in lines:
        counted.setdefault((line.bin_code, line.item_no, line.variant), []).append(
            TrackedQuantity(_tracking(line), line.counted_quantity))
    return [PhysicalCount(bin_code, item_no, tuple(found), variant)
            for (bin_code, item_no, variant), found in counted.items()]


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
    item, in the order the items first appear, so each travels on its item's key (architecture.md, Ordering)."""
    return [fact for event in events for fact in _facts(event)]


def _facts(event: ev.DomainEvent) -> list[Message]:
    if isinstance(event, (ev.ReceiptReleased, ev.ShipmentReleased)):
        return [_released(event)]
    contract = _PER_ITEM_FACTS[type(event)]
    header = {f.name: getattr(event, f.name) for f in fields(event) if f.name not in ("lines", "covered_items")}
    if "item_no" in header:
        return [contract(**header, lines=tuple(_line(line) for line in event.lines))]
    # Items a document covers without lines (a count that found no difference) still get their fact.
    per_item: dict[str, list] = {item_no: [] for item_no in getattr(event, "covered_items", ())}
    for line in event.lines:
        per_item.setdefault(line.item_no, []).append(line)
    return [contract(**header, item_no=item_no, lines=tuple(_line(line) for line in lines))
            for item_no, lines in per_item.items()]


def _released(event: ev.ReceiptReleased | ev.ShipmentReleased) -> wh.ReceiptReleased | wh.ShipmentReleased:
    """A released request is one document for the warehouse: one fact, keyed by its number."""
    source = event.lines[0].source
    lines = tuple(wh.ReleasedLineFact(line_no=line.line_no, source_line_no=line.source.line_no, item_no=line.item_no,
                                      variant=line.variant, quantity=line.quantity, bin_code=line.bin_code)
                  for line in event.lines)
    common = {"location_code": event.location_code, "source_type": source.source_type, "source_no": source.source_no,
              "lines": lines}
    if isinstance(event, ev.ReceiptReleased):
        return wh.ReceiptReleased(receipt_no=event.receipt_no, **common)
    return wh.ShipmentReleased(shipment_no=event.shipment_no, **common)


def _tracked(tracking: Tracking) -> dict:
    return {"serial": tracking.serial, "lot": tracking.lot, "expiration": tracking.expiration}


def _source(source: SourceLine | None) -> dict:
    if source is None:
        return {}
    return {"source_type": source.source_type, "source_no": source.source_no, "source_line_no": source.line_no}


@singledispatch
def _line(line: object) -> Part:
    raise TypeError(f"no fact line for {type(line).__name__}")


@_line.register
def _(line: ev.PostedLine) -> wh.PostedLineFact:
    return wh.PostedLineFact(document_line_no=line.document_line_no, **_source(line.source), variant=line.variant,
                             bin_code=line.bin_code, **_tracked(line.tracking), quantity=line.quantity)


@_line.register
def _(line: ev.AllocatedLine) -> wh.AllocatedLineFact:
    return wh.AllocatedLineFact(line_no=line.line_no, **_source(line.source), variant=line.variant,
                                take_bin=line.take_bin, **_tracked(line.tracking), quantity=line.quantity)


@_line.register
def _(line: ev.RegisteredLine) -> wh.RegisteredLineFact:
    return wh.RegisteredLineFact(line_no=line.line_no, **_source(line.source), variant=line.variant,
                                 take_bin=line.take_bin, place_bin=line.place_bin,
                                 proposed_serial=line.proposed_tracking.serial, proposed_lot=line.proposed_tracking.lot,
                                 **_tracked(line.tracking), quantity=line.quantity)


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


def bin_totals_reported(request_id: str, location_code: str, item_nos: Sequence[str],
                        totals: Sequence[Mapping]) -> list[wh.BinTotalsReported]:
    """S7: one fact per item (even one the warehouse holds none of), in order with the item's other facts."""
    lines: dict[str, list[wh.BinTotalLine]] = {item_no: [] for item_no in item_nos}
    for row in totals:
        lines[row["item_no"]].append(wh.BinTotalLine(variant=row["variant"], serial=row["serial"], lot=row["lot"],
                                                     real_bins=row["real_bins"], adjustment_bin=row["adjustment_bin"]))
    return [wh.BinTotalsReported(request_id=request_id, location_code=location_code, item_no=item_no,
                                 items_in_report=len(item_nos), lines=tuple(item_lines))
            for item_no, item_lines in lines.items()]


def as_received(message: Message) -> Message:
    """Until the use case takes a command of its own, it reads the contract model."""
    return message
