"""Reserving stock for demand (I3, I4, I5, I6) and assigning serial/lot numbers to demand lines.

Every use case takes a `StockState` loaded for the request's item/variant/location and returns
`StockChanges`. Refusals raise an `InventoryError`; `reservation_rejected` turns a refused
reservation request into its event.
"""

from dataclasses import replace
from decimal import Decimal

from .availability import AvailabilityBreakdown
from .commands import Reserve
from .demand import Demand, Reservation, ReservationIdentity
from .errors import (
    InsufficientAvailabilityError,
    InvalidQuantityError,
    InventoryError,
    ReductionExceedsReservationError,
    ReservationBelowLocationLevelError,
    ReservationNotFoundError,
    TrackingBlockedError,
    TrackingNumberNotAllowedError,
    TrackingNumberRequiredError,
    TrackingUnchangedError,
    require_positive,
)
from .events import (
    DemandReservationChanged,
    ReservationChanged,
    ReservationCreated,
    ReservationRejected,
    ReservedSupply,
    TrackingAssigned,
)
from .information import check_usable
from .items import Item, TrackingPolicy
from .keys import LocationKey, TrackingKey, TrackingNumbers
from .quantities import ZERO, total
from .supply import portions
from .workspace import StockChanges, StockState, Workspace


def reserve(request: Reserve, state: StockState) -> StockChanges:
    """Promise supply at the location to the demand, never more than is available to reserve. A refusal
    carries its `ReservationRejected`, with the availability numbers when they were the reason."""
    try:
        return _reserve(request, state)
    except InventoryError as refusal:
        refusal.explanations = (reservation_rejected(request, refusal),)
        raise


def _reserve(request: Reserve, state: StockState) -> StockChanges:
    workspace = Workspace(state)
    _check_request(request, workspace)
    granted, shortage = _grantable_quantity(request, workspace)
    before = _reserved_by_entry(workspace, request.demand, request.location)
    entries = workspace.supply.open_entries(request.location, request.named)
    placed = workspace.supply.reserve_on(request.demand, request.named, granted, entries, "made_room_for_specific")
    supply = _added_supply(before, _reserved_by_entry(workspace, request.demand, request.location))
    workspace.record(
        ReservationCreated(request.demand, request.location, request.named, placed, request.quantity, supply,
                           shortage)
    )
    return workspace.outcome()


def reservation_rejected(request: Reserve, error: InventoryError) -> ReservationRejected:
    """The event for a refused request, with the availability numbers when they were the reason."""
    shortage = error if isinstance(error, InsufficientAvailabilityError) else None
    return ReservationRejected(
        request.demand,
        request.location,
        request.named,
        request.quantity,
        error.reason_code,
        error.message,
        shortage.available if shortage else None,
        shortage.breakdown if shortage else None,
    )


def cancel_reservation(
    demand: Demand, location: LocationKey, named: TrackingNumbers, state: StockState
) -> StockChanges:
    """Cancel the demand's reservations at the location; only those naming `named`, unless blank."""
    workspace = Workspace(state)
    rows = _reservations_of(workspace, demand, location, None if named.is_blank else named)
    workspace.cancel(((row, row.quantity) for row in rows), "cancelled")
    return workspace.outcome()


def reduce_reservation(demand: Demand, location: LocationKey, reduction: Decimal, state: StockState) -> StockChanges:
    """Give back part of a reservation: nonspecific before specific (a named lot was asked for on
    purpose), newest entries first (so the oldest stock stays promised, as FIFO will ship it)."""
    require_positive(reduction, "reduction")
    workspace = Workspace(state)
    rows = sorted(_reservations_of(workspace, demand, location), key=lambda row: (row.is_specific, -row.entry_no))
    reserved = total(row.quantity for row in rows)
    if reduction > reserved:
        raise ReductionExceedsReservationError(demand, location, reduction, reserved)
    workspace.cancel(portions(rows, reduction), "reduced")
    return workspace.outcome()


def delete_demand_line(demand: Demand, location: LocationKey, state: StockState) -> StockChanges:
    """I6: a deleted demand line keeps no reservations and no serial/lot assignments. Deleting a
    line that holds none is not an error (the line may never have reserved anything); its
    reservation total, zero, is published all the same: the sender sees the deletion was carried
    out, and a replica that missed a fact is corrected."""
    workspace = Workspace(state)
    workspace.item(location.item_no)
    workspace.require_location(location.location_code)
    rows = workspace.supply.rows(demand=demand, location=location)
    workspace.cancel(((row, row.quantity) for row in rows), "demand_line_deleted")
    for row in workspace.demand_tracking_of(demand):
        workspace.set_demand_tracking(replace(row, assigned_quantity=ZERO, picked_quantity=ZERO))
    if not rows:
        workspace.record(DemandReservationChanged(demand, location, ZERO))
    return workspace.outcome()


def change_reservation_tracking(
    demand: Demand, location: LocationKey, old: TrackingNumbers, new: TrackingNumbers, state: StockState
) -> StockChanges:
    """I6: move a specific reservation to another serial/lot if the new one is available to
    reserve for the whole quantity; otherwise the reservation is cancelled (the demand no longer
    wants what it holds, and cannot have what it wants)."""
    workspace = Workspace(state)
    item = workspace.item(location.item_no)
    if new.is_blank:
        raise TrackingNumberRequiredError(item.item_no, "serial or lot number")
    item.check_numbers(new, complete=False)
    rows = _reservations_of(workspace, demand, location, old)
    quantity = total(row.quantity for row in rows)
    item.check_serial_quantity(new, quantity)
    if new == old:
        raise TrackingUnchangedError(demand, str(old))
    if _specific_availability(workspace, demand, location, new).available_to_reserve < quantity:
        workspace.cancel(((row, row.quantity) for row in rows), "new_tracking_unavailable")
        return workspace.outcome()
    freed = [workspace.supply.entry(row.entry_no) for row in rows]
    for row in rows:
        workspace.supply.take(row, row.quantity)
    entries = workspace.supply.open_entries(location, new)
    placed = workspace.supply.reserve_on(demand, new, quantity, entries, "made_room_for_specific", prefer=freed)
    workspace.record(
        ReservationChanged(demand, location.tracked(old), location.tracked(new), placed, "tracking_changed")
    )
    return workspace.outcome()


def assign_tracking(demand: Demand, key: TrackingKey, quantity: Decimal, state: StockState) -> StockChanges:
    """Write a serial/lot onto a demand line without reserving it (what the order asks for; the
    warehouse picks it first, W5). The quantity replaces any earlier assignment; zero removes it."""
    workspace = Workspace(state)
    item = workspace.item(key.item_no)
    workspace.require_location(key.location_code)
    _check_assignable(item, key, quantity)
    row = workspace.demand_tracking(demand, key)
    workspace.set_demand_tracking(replace(row, assigned_quantity=quantity))
    workspace.record(TrackingAssigned(demand, key, quantity))
    return workspace.outcome()


# --- rules ---------------------------------------------------------------------------------------
def _check_request(request: Reserve, workspace: Workspace) -> None:
    item = workspace.item(request.location.item_no)
    workspace.require_location(request.location.location_code)
    named_levels = [
        f"bin {request.bin_code}" if request.bin_code else "",
        f"zone {request.zone_code}" if request.zone_code else "",
    ]
    if any(named_levels):
        raise ReservationBelowLocationLevelError(request.location, " and ".join(filter(None, named_levels)))
    require_positive(request.quantity, "reservation quantity")
    item.check_numbers(request.named, complete=False)
    item.check_serial_quantity(request.named, request.quantity)
    _check_not_blocked(workspace, request.location, request.named)


def _check_not_blocked(workspace: Workspace, location: LocationKey, named: TrackingNumbers) -> None:
    """T4, Q1: naming a blocked, quarantined or rejected serial/lot is refused as such, not as a
    shortage, so the person asking learns what to do; its quality status is named first, since
    releasing it is another step than unblocking. (A lot with only some serials withheld is checked
    by availability.)"""
    wanted = location.tracked(named)
    if named.is_blank:
        return
    check_usable(workspace.information, wanted)
    if workspace.supply.is_blocked(wanted):
        raise TrackingBlockedError(str(wanted))


def _check_assignable(item: Item, key: TrackingKey, quantity: Decimal) -> None:
    if item.tracking_policy is TrackingPolicy.NONE:
        raise TrackingNumberNotAllowedError(item.item_no, "serial or lot number")
    item.check_numbers(key.numbers, complete=True)
    if quantity < ZERO:
        raise InvalidQuantityError("assigned quantity", quantity, "zero or more")
    if quantity > ZERO:
        item.check_serial_quantity(key.numbers, quantity)


def _grantable_quantity(request: Reserve, workspace: Workspace) -> tuple[Decimal, AvailabilityBreakdown | None]:
    """I5: all of the request, or (if allowed) what is available with the numbers that explain the
    shortfall, or a refusal with those numbers."""
    breakdown = _availability(request, workspace)
    available = breakdown.available_to_reserve
    if available >= request.quantity:
        return request.quantity, None
    if request.allow_partial and available > ZERO:
        return available, breakdown
    raise InsufficientAvailabilityError(str(request.location.tracked(request.named)), request.quantity, breakdown)


def _availability(request: Reserve, workspace: Workspace) -> AvailabilityBreakdown:
    """A nonspecific request must fit the location; a specific one also its serial/lot. The
    tighter level is the one that explains a refusal."""
    location = workspace.availability(request.location, request.demand)
    if request.named.is_blank:
        return location
    specific = _specific_availability(workspace, request.demand, request.location, request.named)
    return min(location, specific, key=lambda breakdown: breakdown.available_to_reserve)


def _specific_availability(
    workspace: Workspace, demand: Demand, location: LocationKey, named: TrackingNumbers
) -> AvailabilityBreakdown:
    """Summed over every serial/lot row the named numbers cover (a lot of a lot-and-serial item
    spans one row per serial)."""
    keys = {location.tracked(named)} | {key for key in workspace.totals.tracking_keys(location) if named.matches(key)}
    return sum((workspace.availability(key, demand) for key in keys), AvailabilityBreakdown())


def _reservations_of(
    workspace: Workspace, demand: Demand, location: LocationKey, named: TrackingNumbers | None = None
) -> list[Reservation]:
    """The demand's reservations at the location (only those naming `named`, when given)."""
    rows = [row for row in workspace.supply.rows(demand=demand, location=location) if named in (None, row.named)]
    if not rows:
        raise ReservationNotFoundError(demand, str(location.tracked(named or TrackingNumbers())))
    return rows


def _reserved_by_entry(
    workspace: Workspace, demand: Demand, location: LocationKey
) -> dict[ReservationIdentity, Reservation]:
    return {row.identity: row for row in workspace.supply.rows(demand=demand, location=location)}


def _added_supply(
    before: dict[ReservationIdentity, Reservation], after: dict[ReservationIdentity, Reservation]
) -> tuple[ReservedSupply, ...]:
    added = (
        (row, row.quantity - (before[identity].quantity if identity in before else ZERO))
        for identity, row in sorted(after.items())
    )
    return tuple(ReservedSupply(row.entry_no, row.key, quantity) for row, quantity in added if quantity > ZERO)
