"""Locations, zones and bins."""

import asyncpg

from warehouse.domain.location import Bin, BlockMovement, Location
from warehouse.messages import bin_type, bin_type_names


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
            (location.code, b.code, b.zone, list(bin_type_names(b.type)), b.ranking, b.block_movement.value,
             b.dedicated)
            for b in location.bins.values()
        ],
    )
    # Content keeps knowing whether it lies in the adjustment bin (W1: only there may it go negative).
    await conn.execute(
        """UPDATE bin_content SET is_adjustment_bin = (bin_code = $2)
           WHERE location_code = $1 AND is_adjustment_bin <> (bin_code = $2)""",
        location.code, location.adjustment_bin,
    )


async def location(conn: asyncpg.Connection, location_code: str) -> Location | None:
    header = await conn.fetchrow("SELECT * FROM location WHERE location_code = $1", location_code)
    if header is None:
        return None
    zones = await conn.fetch("SELECT zone_code FROM zone WHERE location_code = $1", location_code)
    bins = await conn.fetch("SELECT * FROM bin WHERE location_code = $1 ORDER BY bin_code", location_code)
    return Location(
        code=location_code,
        zones=frozenset(z["zone_code"] for z in zones),
        bins={b["bin_code"]: Bin(b["bin_code"], b["zone_code"], bin_type(b["types"]), b["ranking"],
                                 BlockMovement(b["block_movement"]), b["dedicated"]) for b in bins},
        receive_bin=header["receive_bin"],
        ship_bin=header["ship_bin"],
        adjustment_bin=header["adjustment_bin"],
        pick_by_fefo=header["pick_by_fefo"],
    )
