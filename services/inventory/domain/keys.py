"""Stock keys: every quantity this service counts belongs to an item, variant and location, and
optionally to a serial and lot number.

Blank strings (never None) stand for "no variant" and "no serial/lot number", so the keys map
unchanged onto composite primary keys in SQL.
"""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class TrackingNumbers:
    """The serial and/or lot number a line carries or a demand names; blank means "any"."""

    serial_no: str = ""
    lot_no: str = ""

    @property
    def is_blank(self) -> bool:
        return not (self.serial_no or self.lot_no)

    def matches(self, key: "TrackingKey") -> bool:
        """True when `key` carries every number named here (a blank number names nothing)."""
        return self.serial_no in ("", key.serial_no) and self.lot_no in ("", key.lot_no)

    def __str__(self) -> str:
        named = [f"serial {self.serial_no}" if self.serial_no else "", f"lot {self.lot_no}" if self.lot_no else ""]
        return " ".join(part for part in named if part) or "no serial or lot"


BLANK = TrackingNumbers()
"""No serial and no lot number: a nonspecific reservation, an untracked line."""


@dataclass(frozen=True, order=True)
class LocationKey:
    """Item + variant + location: the level at which inventory, reservations and tracking live (I4)."""

    item_no: str
    location_code: str
    variant_code: str = ""

    @property
    def location_key(self) -> "LocationKey":
        return self

    def tracked(self, numbers: TrackingNumbers = TrackingNumbers()) -> "TrackingKey":
        return TrackingKey(self.item_no, self.location_code, self.variant_code, numbers.serial_no, numbers.lot_no)

    def __str__(self) -> str:
        variant = f" variant {self.variant_code}" if self.variant_code else ""
        return f"item {self.item_no}{variant} at location {self.location_code}"


@dataclass(frozen=True, order=True)
class TrackingKey:
    """Item + variant + location + serial + lot: the key of one kind of item ledger entry."""

    item_no: str
    location_code: str
    variant_code: str = ""
    serial_no: str = ""
    lot_no: str = ""

    @property
    def location_key(self) -> LocationKey:
        return LocationKey(self.item_no, self.location_code, self.variant_code)

    @property
    def numbers(self) -> TrackingNumbers:
        return TrackingNumbers(self.serial_no, self.lot_no)

    def __str__(self) -> str:
        variant = f" variant {self.variant_code}" if self.variant_code else ""
        numbers = "" if self.numbers.is_blank else f" {self.numbers}"
        return f"item {self.item_no}{variant}{numbers} at location {self.location_code}"


@dataclass(frozen=True, order=True)
class BlockedTracking:
    """T4: a serial and/or lot number of an item variant that takes part in no reservation, at
    any location. Blocking a lot blocks every serial in it."""

    item_no: str
    variant_code: str
    numbers: TrackingNumbers

    def covers(self, key: TrackingKey) -> bool:
        return key.item_no == self.item_no and key.variant_code == self.variant_code and self.numbers.matches(key)

    def __str__(self) -> str:
        variant = f" variant {self.variant_code}" if self.variant_code else ""
        return f"{self.numbers} of item {self.item_no}{variant}"
