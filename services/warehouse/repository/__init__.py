"""SQL for the warehouse's state; every function runs on the caller's connection (the unit of work's,
or a read-only one for queries) and never commits."""

from decimal import Decimal


def exact(stored: Decimal) -> Decimal:
    """numeric(18,6) comes back with six decimals; facts and messages to people say 6, not 6.000000."""
    normalized = stored.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized
