"""Quantities are `Decimal`s in the item's base unit of measure; these helpers keep that honest."""

from collections.abc import Iterable
from decimal import Decimal

ZERO = Decimal(0)


def total(quantities: Iterable[Decimal]) -> Decimal:
    """Sum that stays a Decimal even when there is nothing to add."""
    return sum(quantities, ZERO)


def normalized(quantity: Decimal) -> Decimal:
    """The same value without trailing zeros (10.000000 -> 10, 2.500000 -> 2.5), never in
    exponent notation."""
    return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()
