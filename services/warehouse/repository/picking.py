"""Everything a pick proposal looks at (W5, I7, T4-T6), for a shipment's items at its location."""

from collections.abc import Collection
from datetime import date

import asyncpg

from warehouse.domain.location import Location
from warehouse.domain.picking import PickingState
from warehouse.repository import documents, replicas, stock


async def picking_state(conn: asyncpg.Connection, location: Location, item_nos: Collection[str],
                        today: date) -> PickingState:
    """Callers that act on it lock the items first (locks.lock_stock); a preview reads without locking."""
    return PickingState(
        location=location,
        items=await replicas.item_trackings(conn, item_nos),
        content=await stock.content(conn, location.code, item_nos),
        on_activities=await documents.on_activities(conn, location.code, item_nos),
        reservations=await replicas.reservations(conn, location.code, item_nos),
        assignments=await replicas.assignments(conn, location.code, item_nos),
        allocations=await documents.allocations(conn, location.code, item_nos),
        blocked=await replicas.blocked(conn, item_nos),
        today=today,
    )
