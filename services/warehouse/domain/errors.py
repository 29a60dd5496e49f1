"""Named refusals of the warehouse domain.

Every refusal carries a stable `reason_code` (it travels in the `command.rejected` fact and never
changes) and a message a person can act on: which item, bin, serial or lot, and what to do.
"""

from typing import ClassVar


class WarehouseError(Exception):
    """`awaits_other_service`: what is missing is owned by the inventory service and may be on its way."""

    reason_code: ClassVar[str] = "warehouse_error"
    awaits_other_service: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- configuration -----------------------------------------------------------------------------
class UnknownLocationError(WarehouseError):
    reason_code = "unknown_location"


class UnknownZoneError(WarehouseError):
    reason_code = "unknown_zone"


class UnknownBinError(WarehouseError):
    reason_code = "unknown_bin"


class UnknownItemError(WarehouseError):
    reason_code = "unknown_item"
    awaits_other_service = True  # registered in the inventory service a moment ago, perhaps


class DuplicateZoneError(WarehouseError):
    reason_code = "duplicate_zone"


class DuplicateBinError(WarehouseError):
    reason_code = "duplicate_bin"


class InvalidBinTypeError(WarehouseError):
    reason_code = "invalid_bin_type"


class BinNotEmptyError(WarehouseError):
    reason_code = "bin_not_empty"


# --- documents (W11) ---------------------------------------------------------------------------
class DocumentNotFoundError(WarehouseError):
    reason_code = "document_not_found"


class DuplicateDocumentError(WarehouseError):
    """Document numbers are chosen by the sender; a number already used is refused, never overwritten."""

    reason_code = "duplicate_document"


class DocumentLineNotFoundError(WarehouseError):
    reason_code = "document_line_not_found"


class LineClosedError(WarehouseError):
    reason_code = "line_closed"


class QuantityNotPositiveError(WarehouseError):
    reason_code = "quantity_not_positive"


class QuantityExceedsOutstandingError(WarehouseError):
    reason_code = "quantity_exceeds_outstanding"


class NegativeCountError(WarehouseError):
    reason_code = "negative_count"


class NothingToReceiveError(WarehouseError):
    reason_code = "nothing_to_receive"


# --- bins and stock (W1, W3, W7) ---------------------------------------------------------------
class InsufficientBinContentError(WarehouseError):
    reason_code = "insufficient_bin_content"


class BinBlockedInboundError(WarehouseError):
    reason_code = "bin_blocked_inbound"


class BinBlockedOutboundError(WarehouseError):
    reason_code = "bin_blocked_outbound"


class ContentInReceiveBinError(WarehouseError):
    reason_code = "content_in_receive_bin"


class ContentInShipBinError(WarehouseError):
    reason_code = "content_in_ship_bin"


class AdjustmentBinNotAllowedError(WarehouseError):
    reason_code = "adjustment_bin_not_allowed"


class BinNotAllowedError(WarehouseError):
    """The bin exists but its type takes no part in this flow (e.g. a put-away into a ship bin)."""

    reason_code = "bin_not_allowed"


# --- tracking numbers (T1-T5) ------------------------------------------------------------------
class TrackingNumberRequiredError(WarehouseError):
    reason_code = "tracking_number_required"


class TrackingNumberNotAllowedError(WarehouseError):
    reason_code = "tracking_number_not_allowed"


class SerialQuantityMustBeOneError(WarehouseError):
    reason_code = "serial_quantity_must_be_one"


class SerialAlreadyInStockError(WarehouseError):
    reason_code = "serial_already_in_stock"


class ExpirationRequiredError(WarehouseError):
    reason_code = "expiration_required"


class ExpirationMismatchError(WarehouseError):
    reason_code = "expiration_mismatch"


class LotBlockedError(WarehouseError):
    reason_code = "lot_blocked"


class SerialBlockedError(WarehouseError):
    reason_code = "serial_blocked"


class LotQuarantinedError(WarehouseError):
    reason_code = "lot_quarantined"


class SerialQuarantinedError(WarehouseError):
    reason_code = "serial_quarantined"


class LotRejectedError(WarehouseError):
    reason_code = "lot_rejected"


class SerialRejectedError(WarehouseError):
    reason_code = "serial_rejected"


class LotExpiredError(WarehouseError):
    reason_code = "lot_expired"


# --- picking and shipping (W4-W6, I7) ----------------------------------------------------------
class NothingToPickError(WarehouseError):
    reason_code = "nothing_to_pick"


class ReservedForOtherDemandError(WarehouseError):
    reason_code = "reserved_for_other_demand"


class NothingToShipError(WarehouseError):
    reason_code = "nothing_to_ship"


class ShipmentExceedsPickedError(WarehouseError):
    reason_code = "shipment_exceeds_picked"


class NothingToAdjustError(WarehouseError):
    reason_code = "nothing_to_adjust"
