"""Internal flows: movements between bins (W7) and reclassification of bin and tracking numbers (W8).

Both take only stored stock (W3: received stock is put away first; picked stock belongs to its
shipment) that is free, i.e. not already held by an open pick or movement, and never blocked
serials/lots (T4). Both are registered as warehouse entries only: the item ledger hears about a
reclassification through the adjustment bin, when it is calculated or before a shipment (S4).
"""

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from units_of_measure import IN_BASE, StatedUnit
from warehouse.domain.activities import PlaceHandling, register_placements
from warehouse.domain.documents import ZERO, Activity, ActivityLine, DocumentType, check_positive
from warehouse.domain.errors import ExpirationMismatchError, InsufficientBinContentError
from warehouse.domain.events import (
    ActivityOutcome,
    MovementCreated,
    MovementRegistered,
    Outcome,
    PlannedLine,
    ReclassificationRegistered,
    ReclassifiedLine,
)
from warehouse.domain.location import Location
from warehouse.domain.state import StockState
from warehouse.domain.stock import BinContent, ContentRow, EntryBook, StockKey, locate
from warehouse.domain.tracking import (
    LotKey,
    SerialKey,
    Tracking,
    check_lot_expirations,
    check_serials_not_in_stock,
    item_tracking,
)


@dataclass(frozen=True)
class MovementRequest:
    """Move `quantity` of an item, named by its serial/lot, from one bin to another."""

    item_no: str
    quantity: Decimal
    from_bin: str
    to_bin: str
    variant: str = ""
    serial: str = ""
    lot: str = ""
    stated: StatedUnit = IN_BASE


def create_movement(movement_no: str, requests: Sequence[MovementRequest], state: StockState) -> ActivityOutcome:
    """W7: an open movement sets its stock aside, so picks and other movements no longer count on it (W5).

    state: the items' bin content at the location, what open picks and movements hold of it, their blocks.
    """
    location = state.location
    held = dict(state.on_activities)
    lines = []
    for line_no, r in enumerate(requests, start=1):
        check_positive(r.quantity, f"the movement of item {r.item_no} from bin {r.from_bin}")
        location.storage_place_bin(r.to_bin)
        named = StockKey(location.code, r.from_bin, r.item_no, r.variant, Tracking(r.serial, r.lot))
        take = _take_free(state, held, named, r.quantity)
        lines.append(ActivityLine(line_no=line_no, item_no=r.item_no, variant=r.variant, quantity=r.quantity,
                                  tracking=take.tracking, take_bin=r.from_bin, place_bin=r.to_bin, stated=r.stated))
    movement = Activity(no=movement_no, location_code=location.code, lines=tuple(lines), type=DocumentType.MOVEMENT)
    event = MovementCreated(movement_no, location.code, tuple(
        PlannedLine(line.line_no, line.item_no, line.variant, r.from_bin, r.to_bin, line.tracking, line.quantity)
        for line, r in zip(lines, requests, strict=True)))
    return ActivityOutcome(activity=movement, events=(event,))


def register_movement(movement: Activity, handled: Sequence[PlaceHandling], state: StockState) -> ActivityOutcome:
    """W7: the moved stock leaves one bin and enters the other; partial registration leaves the rest open
    (W11). Blocked bins refuse the blocked direction at registration too. state: the movement's items'
    bin content at the location."""
    location = state.location
    movement, entries, lines = register_placements(movement, handled, state, take_bin=location.storage_take_bin)
    event = MovementRegistered(movement.no, location.code, lines)
    return ActivityOutcome(activity=movement, entries=entries, events=(event,))


@dataclass(frozen=True)
class ReclassificationLine:
    """Change the bin and/or the serial, lot or expiration date of stored stock (W8). A `new_` field left
    None keeps the current value; a new lot that is already known takes that lot's expiration date."""

    bin_code: str
    item_no: str
    quantity: Decimal
    variant: str = ""
    serial: str = ""
    lot: str = ""
    new_bin: str | None = None
    new_serial: str | None = None
    new_lot: str | None = None
    new_expiration: date | None = None
    stated: StatedUnit = IN_BASE


def register_reclassification(document_no: str, lines: Sequence[ReclassificationLine], state: StockState) -> Outcome:
    """W8: old tracking leaves the bin and new tracking enters it; when the tracking changes, the adjustment
    bin gets + old tracking and - new tracking, so real bins + adjustment bin still equal the item ledger
    (S7) until the adjustment is calculated.

    state: besides the items' stock, company-wide facts about the new serials and the lots on the lines
    (lot_quantities: stock of each lot in real bins, to prove a re-dating covers the whole lot, T3).
    """
    book = EntryBook(state.location.bin_content(state.content), DocumentType.RECLASSIFICATION, document_no)
    held = dict(state.on_activities)
    facts = [_reclassify(book, state, held, line, line_no) for line_no, line in enumerate(lines, start=1)]
    _check_new_serials(facts, state.serials_in_stock)
    _check_expirations(facts, state.lot_expirations, state.lot_quantities)
    event = ReclassificationRegistered(document_no, state.location.code, tuple(facts))
    return Outcome(entries=book.entries, events=(event,))


