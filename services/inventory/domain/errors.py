"""Named refusals of the inventory domain.

Every refusal carries a stable `reason_code` (it travels in the `command.rejected` fact and never
changes) and a message a person can act on: which item, location, serial or lot, and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from .quantities import ZERO

if TYPE_CHECKING:
    from .availability import AvailabilityBreakdown
    from .demand import Demand
    from .keys import LocationKey, TrackingKey


class InventoryError(Exception):
    """`explanations` are the domain events that explain the refusal to whoever asked (e.g. a rejected
    reservation with its availability numbers); they are published with the rejection, nothing else is."""

    reason_code: ClassVar[str] = "inventory_error"
    # What is missing is owned by the warehouse service and may be on its way (a location just configured).
    awaits_other_service: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.explanations: tuple[object, ...] = ()


# --- items and locations ------------------------------------------------------------------------
class UnknownTrackingPolicyError(InventoryError):
    reason_code = "unknown_tracking_policy"

    def __init__(self, policy: str, known: Iterable[str]) -> None:
        super().__init__(f"Tracking policy '{policy}' is unknown; use one of: {', '.join(known)}.")


class InvalidItemDefinitionError(InventoryError):
    reason_code = "invalid_item_definition"

    def __init__(self, item_no: str, problem: str) -> None:
        super().__init__(f"Item '{item_no}' cannot be registered: {problem}.")


class InvalidWarrantyFormulaError(InventoryError):
    """Q2: a warranty date formula the service cannot read."""

    reason_code = "invalid_warranty_formula"

    def __init__(self, formula: str, problem: str) -> None:
        super().__init__(
            f"Warranty date formula '{formula}' is not valid: {problem}; use whole numbers with D (days), "
            "W (weeks), M (months) or Y (years), e.g. 2Y, 18M, 90D, 1Y6M, or leave it blank for no warranty."
        )


class ItemAlreadyRegisteredError(InventoryError):
    reason_code = "item_already_registered"

    def __init__(self, item_no: str, differences: Iterable[str]) -> None:
        super().__init__(
            f"Item {item_no} is already registered with a different {', '.join(differences)}; "
            "register the new definition under another item number."
        )


class UnitInUseError(InventoryError):
    """U4: a unit's quantity per base unit cannot change while documents or stock use it."""

    reason_code = "unit_in_use"

    def __init__(self, item_no: str, changed: Iterable[str], removed: Iterable[str]) -> None:
        problems = [f"unit {code} changes its quantity per base unit" for code in changed]
        problems += [f"unit {code} is removed" for code in removed]
        super().__init__(
            f"Item {item_no}: {'; '.join(problems)}, but open item ledger entries were stated in it: keep "
            "the unit as it is until that stock is gone, or add a new unit with the new quantity.")


class UnknownItemError(InventoryError):
    reason_code = "unknown_item"

    def __init__(self, item_no: str) -> None:
        super().__init__(f"Item {item_no} is not registered; register it before reserving, assigning or posting it.")


class UnknownLocationError(InventoryError):
    reason_code = "unknown_location"
    awaits_other_service = True

    def __init__(self, location_code: str) -> None:
        super().__init__(f"Location {location_code} is unknown; configure it in the warehouse first.")


# --- tracking numbers and quantities (T1, T3, I1) -----------------------------------------------
class InvalidQuantityError(InventoryError):
    reason_code = "invalid_quantity"

    def __init__(self, what: str, quantity: Decimal, expected: str) -> None:
        super().__init__(f"The {what} must be {expected}, not {quantity}; correct the quantity and send it again.")


def require_positive(quantity: Decimal, what: str) -> None:
    if quantity <= ZERO:
        raise InvalidQuantityError(what, quantity, "greater than zero")


class TrackingNumberRequiredError(InventoryError):
    reason_code = "tracking_number_required"

    def __init__(self, item_no: str, number: str) -> None:
        super().__init__(f"Item {item_no} is tracked by {number}; give the {number} on every line that handles it.")


class TrackingNumberNotAllowedError(InventoryError):
    reason_code = "tracking_number_not_allowed"

    def __init__(self, item_no: str, number: str) -> None:
        super().__init__(f"Item {item_no} is not tracked by {number}; remove the {number} from the line.")


class SerialQuantityMustBeOneError(InventoryError):
    reason_code = "serial_quantity_must_be_one"

    def __init__(self, item_no: str, serial_no: str, quantity: Decimal) -> None:
        super().__init__(f"Serial {serial_no} of item {item_no} is a single unit; use quantity 1, not {quantity}.")


