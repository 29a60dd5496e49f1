"""Serial and lot numbers, expiration dates, and the rules every warehouse line obeys (T1-T5)."""

from collections.abc import Collection, Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import Enum

from warehouse.domain.errors import (
    ExpirationMismatchError,
    ExpirationRequiredError,
    LotBlockedError,
    LotExpiredError,
    LotQuarantinedError,
    LotRejectedError,
    SerialAlreadyInStockError,
    SerialBlockedError,
    SerialQuantityMustBeOneError,
    SerialQuarantinedError,
    SerialRejectedError,
    TrackingNumberNotAllowedError,
    TrackingNumberRequiredError,
    UnknownItemError,
    WarehouseError,
)

SerialKey = tuple[str, str, str]
"""(item no, variant, serial no): unique in stock across the whole company (T2)."""

LotKey = tuple[str, str]
"""(item no, lot no): a lot has one expiration date per item (T3) and is blocked per item (T4)."""


def describe_item(item_no: str, variant: str = "") -> str:
    return f"item {item_no} variant {variant}" if variant else f"item {item_no}"


class TrackingPolicy(Enum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"
    LOT_AND_SERIAL = "lot_and_serial"

    @property
    def lot_tracked(self) -> bool:
        return self in (TrackingPolicy.LOT, TrackingPolicy.LOT_AND_SERIAL)

    @property
    def serial_tracked(self) -> bool:
        return self in (TrackingPolicy.SERIAL, TrackingPolicy.LOT_AND_SERIAL)


@dataclass(frozen=True)
class Tracking:
    """The tracking numbers of a quantity: part of every stock key, blank when the item has none."""

    serial: str = ""
    lot: str = ""
    expiration: date | None = None

    def describe(self) -> str:
        parts = [f"serial {self.serial}" if self.serial else "", f"lot {self.lot}" if self.lot else ""]
        return ", ".join(p for p in parts if p) or "no serial or lot"

    def is_expired(self, today: date) -> bool:
        return self.expiration is not None and self.expiration < today


@dataclass(frozen=True)
class ItemTracking:
    """An item's tracking policy, replicated from the inventory service (it owns items)."""

    item_no: str
    policy: TrackingPolicy = TrackingPolicy.NONE
    expiration_required: bool = False
    strict_expiration: bool = False

    def check_line(self, tracking: Tracking, quantity: Decimal, variant: str = "") -> None:
        """T1 and T2: the numbers a line must (not) carry, and a serial is always one piece."""
        item = describe_item(self.item_no, variant)
        for tracked, number, kind in (
            (self.policy.lot_tracked, tracking.lot, "lot"),
            (self.policy.serial_tracked, tracking.serial, "serial"),
        ):
            if tracked and not number:
                raise TrackingNumberRequiredError(f"{item} is {kind}-tracked: scan or enter the {kind} number.")
            if number and not tracked:
                raise TrackingNumberNotAllowedError(
                    f"{item} is not {kind}-tracked: remove {kind} number {number} from the line."
                )
        if tracking.serial and abs(quantity) not in (Decimal(0), Decimal(1)):
            raise SerialQuantityMustBeOneError(
                f"Serial {tracking.serial} of {item} is one piece, not {quantity}: enter one line per serial."
            )

    def check_new_stock(self, tracking: Tracking, variant: str = "") -> None:
        """T3: stock that enters the warehouse must carry the expiration date the item requires."""
        if self.expiration_required and tracking.expiration is None:
            raise ExpirationRequiredError(
                f"{describe_item(self.item_no, variant)} requires an expiration date: "
                f"enter it for {tracking.describe()}."
            )

    def check_not_expired(self, tracking: Tracking, today: date, variant: str = "") -> None:
        """T5: with strict expiration, stock that expired before today is neither picked nor shipped."""
        if self.strict_expiration and tracking.is_expired(today):
            raise LotExpiredError(
                f"The stock of {describe_item(self.item_no, variant)} ({tracking.describe()}) expired on "
                f"{_show(tracking.expiration)}: choose stock that has not expired."
            )


QUARANTINE, REJECTED = "quarantine", "rejected"
"""Q1: the quality statuses that withhold a lot or serial like a block; `released` withholds nothing."""
QualityKey = tuple[str, str, str, str]
"""(item no, variant, "lot" or "serial", number): the lot or serial a quality status belongs to (Q1)."""


@dataclass(frozen=True)
class BlockedTracking:
    """Blocked lots and serials (T4), and quarantined or rejected ones (`withheld`, Q1: they behave like
    blocked ones), replicated from the inventory service's facts."""

    lots: frozenset[LotKey] = frozenset()
    serials: frozenset[tuple[str, str]] = frozenset()
    withheld: Mapping[QualityKey, str] = field(default_factory=dict)  # quarantine or rejected only

    def blocks(self, item_no: str, tracking: Tracking, variant: str = "") -> bool:
        return ((item_no, tracking.lot) in self.lots or (item_no, tracking.serial) in self.serials
                or bool(self._withheld(item_no, tracking, variant)))

    def check(self, item_no: str, tracking: Tracking, variant: str = "") -> None:
        """T4, then Q1: a rejected number is named before a quarantined one (no test will release it)."""
        if (item_no, tracking.lot) in self.lots:
            raise LotBlockedError(f"Lot {tracking.lot} of item {item_no} is blocked: choose another lot or unblock it.")
        if (item_no, tracking.serial) in self.serials:
            raise SerialBlockedError(
                f"Serial {tracking.serial} of item {item_no} is blocked: choose another serial or unblock it."
            )
        if withheld := self._withheld(item_no, tracking, variant):
            status, kind, number = withheld[0]
            raise _WITHHELD[status, kind](_withheld_message(status, kind, number, item_no))

    def _withheld(self, item_no: str, tracking: Tracking, variant: str) -> list[tuple[str, str, str]]:
        """(status, "lot" or "serial", number) of the tracking's numbers a quality status withholds, rejected first."""
        found = [(status, kind, number) for kind, number in (("lot", tracking.lot), ("serial", tracking.serial))
                 if number and (status := self.withheld.get((item_no, variant, kind, number)))]
        return sorted(found, key=lambda withheld: withheld[0] != REJECTED)


_WITHHELD: dict[tuple[str, str], type[WarehouseError]] = {
    (QUARANTINE, "lot"): LotQuarantinedError, (QUARANTINE, "serial"): SerialQuarantinedError,
    (REJECTED, "lot"): LotRejectedError, (REJECTED, "serial"): SerialRejectedError,
}


def _withheld_message(status: str, kind: str, number: str, item_no: str) -> str:
    if status == REJECTED:
        return (f"{kind.capitalize()} {number} of item {item_no} was rejected by quality control: choose another "
                f"{kind}; rejected stock is neither picked nor moved.")
    return (f"{kind.capitalize()} {number} of item {item_no} is in quarantine: choose another {kind}, or have it "
            "released in the inventory service (SetTrackingInformation, quality status released) once its test passed.")


def check_serials_not_in_stock(serials: Iterable[SerialKey], in_stock: Container[SerialKey],
                               leaving: Collection[SerialKey] = ()) -> None:
    """T2: a serial may be in stock only once in the company, so neither stock nor this command may repeat
    it. `leaving` are serials this same command takes out of stock (a relabel, a unit counted elsewhere)."""
    seen: set[SerialKey] = set()
    for key in serials:
        if (key in in_stock and key not in leaving) or key in seen:
            item_no, variant, serial = key
            raise SerialAlreadyInStockError(
                f"Serial {serial} of {describe_item(item_no, variant)} is already in stock: "
                "check the label, or find and adjust the existing unit first."
            )
        seen.add(key)


def check_lot_expirations(lots: Iterable[tuple[str, Tracking]], known: Mapping[LotKey, date | None]) -> None:
    """T3: every quantity of a lot shares the lot's one expiration date (known ones and this command's)."""
    expirations = dict(known)
    for item_no, tracking in lots:
        if not tracking.lot:
            continue
        key = (item_no, tracking.lot)
        if key in expirations and expirations[key] != tracking.expiration:
            raise ExpirationMismatchError(
                f"Lot {tracking.lot} of item {item_no} expires on {_show(expirations[key])}, not on "
                f"{_show(tracking.expiration)}: use the lot's date, or reclassify the whole lot first."
            )
        expirations[key] = tracking.expiration


def with_lot_expiration(item_no: str, tracking: Tracking, known: Mapping[LotKey, date | None]) -> Tracking:
    """T3: stock of a known lot entered without a date gets the lot's date, so nobody has to type it again."""
    if tracking.lot and tracking.expiration is None:
        return replace(tracking, expiration=known.get((item_no, tracking.lot)))
    return tracking


def _show(expiration: date | None) -> str:
    return expiration.isoformat() if expiration else "no date"


def item_tracking(items: Mapping[str, ItemTracking], item_no: str) -> ItemTracking:
    try:
        return items[item_no]
    except KeyError:
        raise UnknownItemError(
            f"Item {item_no} is not known to the warehouse: register it in the inventory service first."
        ) from None
