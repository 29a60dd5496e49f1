"""The maintained totals (I8): rows are only ever changed by adding deltas, in the message's transaction.

Four tables share one shape (key columns, then figures): stock at location and at serial/lot level,
and what each demand holds at both levels. The SQL for each is generated from that shape.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import asyncpg

from inventory.domain.availability import DemandTotals, StockTotals
from inventory.domain.keys import TrackingKey
from inventory.domain.quantities import normalized

from .rows import demand, demand_values, key_values, location_key, tracking_key


@dataclass(frozen=True)
class TotalsTable:
    """One table of maintained totals."""

    name: str
    key_columns: tuple[str, ...]
    figures: tuple[str, ...]

    @property
    def tracking_level(self) -> bool:
        return "lot_no" in self.key_columns

    @property
    def per_demand(self) -> bool:
        return "source_no" in self.key_columns

    def holds(self, row: StockTotals | DemandTotals) -> bool:
        level_held = isinstance(row.key, TrackingKey) == self.tracking_level
        return level_held and isinstance(row, DemandTotals) == self.per_demand

    def key_of(self, row: StockTotals | DemandTotals) -> tuple[Any, ...]:
        owner = demand_values(row.demand) if isinstance(row, DemandTotals) else ()
        return (*key_values(row.key), *owner)

    def to_domain(self, record: asyncpg.Record) -> StockTotals | DemandTotals:
        key = tracking_key(record) if self.tracking_level else location_key(record)
        figures = {figure: normalized(record[figure]) for figure in self.figures}
        return DemandTotals(demand(record), key, **figures) if self.per_demand else StockTotals(key, **figures)

    def add_sql(self, first: int) -> str:
        """`col = col + delta` for every row given as one array per column, from parameter `first` on."""
        columns = (*self.key_columns, *self.figures)
        additions = ", ".join(f"{figure} = {self.name}.{figure} + excluded.{figure}" for figure in self.figures)
        return (
            f"INSERT INTO {self.name} ({', '.join(columns)}) SELECT * FROM unnest({_arrays(columns, first)}) "
            f"ON CONFLICT ({', '.join(self.key_columns)}) DO UPDATE SET {additions}"
        )

    def prune_sql(self, first: int) -> str:
        """Rows that add up to nothing are removed: a missing row reads as zeros."""
        zeros = " AND ".join(f"{figure} = 0" for figure in self.figures)
        return (
            f"DELETE FROM {self.name} WHERE ({', '.join(self.key_columns)}) IN "
            f"(SELECT * FROM unnest({_arrays(self.key_columns, first)})) AND {zeros}"
        )


def _arrays(columns: Sequence[str], first: int) -> str:
    """Parameters `first`.. as typed arrays: the figures are quantities, the keys text but for the demand's line."""
    types = {"source_line_no": "int", **dict.fromkeys(_STOCK_FIGURES + _DEMAND_FIGURES, "numeric")}
    return ", ".join(f"${number}::{types.get(column, 'text')}[]" for number, column in enumerate(columns, first))


_LOCATION = ("item_no", "location_code", "variant_code")
_TRACKING = (*_LOCATION, "serial_no", "lot_no")
_DEMAND = ("source_type", "source_no", "source_line_no")
_STOCK_FIGURES = tuple(f.name for f in fields(StockTotals) if f.name != "key")
_DEMAND_FIGURES = tuple(f.name for f in fields(DemandTotals) if f.name not in ("demand", "key"))
STOCK_TABLES = (
    TotalsTable("location_totals", _LOCATION, _STOCK_FIGURES),
    TotalsTable("tracking_totals", _TRACKING, _STOCK_FIGURES),
)
DEMAND_TABLES = (
    TotalsTable("demand_location_totals", (*_LOCATION, *_DEMAND), _DEMAND_FIGURES),
    TotalsTable("demand_tracking_totals", (*_TRACKING, *_DEMAND), _DEMAND_FIGURES),
)
TABLES = (*STOCK_TABLES, *DEMAND_TABLES)


async def add(conn: asyncpg.Connection, deltas: Sequence[StockTotals | DemandTotals],
              emptied: Sequence[StockTotals | DemandTotals]) -> None:
    """`col = col + delta` in the message's transaction, then drop the rows that came to nothing among
    `emptied`: a statement for all four tables (each table once in it, as a data-modifying CTE), and one
    more only when a row may have come to nothing."""
    changed = _per_table(deltas)
    if not changed:
        return
    figures = [[[getattr(row, figure) for row in rows] for figure in table.figures] for table, rows in changed]
    arrays = [k + f for k, f in zip(_key_columns(changed), figures, strict=True)]
    await conn.execute(*_each(changed, TotalsTable.add_sql, arrays))
    if pruned := _per_table(emptied):
        await conn.execute(*_each(pruned, TotalsTable.prune_sql, _key_columns(pruned)))


def _key_columns(per_table: list[tuple[TotalsTable, list[Any]]]) -> list[list[Any]]:
    """Per table, its rows' key values as one sequence per key column."""
    return [list(zip(*(table.key_of(row) for row in rows), strict=True)) for table, rows in per_table]


def _per_table(rows: Sequence[StockTotals | DemandTotals]) -> list[tuple[TotalsTable, list[Any]]]:
    """The rows each table holds, for the tables that hold any."""
    per_table = [(table, [row for row in rows if table.holds(row)]) for table in TABLES]
    return [(table, held) for table, held in per_table if held]


def _each(
    changed: list[tuple[TotalsTable, list[Any]]], sql: Callable[[TotalsTable, int], str], arrays: list[list[Any]]
) -> tuple[Any, ...]:
    """One statement running `sql` for every changed table, with its arguments: one array per column."""
    statements, first = [], 1
    for (table, _), columns in zip(changed, arrays, strict=True):
        statements.append(f"{table.name}_change AS ({sql(table, first)})")
        first += len(columns)
    return f"WITH {', '.join(statements)} SELECT", *(list(column) for columns in arrays for column in columns)


async def _load(
    conn: asyncpg.Connection, tables: Sequence[TotalsTable], item_no: str, location_code: str | None = None
) -> list[StockTotals | DemandTotals]:
    """The tables' rows of an item, at one location or (None) at all."""
    loaded: list[StockTotals | DemandTotals] = []
    for table in tables:
        rows = await conn.fetch(
            f"SELECT * FROM {table.name} WHERE item_no = $1 AND ($2::text IS NULL OR location_code = $2)",
            item_no, location_code,
        )
        loaded += map(table.to_domain, rows)
    return loaded


async def stock_totals(
    conn: asyncpg.Connection, item_no: str, location_code: str | None = None
) -> tuple[StockTotals, ...]:
    """Both levels of the item's maintained totals, at one location or (None) at every one."""
    loaded = await _load(conn, STOCK_TABLES, item_no, location_code)
    return tuple(row for row in loaded if isinstance(row, StockTotals))


async def ledger_inventory(conn: asyncpg.Connection, item_no: str, location_code: str) -> dict[TrackingKey, Decimal]:
    """S7: what the item ledger holds per serial/lot, from the maintained totals (I8)."""
    rows = await conn.fetch(
        "SELECT * FROM tracking_totals WHERE item_no = $1 AND location_code = $2 AND inventory <> 0",
        item_no, location_code,
    )
    return {tracking_key(row): normalized(row["inventory"]) for row in rows}
