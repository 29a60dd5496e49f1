"""Outbound flow (W4): pick stock for a shipment into the ship bin, then post the shipment."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.activities import record
from warehouse.domain.adjustments import pending_adjustments_for
from warehouse.domain.documents import (
    ZERO,
    Activity,
    ActivityLine,
    DocumentType,
    LineChanges,
    Shipment,
    ShipmentLine,
    TrackedQuantity,
    cancelled_line,
)
from warehouse.domain.errors import (
    DocumentNotFoundError,
    NothingToPickError,
    NothingToShipError,
    ShipmentExceedsPickedError,
)
from warehouse.domain.events import (
    AllocatedLine,
    PickCancelled,
    PickCreated,
    PickOutcome,
    PickRegistered,
    PostedLine,
    ShipmentOutcome,
    ShipmentPosted,
)
from warehouse.domain.picking import PickingState, check_picked_tracking, propose_pick
from warehouse.domain.state import StockState
from warehouse.domain.stock import EntryBook, StockKey, locate
from warehouse.domain.tracking import ItemTracking, Tracking, item_tracking


def create_pick(shipment: Shipment, pick_no: str, state: PickingState) -> PickOutcome:
    """W4, W5: allocate what can be picked for every shipment line still to pick: Take lines from pickable
    bins, Place lines to the shipment's ship bin. A line that cannot be fully allocated keeps the rest to
    pick; only a pick with nothing at all is refused."""
    lines: list[ActivityLine] = []
    changed: list[ShipmentLine] = []
    state = state.allocating()
    for demand_line in shipment.lines:
        if demand_line.quantity_to_pick <= ZERO:
            continue
        allocated = _allocate(state, demand_line, lines)
        if allocated:
            changed.append(replace(demand_line, quantity_on_pick=demand_line.quantity_on_pick + allocated))
    if not lines:
        raise NothingToPickError(
            f"Nothing can be picked for shipment {shipment.no} at location {state.location.code}: no free stock in "
            "pick bins beyond open picks, movements and other orders' reservations. Put stock away into a pick "
            "bin, or wait for it."
        )
    pick = Activity(no=pick_no, location_code=shipment.location_code, lines=tuple(lines), type=DocumentType.PICK,
                    document_no=shipment.no)
    event = PickCreated(pick_no, shipment.no, shipment.location_code, tuple(_allocated(line, line.quantity)
                                                                           for line in lines))
    return PickOutcome(shipment=shipment.with_lines(changed), pick=pick, events=(event,))


def _allocate(state: PickingState, demand_line: ShipmentLine, lines: list[ActivityLine]) -> Decimal:
    """Propose the pick lines of one shipment line, appending them to `lines` and adding them to the working
    copy `state`, which the next line sees; returns the quantity allocated."""
    state.location.place_bin(demand_line.bin_code)
    item = item_tracking(state.items, demand_line.item_no)
    proposals = propose_pick(demand_line.source, item, demand_line.variant, demand_line.quantity_to_pick, state)
    for p in proposals:
        lines.append(ActivityLine(
            line_no=len(lines) + 1, item_no=p.key.item_no, variant=p.key.variant, quantity=p.quantity,
            tracking=p.key.tracking, take_bin=p.key.bin_code, place_bin=demand_line.bin_code,
            source=demand_line.source, document_line_no=demand_line.line_no, stated=demand_line.stated))
    state.allocate(demand_line.source, proposals)
    return sum((p.quantity for p in proposals), ZERO)


@dataclass(frozen=True)
class PickHandling:
    """A picker's report on a pick line: the quantity taken and, when it differs from the proposal, the
    serial and/or lot really taken (W6)."""

    line_no: int
    quantity: Decimal
    serial: str | None = None
    lot: str | None = None
    stated: StatedUnit = IN_BASE


def register_pick(pick: Activity, shipment: Shipment, handled: Sequence[PickHandling],
                  state: PickingState) -> PickOutcome:
    """W4, W6: move what was really picked into the ship bin; partial registration leaves the rest open.

    Decision: every registered serial/lot is checked again for blocks (T4) and strict expiry (T5): the
    stock is on its way to a customer. Only a swapped serial/lot is checked for being free in the take
    bin and not specifically reserved for other demand, because the proposal already was. The
    registration is judged as a whole: what its lines release of their proposals is free for its other
    lines, so lots swapped across lines are accepted in one command as they are in two.
    """
    _check_serves(pick, shipment)
    location = state.location
    book = EntryBook(location.bin_content(state.content), DocumentType.PICK, pick.no)
    pick_lines, picked = LineChanges(pick), _PickedIntoShipBin(shipment)
    takes = [_taken(state, pick.line(h.line_no), h) for h in handled]
    released = _by_key((_proposed(state, pick.line(h.line_no)), h.quantity) for h in handled)
    taken = _by_key((take, h.quantity) for take, h in zip(takes, handled, strict=True))
    registered = []
    for h, take in zip(handled, takes, strict=True):
        line = pick_lines.handled(h.line_no, h.quantity)
        item = item_tracking(state.items, line.item_no)
        location.take_bin(line.take_bin)
        _check_taken(state, item, line, take, h.quantity)
        if take.tracking != line.tracking:
            check_picked_tracking(state, item, line.demand, take, taken[take], released.get(take, ZERO))
        registered.append(record(book, line, h.quantity, take, location.place_bin(line.place_bin or "").code,
                                 h.stated))
        picked.add(line, take.tracking, h.quantity)
    pick, shipment = pick.with_lines(pick_lines.changed.values()), picked.shipment()
    event = PickRegistered(pick.no, shipment.no, location.code, tuple(registered))
    return PickOutcome(shipment=shipment, pick=pick, entries=book.entries, events=(event,))


def _proposed(state: PickingState, line: ActivityLine) -> StockKey:
    return StockKey(state.location.code, line.take_bin, line.item_no, line.variant, line.tracking)


def _by_key(quantities: Iterable[tuple[StockKey, Decimal]]) -> dict[StockKey, Decimal]:
    totals: dict[StockKey, Decimal] = {}
    for key, quantity in quantities:
        totals[key] = totals.get(key, ZERO) + quantity
    return totals


def _taken(state: PickingState, line: ActivityLine, handling: PickHandling) -> StockKey:
    proposed = _proposed(state, line)
    if handling.serial is None and handling.lot is None:
        return proposed
    scanned = Tracking(_or(handling.serial, line.tracking.serial), _or(handling.lot, line.tracking.lot))
    return locate(state.content, replace(proposed, tracking=scanned))


def _or(scanned: str | None, proposed: str) -> str:
    return proposed if scanned is None else scanned


def _check_taken(state: PickingState, item: ItemTracking, line: ActivityLine, take: StockKey,
                 quantity: Decimal) -> None:
    item.check_line(take.tracking, quantity, line.variant)
    state.blocked.check(item.item_no, take.tracking, line.variant)
    item.check_not_expired(take.tracking, state.today, line.variant)


class _PickedIntoShipBin:
    """What one pick registration moves from "on pick" to "picked" per shipment line, gathered per line and
    applied to each line once (Z1: not a copy of the line's picked serials per registered serial)."""

    def __init__(self, shipment: Shipment) -> None:
        self._shipment = shipment
        self._picked: dict[int, dict[Tracking, Decimal]] = {}

    def add(self, line: ActivityLine, tracking: Tracking, quantity: Decimal) -> None:
        demand_line = self._shipment.line(line.served_line_no)
        per_tracking = self._picked.setdefault(demand_line.line_no, {})
        per_tracking[tracking] = per_tracking.get(tracking, ZERO) + quantity

    def shipment(self) -> Shipment:
        return self._shipment.with_lines(self._picked_line(line_no, per_tracking)
                                         for line_no, per_tracking in self._picked.items())

    def _picked_line(self, line_no: int, per_tracking: dict[Tracking, Decimal]) -> ShipmentLine:
        demand_line = self._shipment.line(line_no)
        return replace(demand_line.with_picked_changes(per_tracking),
                       quantity_on_pick=demand_line.quantity_on_pick - sum(per_tracking.values(), ZERO))


def cancel_pick(pick: Activity, shipment: Shipment, line_nos: Collection[int] | None = None) -> PickOutcome:
    """Cancel what is still outstanding on the given pick lines (all lines by default): the stock is free
    again and the shipment lines may be picked anew (S2)."""
    _check_serves(pick, shipment)
    pick_lines, shipment_lines = LineChanges(pick), LineChanges(shipment)
    released = []
    for line in pick.lines:
        if line.is_closed or (line_nos is not None and line.line_no not in line_nos):
            continue
        pick_lines.put(cancelled_line(line))
        demand_line = shipment_lines.line(line.served_line_no)
        shipment_lines.put(replace(demand_line, quantity_on_pick=demand_line.quantity_on_pick - line.outstanding))
        released.append(_allocated(line, line.outstanding))
    pick, shipment = pick.with_lines(pick_lines.changed.values()), shipment.with_lines(shipment_lines.changed.values())
    event = PickCancelled(pick.no, shipment.no, shipment.location_code, tuple(released))
    return PickOutcome(shipment=shipment, pick=pick, events=(event,) if released else ())


def _check_serves(pick: Activity, shipment: Shipment) -> None:
    """A pick changes only the shipment it was created for."""
    if pick.document_no != shipment.no:
        raise DocumentNotFoundError(
            f"Pick {pick.no} serves shipment {pick.document_no}, not {shipment.no}: load the pick's own shipment."
        )


def _allocated(line: ActivityLine, quantity: Decimal) -> AllocatedLine:
    return AllocatedLine(line.line_no, line.source, line.item_no, line.variant, line.take_bin, line.tracking, quantity)


def post_shipment(shipment: Shipment, adjustment_no: str, state: StockState,
                  quantities: Mapping[int, Decimal] | None = None) -> ShipmentOutcome:
    """W4: ship what was picked (all of it, or `quantities` per shipment line) out of the ship bin.

    state: the shipment's items' bin content at the location, the ship bin and the adjustment bin
    included. S4: pending adjustment-bin balances of these items are posted first (same transaction,
    events ahead of ShipmentPosted), so the item ledger knows the serials/lots that physically leave.
    """
    for line_no in quantities or ():
        shipment.line(line_no)
    book = EntryBook(state.location.bin_content(state.content), DocumentType.SHIPMENT, shipment.no)
    lines = LineChanges(shipment)
    posted: list[PostedLine] = []
    for line in shipment.lines:
        quantity = line.quantity_picked if quantities is None else quantities.get(line.line_no, ZERO)
        if quantity != ZERO:
            _ship_line(book, state, lines, line, quantity, posted)
    shipment = shipment.with_lines(lines.changed.values())
    if not posted:
        raise NothingToShipError(f"Nothing has been picked for shipment {shipment.no}: register its picks first.")
    adjustments = pending_adjustments_for({p.item_no for p in posted}, adjustment_no, state)
    event = ShipmentPosted(shipment.no, state.location.code, state.today, tuple(posted), shipment.customer_no)
    return ShipmentOutcome(shipment=shipment, entries=adjustments.entries + book.entries,
                           events=(*adjustments.events, event))


def _ship_line(book: EntryBook, state: StockState, lines: LineChanges[ShipmentLine], line: ShipmentLine,
               quantity: Decimal, posted: list[PostedLine]) -> None:
    """Take `quantity` of the line out of its ship bin, serial/lot by serial/lot, appending to `posted`; the
    line changes once, in `lines` (Z1)."""
    location = state.location
    item = item_tracking(state.items, line.item_no)
    lines.handled(line.line_no, quantity)
    ship_bin = location.take_bin(line.bin_code).code
    shipped: dict[Tracking, Decimal] = {}
    for part in _shipped_parts(lines.document.no, item, line, quantity, state.today):
        key = StockKey(location.code, ship_bin, line.item_no, line.variant, part.tracking)
        book.write(key, -part.quantity, line.line_no, line.source, line.stated)
        posted.append(PostedLine(line.line_no, line.source, line.item_no, line.variant, ship_bin, part.tracking,
                                 part.quantity, line.stated))
        shipped[part.tracking] = shipped.get(part.tracking, ZERO) - part.quantity
    lines.put(lines.line(line.line_no).with_picked_changes(shipped))


def _shipped_parts(shipment_no: str, item: ItemTracking, line: ShipmentLine, quantity: Decimal,
                   today: date) -> list[TrackedQuantity]:
    """W4: never more than was picked. T5: with strict expiration no expired stock leaves, so unexpired
    stock ships first and a quantity that needs expired stock is refused."""
    if quantity > line.quantity_picked:
        raise ShipmentExceedsPickedError(
            f"Line {line.line_no} of shipment {shipment_no} ({line.describe()}) has {line.quantity_picked} picked, "
            f"not {quantity}: pick the rest first or ship less."
        )
    parts = []
    for picked in sorted(line.picked, key=lambda p: _shipping_order(item, p.tracking, today)):
        if quantity <= ZERO:
            break
        item.check_not_expired(picked.tracking, today, line.variant)
        parts.append(TrackedQuantity(picked.tracking, min(quantity, picked.quantity)))
        quantity -= parts[-1].quantity
    return parts


def _shipping_order(item: ItemTracking, tracking: Tracking, today: date) -> tuple[bool, date, str, str]:
    expired = item.strict_expiration and tracking.is_expired(today)
    return (expired, tracking.expiration or date.max, tracking.lot, tracking.serial)