class ExpirationDateRequiredError(InventoryError):
    reason_code = "expiration_date_required"

    def __init__(self, key: TrackingKey) -> None:
        super().__init__(f"Item {key.item_no} requires an expiration date; receive {key} with its expiration date.")


# --- ledger (I2) ---------------------------------------------------------------------------------
class CannotBeFullyAppliedError(InventoryError):
    reason_code = "cannot_be_fully_applied"

    def __init__(self, key: TrackingKey, needed: Decimal, open_quantity: Decimal) -> None:
        super().__init__(
            f"Item {key.item_no} cannot be fully applied: {needed} of {key} must leave inventory but only "
            f"{open_quantity} is open; post the missing receipt or warehouse adjustment first."
        )
        self.key = key
        self.needed = needed
        self.open_quantity = open_quantity


# --- reservations (I3-I6) ------------------------------------------------------------------------
class ReservationBelowLocationLevelError(InventoryError):
    reason_code = "reservation_below_location_level"

    def __init__(self, location: LocationKey, named: str) -> None:
        super().__init__(
            f"Reservations live at location level; remove {named} from the request and reserve {location}."
        )


class InsufficientAvailabilityError(InventoryError):
    reason_code = "insufficient_availability"

    def __init__(self, what: str, requested: Decimal, breakdown: AvailabilityBreakdown) -> None:
        super().__init__(
            f"Only {breakdown.available_to_reserve} of the {requested} requested of {what} is available to "
            f"reserve ({breakdown}); reserve less, allow a partial reservation or wait for supply."
        )
        self.requested = requested
        self.available = breakdown.available_to_reserve
        self.breakdown = breakdown


class ReservationNotFoundError(InventoryError):
    reason_code = "reservation_not_found"

    def __init__(self, demand: Demand, what: str) -> None:
        super().__init__(f"{demand} has no reservation of {what}; check the demand line and the item.")


class TrackingUnchangedError(InventoryError):
    reason_code = "tracking_unchanged"

    def __init__(self, demand: Demand, named: str) -> None:
        super().__init__(f"The reservation of {demand} already names {named}; name other numbers to change it.")


class ReductionExceedsReservationError(InventoryError):
    reason_code = "reduction_exceeds_reservation"

    def __init__(self, demand: Demand, location: LocationKey, reduction: Decimal, reserved: Decimal) -> None:
        super().__init__(
            f"{demand} has {reserved} of {location} reserved, less than the reduction of {reduction}; "
            "reduce by at most that or cancel the reservation."
        )


# --- blocked serial/lot numbers (T4) --------------------------------------------------------------
class TrackingBlockedError(InventoryError):
    reason_code = "tracking_blocked"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is blocked and cannot be reserved; unblock it or reserve other numbers.")


class TrackingNotBlockedError(InventoryError):
    reason_code = "tracking_not_blocked"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not blocked; check the item, variant, serial and lot number.")


# --- lot and serial information (Q1) -------------------------------------------------------------
class TrackingQuarantinedError(InventoryError):
    reason_code = "tracking_quarantined"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} is in quarantine and cannot be reserved; reserve other numbers, or release it "
            "(SetTrackingInformation with quality status released) once its test has passed."
        )


class TrackingRejectedError(InventoryError):
    reason_code = "tracking_rejected"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} was rejected by quality control and cannot be reserved; reserve other numbers."
        )


class UnknownQualityStatusError(InventoryError):
    reason_code = "unknown_quality_status"

    def __init__(self, status: str, known: Iterable[str]) -> None:
        super().__init__(f"Quality status '{status}' is unknown; use one of: {', '.join(known)}.")


class OneTrackingNumberError(InventoryError):
    """Q1: an information record belongs to one lot or one serial."""

    reason_code = "one_tracking_number_required"

    def __init__(self, item_no: str) -> None:
        super().__init__(
            f"Information about item {item_no} is kept per lot or per serial: name either the lot or the serial "
            "number, not both and not neither."
        )


# --- transfers between locations (X5) -----------------------------------------------------------
class NothingInTransitError(InventoryError):
    reason_code = "nothing_in_transit_on_transfer"

    def __init__(self, transfer_no: str, location: LocationKey) -> None:
        super().__init__(
            f"Transfer {transfer_no} has nothing of {location} in transit to it: reserve against a transfer "
            "that shipped the item to this location, or reserve at the location itself."
        )
