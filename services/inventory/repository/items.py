"""Items and the location codes the warehouse configured."""

import asyncpg

from inventory.domain.items import Item, TrackingPolicy
from inventory.domain.warranty import WarrantyFormula


async def get_item(conn: asyncpg.Connection, item_no: str) -> Item | None:
    row = await conn.fetchrow(
        """SELECT item_no, base_unit, tracking_policy, expiration_required, strict_expiration, warranty_formula
           FROM item WHERE item_no = $1""",
        item_no,
    )
    return item(row) if row else None


def item(row: asyncpg.Record) -> Item:
    formula = WarrantyFormula.parse(row["warranty_formula"]) if row["warranty_formula"] else None
    return Item(row["item_no"], row["base_unit"], TrackingPolicy(row["tracking_policy"]),
                row["expiration_required"], row["strict_expiration"], formula)


async def add_item(conn: asyncpg.Connection, item: Item) -> None:
    await conn.execute(
        """INSERT INTO item (item_no, base_unit, tracking_policy, expiration_required, strict_expiration,
               warranty_formula) VALUES ($1, $2, $3, $4, $5, $6)""",
        item.item_no, item.base_unit, item.tracking_policy.value, item.expiration_required, item.strict_expiration,
        str(item.warranty_formula or ""),
    )


async def set_warranty_formula(conn: asyncpg.Connection, item: Item) -> None:
    """Q2: the only part of a registered item that may change; it dates entries still to come."""
    await conn.execute("UPDATE item SET warranty_formula = $2 WHERE item_no = $1", item.item_no,
                       str(item.warranty_formula or ""))


async def save_location(conn: asyncpg.Connection, location_code: str) -> None:
    await conn.execute(
        """INSERT INTO location (location_code) VALUES ($1)
           ON CONFLICT (location_code) DO UPDATE SET configured_at = now()""",
        location_code,
    )

