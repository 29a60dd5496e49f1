"""Demand: the source line (sales order line, production component, ...) that stock is promised to."""

from dataclasses import dataclass
from decimal import Decimal

from .keys import BLANK, TrackingKey, TrackingNumbers
from .quantities import ZERO


@dataclass(frozen=True, order=True)
class Demand:
    source_type: str
    source_id: str
    source_line: int

    def __str__(self) -> str:
        return f"{self.source_type} {self.source_id} line {self.source_line}"


@dataclass(frozen=True)
class DemandTracking:
    """What a demand line says about one serial/lot: the quantity assigned to it (by the order
    system, without reserving) and the quantity really picked (written by S3). They are kept apart
    because "asked for" and "taken" differ whenever a picker scans another lot (W6).

    A row whose quantities are both zero no longer exists.
    """

    demand: Demand
    key: TrackingKey
    assigned_quantity: Decimal = ZERO
    picked_quantity: Decimal = ZERO


@dataclass(frozen=True)
class Reservation:
    """`quantity` of open entry `entry_no` promised to `demand`.

    `named` is the serial/lot the demand asked for: blank for a nonspecific reservation (any
    serial/lot will do; `key` is only where the promise sits now), otherwise a specific one.
    A row with quantity zero no longer exists.
    """

    demand: Demand
    entry_no: int
    key: TrackingKey
    quantity: Decimal
    named: TrackingNumbers = BLANK

    @property
    def is_specific(self) -> bool:
        return not self.named.is_blank

    @property
    def identity(self) -> "ReservationIdentity":
        return (self.demand, self.entry_no, self.named)


ReservationIdentity = tuple[Demand, int, TrackingNumbers]
