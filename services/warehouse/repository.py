"""SQL for the warehouse's state; every function runs on the unit of work's connection."""

import asyncpg

from warehouse.domain.location import Location
from warehouse.messages import bin_type_names


async def save_location(conn: asyncpg.Connection, location: Location, zone_descriptions: dict[str, str]) -> None:
    """Replace the location's layout as a whole (the domain checked that no bin with content is dropped)."""
    await conn.execute(
        """INSERT INTO location (location_code, receive_bin, ship_bin, adjustment_bin, pick_by_fefo)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (location_code) DO UPDATE SET receive_bin = $2, ship_bin = $3, adjustment_bin = $4,
               pick_by_fefo = $5, configured_at = now()""",
        location.code, location.receive_bin, location.ship_bin, location.adjustment_bin, location.pick_by_fefo,
    )
    await conn.execute("DELETE FROM bin WHERE location_code = $1", location.code)
    await conn.execute("DELETE FROM zone WHERE location_code = $1", location.code)
    await conn.executemany(
        "INSERT INTO zone (location_code, zone_code, description) VALUES ($1, $2, $3)",
        [(location.code, z, zone_descriptions.get(z, "")) for z in sorted(location.zones)],
    )
    await conn.executemany(
        """INSERT INTO bin (location_code, bin_code, zone_code, types, ranking, block_movement, dedicated)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        [
            (location.code, b.code, b.zone, list(bin_type_names(b.type)), b.ranking, b.block_movement.value, b.dedicated)
            for b in location.bins.values()
        ],
    )


async def save_item_tracking(conn: asyncpg.Connection, item_no: str, policy: str, expiration_required: bool,
                             strict_expiration: bool) -> None:
    await conn.execute(
        """INSERT INTO item_tracking (item_no, tracking_policy, expiration_required, strict_expiration)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (item_no) DO UPDATE SET tracking_policy = $2, expiration_required = $3,
               strict_expiration = $4, replicated_at = now()""",
        item_no, policy, expiration_required, strict_expiration,
    )
