"""Items and how their stock is tracked (T1, T3), and registering them."""

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from units_of_measure import FINEST, ONE, ItemUnits, Unit, UnitError, changed_units, check_definition

from .errors import (
    ExpirationDateRequiredError,
    InvalidItemDefinitionError,
    ItemAlreadyRegisteredError,
    SerialQuantityMustBeOneError,
    TrackingNumberNotAllowedError,
    TrackingNumberRequiredError,
    UnitInUseError,
    UnknownItemError,
    UnknownTrackingPolicyError,
)
from .events import ItemRegistered, ItemUnitsSet
from .keys import TrackingKey, TrackingNumbers
from .warranty import WarrantyFormula


class TrackingPolicy(StrEnum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"
    LOT_AND_SERIAL = "lot_and_serial"

    @classmethod
    def parse(cls, value: str) -> "TrackingPolicy":
        try:
            return cls(value)
        except ValueError:
            raise UnknownTrackingPolicyError(value, [policy.value for policy in cls]) from None

    @property
    def tracks_lots(self) -> bool:
        return self in (TrackingPolicy.LOT, TrackingPolicy.LOT_AND_SERIAL)

    @property
    def tracks_serials(self) -> bool:
        return self in (TrackingPolicy.SERIAL, TrackingPolicy.LOT_AND_SERIAL)


@dataclass(frozen=True)
class Item:
    item_no: str
    base_unit: str
    tracking_policy: TrackingPolicy
    expiration_required: bool = False
    strict_expiration: bool = False
    warranty_formula: WarrantyFormula | None = None
    rounding_precision: Decimal = FINEST
    units: tuple[Unit, ...] = ()

    @property
    def measures(self) -> ItemUnits:
        """U1: the base unit and the other units, for conversion (units_of_measure)."""
        return ItemUnits(self.item_no, self.base_unit, self.rounding_precision, {u.code: u for u in self.units})

    def warranty_date(self, posting_date: date | None) -> date | None:
        """Q2: the warranty date of stock of this item posted on `posting_date` (none without a formula)."""
        if self.warranty_formula is None or posting_date is None:
            return None
        return self.warranty_formula.date_after(posting_date)

    def check_numbers(self, numbers: TrackingNumbers, *, complete: bool) -> None:
        """T1: a number the policy does not track is never accepted. Lines that handle stock
        (`complete`) must carry every tracked number; a reservation request may name fewer
        (none: nonspecific; only the lot of a lot-and-serial item)."""
        for number, tracked, given in (
            ("serial number", self.tracking_policy.tracks_serials, numbers.serial_no),
            ("lot number", self.tracking_policy.tracks_lots, numbers.lot_no),
        ):
            if given and not tracked:
                raise TrackingNumberNotAllowedError(self.item_no, number)
            if complete and tracked and not given:
                raise TrackingNumberRequiredError(self.item_no, number)

    def check_serial_quantity(self, numbers: TrackingNumbers, quantity: Decimal) -> None:
        """I1/T2: a serial number is one unit, whichever direction it moves."""
        if numbers.serial_no and abs(quantity) != 1:
            raise SerialQuantityMustBeOneError(self.item_no, numbers.serial_no, quantity)

    def check_expiration(self, key: TrackingKey, expiration_date: date | None) -> None:
        """T3: stock of an item that requires expiration cannot enter inventory without one."""
        if self.expiration_required and expiration_date is None:
            raise ExpirationDateRequiredError(key)

    def differences_from(self, other: "Item") -> list[str]:
        return [f.name.replace("_", " ") for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


@dataclass(frozen=True)
class ItemRegistration:
    """`is_new` tells the persistence layer whether there is a row to insert, `is_changed` whether an
    existing row's warranty date formula changes (Q2)."""

    item: Item
    is_new: bool
    events: tuple[ItemRegistered, ...]
    is_changed: bool = False


def register_item(
    item_no: str,
    base_unit: str,
    tracking_policy: str,
    expiration_required: bool = False,
    strict_expiration: bool = False,
    warranty_formula: str | None = None,
    rounding_precision: Decimal | None = None,
    units: tuple[Unit, ...] = (),
    *,
    registered: Item | None = None,
) -> ItemRegistration:
    """Define an item. Sending the same definition again is harmless (commands are retried) and
    is confirmed: `ItemRegistered` is published again with the same content, so the sender gets
    an answer and a replica that missed the first one catches up. Changing an existing
    definition is refused, because entries already posted were checked against it; only the
    warranty date formula may change (Q2: it dates entries still to come, posted ones keep theirs),
    and leaving it out (None) keeps the item's."""
    for field, value in (("item number", item_no), ("base unit of measure", base_unit)):
        if not value.strip():
            raise InvalidItemDefinitionError(item_no, f"the {field} is blank")
    policy = TrackingPolicy.parse(tracking_policy)
    formula = _warranty_formula(warranty_formula, registered)
    if formula and policy is TrackingPolicy.NONE:
        raise InvalidItemDefinitionError(item_no, "a warranty date formula needs lot or serial tracking (Q2)")
    precision = rounding_precision or (ONE if policy.tracks_serials else FINEST)
    item = Item(item_no, base_unit, policy, expiration_required, strict_expiration, formula, precision,
                _checked_units(item_no, base_unit, precision, units))
    if registered is None:
        return ItemRegistration(item, True, (_registered(item),))
    if rounding_precision is None and not units:  # U1: names no units, so it keeps those SetItemUnits set
        item = replace(item, rounding_precision=registered.rounding_precision, units=registered.units)
    if (same_formula := replace(registered, warranty_formula=formula)) != item:
        raise ItemAlreadyRegisteredError(item_no, item.differences_from(same_formula))
    return ItemRegistration(item, False, (_registered(item),), is_changed=registered != item)


def _registered(item: Item) -> ItemRegistered:
    return ItemRegistered(item.item_no, item.base_unit, item.tracking_policy.value, item.expiration_required,
                          item.strict_expiration, str(item.warranty_formula or ""), item.measures)


def _warranty_formula(text: str | None, registered: Item | None) -> WarrantyFormula | None:
    if text is None:
        return registered.warranty_formula if registered else None
    return WarrantyFormula.parse(text) if text.strip() else None


def _checked_units(item_no: str, base_unit: str, precision: Decimal, units: tuple[Unit, ...]) -> tuple[Unit, ...]:
    """U1: the units as given, sorted by code; a precision left out (zero) is the base unit's."""
    checked = tuple(sorted((Unit(u.code, u.per_base, u.precision or precision) for u in units),
                           key=lambda u: u.code))
    if len({u.code for u in checked}) < len(checked):
        raise InvalidItemDefinitionError(item_no, "a unit is named twice")
    try:
        check_definition(ItemUnits(item_no, base_unit, precision, {u.code: u for u in checked}))
    except UnitError as error:
        raise InvalidItemDefinitionError(item_no, error.message.rstrip(".")) from None
    return checked


def set_item_units(item: Item | None, item_no: str, rounding_precision: Decimal | None, units: tuple[Unit, ...],
                   units_in_use: frozenset[str]) -> tuple[Item, ItemUnitsSet]:
    """U1, U4: replace the item's units. A unit that documents or stock use (`units_in_use`) keeps its
    quantity per base unit and cannot be removed; everything else may change."""
    if item is None:
        raise UnknownItemError(item_no)
    precision = rounding_precision or item.rounding_precision
    changed = replace(item, rounding_precision=precision,
                      units=_checked_units(item_no, item.base_unit, precision, units))
    kept = {u.code for u in changed.units}
    removed = sorted(code for code in units_in_use if code not in kept and code != item.base_unit)
    touched = [code for code in changed_units(item.measures, changed.measures) if code in units_in_use]
    if touched or removed:
        raise UnitInUseError(item_no, touched, removed)
    return changed, ItemUnitsSet(changed.measures)
