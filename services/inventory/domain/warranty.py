"""Warranty date formulas (Q2): an item's formula turns a posting date into the warranty date of each
inbound entry of the item.

A formula is one or more terms, each a whole number and a unit: D (days), W (weeks), M (months) or
Y (years), e.g. `2Y`, `18M`, `90D`, `1Y6M`; upper or lower case, no spaces. Terms are added left to
right. A month (or year) later is the same day of the month, or the month's last day when it has no
such day (31 January + 1M = 28 or 29 February), as Business Central's date formulas count.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import InvalidWarrantyFormulaError

_TERM = re.compile(r"([0-9]{1,5})([DWMY])")
_MOST_DAYS = {"D": 1, "W": 7, "M": 31, "Y": 366}
LONGEST_DAYS = 36_525
"""At most about 100 years in all (counted generously per unit): a longer warranty is a typing error."""


@dataclass(frozen=True)
class WarrantyFormula:
    terms: tuple[tuple[int, str], ...]

    @classmethod
    def parse(cls, text: str) -> "WarrantyFormula":
        """The formula `text` says, or a refusal that shows how to write one."""
        compact = text.strip().upper()
        terms = _TERM.findall(compact)
        if not compact or "".join(number + unit for number, unit in terms) != compact:
            raise InvalidWarrantyFormulaError(text, "write terms like 2Y, 18M, 90D or 1Y6M")
        formula = cls(tuple((int(number), unit) for number, unit in terms))
        if any(number == 0 for number, _ in formula.terms):
            raise InvalidWarrantyFormulaError(text, "every term must add at least 1 day, week, month or year")
        if sum(number * _MOST_DAYS[unit] for number, unit in formula.terms) > LONGEST_DAYS:
            raise InvalidWarrantyFormulaError(text, "a warranty lasts at most 100 years")
        return formula

    def date_after(self, posting_date: date) -> date:
        """The warranty date of stock posted on `posting_date`."""
        result = posting_date
        for number, unit in self.terms:
            result = _add(result, number, unit)
        return result

    def __str__(self) -> str:
        return "".join(f"{number}{unit}" for number, unit in self.terms)


def _add(start: date, number: int, unit: str) -> date:
    if unit in ("D", "W"):
        return start + timedelta(days=number * _MOST_DAYS[unit])
    years, month = divmod(start.month - 1 + number * (12 if unit == "Y" else 1), 12)
    year = start.year + years
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))
