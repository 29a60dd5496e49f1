"""Blocking serial/lot numbers (T4): a blocked number takes part in no pick, movement or reservation.

The inventory service owns this information per item and publishes it; the warehouse keeps
blocked numbers out of picks and movements from those facts. A block holds at every location, so
the persistence layer stores it and runs `withdraw_blocked_supply` once per location where the
item is stocked, in the same transaction.
"""

from .errors import OneTrackingNumberError, TrackingNotBlockedError, TrackingNumberRequiredError, UnknownItemError
from .events import TrackingBlocked, TrackingInformationChanged, TrackingUnblocked
from .information import QualityStatus, TrackingInformation
from .items import Item
from .keys import BlockedTracking
from .workspace import StockChanges, StockState, Workspace


def block_tracking(blocked: BlockedTracking, reason: str, item: Item | None) -> TrackingBlocked:
    """Check that these numbers can be blocked. Blocking them again is harmless (commands are
    retried), so it is not refused."""
    _check_numbers(blocked, item)
    return TrackingBlocked(blocked, reason)


def unblock_tracking(blocked: BlockedTracking, item: Item | None, is_blocked: bool) -> TrackingUnblocked:
    """Unblocking exactly what was blocked; anything else is most likely a typing error."""
    _check_numbers(blocked, item)
    if not is_blocked:
        raise TrackingNotBlockedError(str(blocked))
    return TrackingUnblocked(blocked)


def withdraw_blocked_supply(state: StockState, reason: str = "tracking_blocked") -> StockChanges:
    """Reservations sitting on blocked numbers (blocked, quarantined or rejected: Q1) move to other
    entries their promise allows (a nonspecific one to any free stock, a specific one to other serials
    of its named lot), or are cancelled: the order can then be re-planned instead of waiting for stock
    nobody may ship. `reason` says why the number was just withheld."""
    workspace = Workspace(state)
    supply = workspace.supply
    on_blocked = [row.entry_no for row in supply.rows() if supply.is_blocked(row.key)]
    workspace.cancel(supply.resettle(on_blocked, reason), reason)
    return workspace.outcome()


# --- lot and serial information (Q1, Q3) ---------------------------------------------------------
def set_tracking_information(
    information: TrackingInformation, item: Item | None, previous: TrackingInformation | None
) -> TrackingInformationChanged:
    """Setting the same record again is harmless (commands are retried) and is confirmed again."""
    if item is None:
        raise UnknownItemError(information.item_no)
    numbers = information.numbers
    if bool(numbers.serial_no) == bool(numbers.lot_no):
        raise OneTrackingNumberError(item.item_no)
    item.check_numbers(numbers, complete=False)
    return TrackingInformationChanged(information, previous.status if previous else QualityStatus.RELEASED)


def _check_numbers(blocked: BlockedTracking, item: Item | None) -> None:
    if item is None:
        raise UnknownItemError(blocked.item_no)
    if blocked.numbers.is_blank:
        raise TrackingNumberRequiredError(item.item_no, "serial or lot number")
    item.check_numbers(blocked.numbers, complete=False)

