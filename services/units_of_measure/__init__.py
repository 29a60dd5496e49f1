"""Units of measure of an item (U1-U3): the base unit, the item's other units with their quantity per base
unit, and the exact conversion between them. Pure and synchronous, standard library only: both services'
boundaries (their `messages` translators and use cases) and domains use it as they use `decimal`.

A quantity stated in a unit converts to base units by exact `Decimal` multiplication; it is refused unless
the result is a whole multiple of the unit's rounding precision for base quantities (`NotConvertibleError`,
naming the unit and the nearest valid quantities below and above). A view in a unit divides a base quantity
by the unit's quantity per base unit, truncated towards zero at six decimal places (the wire's precision),
so a view never shows more than there is.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_FLOOR, Context, Decimal, localcontext

FINEST = Decimal("0.000001")
"""The finest quantity the wire and the databases hold (numeric(18,6)): the default rounding precision."""
ONE = Decimal(1)
_EXACT = Context(prec=60)


class UnitError(Exception):
    """A quantity or unit definition the item's units refuse; each service raises it as its own refusal."""

    reason_code = "unit_error"

    def __init__(self, message: str, details: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})


class UnknownUnitError(UnitError):
    reason_code = "unknown_unit"


class NotConvertibleError(UnitError):
    reason_code = "quantity_not_convertible"


class SerialsLackingError(UnitError):
    reason_code = "serials_lacking"


class InvalidUnitError(UnitError):
    reason_code = "invalid_unit"


def plain(quantity: Decimal) -> str:
    """10.000000 -> '10', 2.50 -> '2.5', never in exponent notation."""
    return f"{quantity.normalize():f}"


@dataclass(frozen=True)
class Unit:
    """A unit of an item: `per_base` base units make one of it (BOX = 12 PCS); base quantities converted from
    it are whole multiples of `precision` (1: whole pieces)."""

    code: str
    per_base: Decimal = ONE
    precision: Decimal = FINEST


@dataclass(frozen=True)
class StatedUnit:
    """U2: the unit a line's quantity was stated in, kept on document lines and entries beside the base
    quantity. Blank `code`: stated in the base unit (or before units existed)."""

    code: str = ""
    per_base: Decimal = ONE


IN_BASE = StatedUnit()


@dataclass(frozen=True)
class ItemUnits:
    """U1: an item's base unit (its rounding precision `precision`) and its other units, by code."""

    item_no: str
    base_unit: str
    precision: Decimal = FINEST
    units: Mapping[str, Unit] = field(default_factory=dict)

    @property
    def base(self) -> Unit:
        return Unit(self.base_unit, ONE, self.precision)

    def unit(self, code: str) -> Unit:
        """The unit named `code`; blank or the base unit's code: the base unit."""
        if not code or code == self.base_unit:
            return self.base
        if code not in self.units:
            known = ", ".join([self.base_unit, *sorted(self.units)])
            raise UnknownUnitError(f"Item {self.item_no} has no unit {code}: use one of {known}.")
        return self.units[code]

    def stated(self, code: str) -> StatedUnit:
        """What a line stated in unit `code` keeps of it."""
        return StatedUnit(code, self.unit(code).per_base) if code else IN_BASE

    def to_base(self, quantity: Decimal, code: str) -> Decimal:
        """U2: `quantity` of unit `code` in base units, exactly, or refused."""
        unit = self.unit(code)
        with localcontext(_EXACT):
            base = quantity * unit.per_base
            if base % unit.precision == 0:
                return base
            below = (base / unit.precision).to_integral_value(ROUND_FLOOR) * unit.precision
            above = below + unit.precision
        raise NotConvertibleError(
            f"{plain(quantity)} {unit.code} of item {self.item_no} is {plain(base)} {self.base_unit}, not a whole "
            f"multiple of {plain(unit.precision)} {self.base_unit} (the rounding precision of {unit.code}): "
            f"enter {self._nearest(below, unit)} or {self._nearest(above, unit)}.",
            {"unit": unit.code, "base_quantity": plain(base), "nearest_below": plain(below),
             "nearest_above": plain(above)})

    def _nearest(self, base: Decimal, unit: Unit) -> str:
        """A valid base quantity, always in base units, and in the unit too when it is exact there."""
        in_base = f"{plain(base)} {self.base_unit}"
        with localcontext(_EXACT):
            in_unit = base / unit.per_base
        if unit.code == self.base_unit or in_unit != in_unit.quantize(FINEST, rounding=ROUND_DOWN):
            return in_base
        return f"{plain(in_unit)} {unit.code} (= {in_base})"

    def view(self, base_quantity: Decimal, code: str) -> Decimal:
        """U3: a base quantity shown in unit `code`, truncated towards zero at six decimal places."""
        unit = self.unit(code)
        with localcontext(_EXACT):
            return (base_quantity / unit.per_base).quantize(FINEST, rounding=ROUND_DOWN)

    def check_serials(self, quantity: Decimal, code: str, base: Decimal, *, serial_given: bool) -> None:
        """U3: a serial number is always 1 base unit, so a serial item's line stated in a larger unit needs one
        line per serial: 5 BOX of 12 is 60 lines of 1 PCS."""
        if abs(base) == ONE:
            return
        lacking = abs(base) - (ONE if serial_given else 0)
        raise SerialsLackingError(
            f"{plain(quantity)} {code} of serial item {self.item_no} is {plain(abs(base))} {self.base_unit}, and a "
            f"serial number is 1 {self.base_unit}: enter {plain(abs(base))} lines of 1 {self.base_unit}, one per "
            f"serial number ({plain(lacking)} serial numbers are lacking).")


def check_definition(units: ItemUnits) -> None:
    """U1: every unit has a code of its own, a quantity per base unit above zero and a precision that is a
    whole multiple of the finest quantity."""
    for unit in (units.base, *units.units.values()):
        if not unit.code.strip():
            raise InvalidUnitError(f"A unit of item {units.item_no} has a blank code: name every unit.")
        if unit.per_base <= 0 or unit.precision <= 0 or unit.precision % FINEST:
            raise InvalidUnitError(
                f"Unit {unit.code} of item {units.item_no} has quantity per base unit {plain(unit.per_base)} and "
                f"rounding precision {plain(unit.precision)}: both must be above zero, the precision a multiple "
                f"of {plain(FINEST)}.")
    if units.base_unit in units.units and units.units[units.base_unit].per_base != ONE:
        raise InvalidUnitError(
            f"Unit {units.base_unit} is the base unit of item {units.item_no}: its quantity per base unit is 1.")


def changed_units(before: ItemUnits, after: ItemUnits) -> list[str]:
    """U4: the codes of units that exist in both and whose quantity per base unit differs."""
    return sorted(code for code, unit in after.units.items()
                  if code in before.units and before.units[code].per_base != unit.per_base)
