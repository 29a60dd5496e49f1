"""Items (with their units of measure, U1) and the location codes the warehouse configured."""

import asyncpg

from inventory.domain.items import Item, TrackingPolicy
from inventory.domain.quantities import normalized
from inventory.domain.warranty import WarrantyFormula
from units_of_measure import Unit


async def get_item(conn: asyncpg.Connection, item_no: str) -> Item | None:
    row = await conn.fetchrow(
        """SELECT item_no, base_unit, tracking_policy, expiration_required, strict_expiration, warranty_formula,
                  rounding_precision,
                  ARRAY(SELECT u FROM item_unit u WHERE u.item_no = item.item_no ORDER BY unit_code) AS units
           FROM item WHERE item_no = $1""",
        item_no,
    )
    return item(row) if row else None


def item(row: asyncpg.Record) -> Item:
    """An `item` row; its units when the row carries them (`get_item`), none otherwise (a stock state)."""
    formula = WarrantyFormula.parse(row["warranty_formula"]) if row["warranty_formula"] else None
    precision = normalized(row["rounding_precision"])
    units = tuple(Unit(u["unit_code"], normalized(u["quantity_per_base_unit"]), normalized(u["rounding_precision"]))
                  for u in row.get("units") or ())
    return Item(row["item_no"], row["base_unit"], TrackingPolicy(row["tracking_policy"]),
                row["expiration_required"], row["strict_expiration"], formula, precision, units)


async def add_item(conn: asyncpg.Connection, item: Item) -> None:
    await conn.execute(
        """INSERT INTO item (item_no, base_unit, tracking_policy, expiration_required, strict_expiration,
                             warranty_formula, rounding_precision)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        item.item_no, item.base_unit, item.tracking_policy.value, item.expiration_required, item.strict_expiration,
        str(item.warranty_formula or ""), item.rounding_precision,
    )
    await save_units(conn, item)


async def save_units(conn: asyncpg.Connection, item: Item) -> None:
    """U1: the item's units as they now are (the rows of removed units go)."""
    await conn.execute("UPDATE item SET rounding_precision = $2 WHERE item_no = $1", item.item_no,
                       item.rounding_precision)
    await conn.execute("DELETE FROM item_unit WHERE item_no = $1", item.item_no)
    await conn.executemany(
        """INSERT INTO item_unit (item_no, unit_code, quantity_per_base_unit, rounding_precision)
           VALUES ($1, $2, $3, $4)""",
        [(item.item_no, u.code, u.per_base, u.precision) for u in item.units])


async def units_in_use(conn: asyncpg.Connection, item_no: str) -> frozenset[str]:
    """U4: the units that open item ledger entries of the item were stated in."""
    rows = await conn.fetch(
        "SELECT DISTINCT unit_code FROM item_ledger_entry WHERE item_no = $1 AND open AND unit_code <> ''", item_no)
    return frozenset(r["unit_code"] for r in rows)


async def set_warranty_formula(conn: asyncpg.Connection, item: Item) -> None:
    """Q2: the only part of a registered item that may change; it dates entries still to come."""
    await conn.execute("UPDATE item SET warranty_formula = $2 WHERE item_no = $1", item.item_no,
                       str(item.warranty_formula or ""))


async def save_location(conn: asyncpg.Connection, location_code: str, kind: str) -> None:
    await conn.execute(
        """INSERT INTO location (location_code, kind) VALUES ($1, $2)
           ON CONFLICT (location_code) DO UPDATE SET configured_at = now(), kind = $2""",
        location_code, kind,
    )
