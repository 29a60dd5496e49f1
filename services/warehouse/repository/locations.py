"""Locations, zones and bins."""

from collections.abc import Mapping

import asyncpg

from warehouse.domain.location import Bin, BlockMovement, Location, bin_type, bin_type_names
from warehouse.repository import one_row

LOCATION_PARTS = """(SELECT l FROM location l WHERE l.location_code = $1) AS location,
    ARRAY(SELECT z.zone_code FROM zone z WHERE z.location_code = $1) AS zones,
    ARRAY(SELECT b FROM bin b WHERE b.location_code = $1 ORDER BY b.bin_code) AS bins"""
"""Sub-selects of a location's layout, for statements whose $1 is the location code (read back by `layout`)."""


async def save_location(conn: asyncpg.Connection, location: Location, zone_descriptions: Mapping[str, str]) -> None:
    """Replace the location's layout as a whole (the domain checked that no bin with content is dropped)."""
    await conn.execute(
        """INSERT INTO location (location_code, receive_bin, ship_bin, adjustment_bin, pick_by_fefo, kind)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (location_code) DO UPDATE SET receive_bin = $2, ship_bin = $3, adjustment_bin = $4,
               pick_by_fefo = $5, kind = $6, configured_at = now()""",
        location.code, location.receive_bin, location.ship_bin, location.adjustment_bin, location.pick_by_fefo,
        "in_transit" if location.in_transit else "warehouse",
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
    return layout(location_code, await one_row(conn, f"SELECT {LOCATION_PARTS}", location_code))


async def current_layout(conn: asyncpg.Connection, location_code: str) -> tuple[Location | None, set[str]]:
    """The location as configured now (None if it is new) and the codes of its bins that hold content."""
    row = await one_row(
        conn, f"""SELECT {LOCATION_PARTS},
                   ARRAY(SELECT DISTINCT bin_code FROM bin_content WHERE location_code = $1) AS bins_with_content""",
        location_code)
    return layout(location_code, row), set(row["bins_with_content"])


def layout(location_code: str, row: asyncpg.Record) -> Location | None:
    """The location from the columns of LOCATION_PARTS; None when it is not configured."""
    header = row["location"]
    if header is None:
        return None
    return Location(
        code=location_code,
        zones=frozenset(row["zones"]),
        bins={b["bin_code"]: Bin(b["bin_code"], b["zone_code"], bin_type(b["types"]), b["ranking"],
                                 BlockMovement(b["block_movement"]), b["dedicated"]) for b in row["bins"]},
        receive_bin=header["receive_bin"],
        ship_bin=header["ship_bin"],
        adjustment_bin=header["adjustment_bin"],
        pick_by_fefo=header["pick_by_fefo"],
        in_transit=header["kind"] == "in_transit",
    )