def _reclassify(book: EntryBook, state: StockState, held: dict[StockKey, Decimal], line: ReclassificationLine,
                line_no: int) -> ReclassifiedLine:
    """One line: the free stock it names moves to its new bin and tracking; a tracking change also passes
    through the adjustment bin."""
    location = state.location
    item = item_tracking(state.items, line.item_no)
    check_positive(line.quantity, f"the reclassification of item {line.item_no} in bin {line.bin_code}")
    to_bin = location.storage_place_bin(line.new_bin or line.bin_code).code
    named = StockKey(location.code, line.bin_code, line.item_no, line.variant, Tracking(line.serial, line.lot))
    old = _take_free(state, held, named, line.quantity)
    new = StockKey(location.code, to_bin, line.item_no, line.variant, _new_tracking(line, old, state.lot_expirations))
    item.check_line(new.tracking, line.quantity, line.variant)
    book.move(old, new, line.quantity, line_no, stated=line.stated)
    if new.tracking != old.tracking:
        item.check_new_stock(new.tracking, line.variant)
        book.write(old.in_bin(location.adjustment_bin), line.quantity, line_no, stated=line.stated)
        book.write(new.in_bin(location.adjustment_bin), -line.quantity, line_no, stated=line.stated)
    return ReclassifiedLine(line_no, line.item_no, line.variant, old.bin_code, to_bin, old.tracking, new.tracking,
                            line.quantity)


def _take_free(state: StockState, held: dict[StockKey, Decimal], named: StockKey, quantity: Decimal) -> StockKey:
    """T1, T2 and T4 for the stock named by bin and serial/lot, then W5: set it aside in `held` if enough of
    it is free."""
    item = item_tracking(state.items, named.item_no)
    item.check_line(named.tracking, quantity, named.variant)
    state.blocked.check(item.item_no, named.tracking, named.variant)
    take = _free_stock(state.location, state.content, held, named, quantity)
    held[take] = held.get(take, ZERO) + quantity
    return take


def _free_stock(location: Location, content: Sequence[ContentRow], held: Mapping[StockKey, Decimal],
                named: StockKey, quantity: Decimal) -> StockKey:
    """The stored content named by bin and serial/lot, if enough of it is free of open picks/movements."""
    location.storage_take_bin(named.bin_code)
    key = locate(content, named)
    in_bin = BinContent(content).quantity(key)
    free = in_bin - held.get(key, ZERO)
    if quantity > free:
        raise InsufficientBinContentError(
            f"Bin {key.bin_code} holds {in_bin} of {key.describe()}, of which {max(free, ZERO)} is free "
            f"(the rest is on open picks or movements), not {quantity}: take less or choose another bin."
        )
    return key


def _new_tracking(line: ReclassificationLine, old: StockKey, lot_expirations: Mapping[LotKey, date | None]) -> Tracking:
    serial = old.tracking.serial if line.new_serial is None else line.new_serial
    lot = old.tracking.lot if line.new_lot is None else line.new_lot
    expiration: date | None
    if line.new_expiration is not None:
        expiration = line.new_expiration
    elif lot != old.tracking.lot:
        expiration = lot_expirations.get((line.item_no, lot), old.tracking.expiration)
    else:
        expiration = old.tracking.expiration
    return Tracking(serial, lot, expiration)


def _check_new_serials(facts: Sequence[ReclassifiedLine], serials_in_stock: Container[SerialKey]) -> None:
    """T2: a serial given to a unit may not be in stock elsewhere, unless this journal relabels that unit."""
    relabelled = [f for f in facts if f.to_tracking.serial != f.from_tracking.serial]
    check_serials_not_in_stock(
        [(f.item_no, f.variant, f.to_tracking.serial) for f in relabelled if f.to_tracking.serial],
        serials_in_stock,
        leaving={(f.item_no, f.variant, f.from_tracking.serial) for f in relabelled},
    )


def _check_expirations(facts: Sequence[ReclassifiedLine], lot_expirations: Mapping[LotKey, date | None],
                       lot_quantities: Mapping[LotKey, Decimal]) -> None:
    """T3: a lot's expiration date changes only for the whole lot at once; every other line keeps to the
    date of the lot it ends up in."""
    redated: dict[LotKey, Decimal] = {}
    for f in facts:
        lot = f.to_tracking.lot
        if lot and lot == f.from_tracking.lot and f.to_tracking.expiration != f.from_tracking.expiration:
            redated[(f.item_no, lot)] = redated.get((f.item_no, lot), ZERO) + f.quantity
    for (item_no, lot), quantity in redated.items():
        in_stock = lot_quantities.get((item_no, lot), ZERO)
        if quantity != in_stock:
            raise ExpirationMismatchError(
                f"Lot {lot} of item {item_no} has {in_stock} in stock and this reclassification re-dates "
                f"{quantity}: a new expiration date must cover the whole lot, so add the rest of it."
            )
    known = {lot: expiration for lot, expiration in lot_expirations.items() if lot not in redated}
    check_lot_expirations(((f.item_no, f.to_tracking) for f in facts), known)
