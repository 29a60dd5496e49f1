"""Lot and serial information (Q1, Q3): per item + lot and per item + serial, a quality status, a
certificate or test number and a comment.

A quarantined or rejected number behaves like a blocked one (T4): the status imposes a block, so the
supply book and availability withhold it exactly as they withhold blocked numbers, and a reservation
naming it is refused with its own reason. Released (or never described) numbers are usable. The
inventory owns the information and publishes it; the warehouse replicates it (Q3). Setting it is
`blocking.set_tracking_information`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import TrackingQuarantinedError, TrackingRejectedError, UnknownQualityStatusError
from .keys import BlockedTracking, TrackingKey, TrackingNumbers


class QualityStatus(StrEnum):
    RELEASED = "released"
    QUARANTINE = "quarantine"
    REJECTED = "rejected"

    @classmethod
    def parse(cls, value: str) -> "QualityStatus":
        try:
            return cls(value)
        except ValueError:
            raise UnknownQualityStatusError(value, [status.value for status in cls]) from None


@dataclass(frozen=True)
class TrackingInformation:
    """The record of one lot or one serial (the other number blank) of an item variant, at every location."""

    item_no: str
    variant_code: str
    numbers: TrackingNumbers
    status: QualityStatus = QualityStatus.RELEASED
    certificate_no: str = ""
    comment: str = ""

    @property
    def number(self) -> BlockedTracking:
        """The item variant's lot or serial this record describes."""
        return BlockedTracking(self.item_no, self.variant_code, self.numbers)

    @property
    def block(self) -> BlockedTracking | None:
        """Q1: the block a quarantined or rejected status imposes (T4); none while released."""
        return None if self.status is QualityStatus.RELEASED else self.number


REFUSALS = {QualityStatus.REJECTED: TrackingRejectedError, QualityStatus.QUARANTINE: TrackingQuarantinedError}
"""The refusal of each withholding status, the most severe first (no test makes a rejected number usable)."""


def check_usable(information: Iterable[TrackingInformation], wanted: TrackingKey) -> None:
    """Q1: a reservation naming a rejected or quarantined number (its lot or its serial) is refused as such."""
    statuses = {record.status for record in information if record.number.covers(wanted)}
    for status, refusal in REFUSALS.items():
        if status in statuses:
            raise refusal(str(wanted))


def withheld_reason(status: QualityStatus) -> str:
    """Why reservations leave a number that was just quarantined or rejected (their cancellation's reason)."""
    return REFUSALS[status].reason_code
