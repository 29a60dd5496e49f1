"""What the warehouse keeps of the inventory service's facts: items' tracking policies (T1-T3, T5),
reservations per demand (I7), serials/lots assigned to demands (W5) and blocked serials/lots (T4).

Facts carry absolute values, so each is stored as the last value seen: applying one twice changes nothing.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

import asyncpg

from contracts import inventory as inv
from warehouse.domain.documents import ZERO, SourceLine
from warehouse.domain.picking import DemandTracking, Reservation, TrackingAssignment
from warehouse.domain.tracking import BlockedTracking, ItemTracking, TrackingPolicy
from warehouse.repository import exact

_DEMAND_KEY = "location_code, item_no, variant, source_type, source_no, source_line_no, serial, lot"


async def save_item_tracking(conn: asyncpg.Connection, item_no: str, policy: str, expiration_required: bool,
                             strict_expiration: bool) -> None:
    await conn.execute(
        """INSERT INTO item_tracking (item_no, tracking_policy, expiration_required, strict_expiration)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (item_no) DO UPDATE SET tracking_policy = $2, expiration_required = $3,
               strict_expiration = $4, replicated_at = now()""",
        item_no, policy, expiration_required, strict_expiration,
    )


async def item_trackings(conn: asyncpg.Connection, item_nos: Iterable[str]) -> dict[str, ItemTracking]:
    """Items not replicated yet are absent: the domain refuses them as unknown."""
    rows = await conn.fetch("SELECT * FROM item_tracking WHERE item_no = ANY($1::text[])", list(item_nos))
    return {r["item_no"]: ItemTracking(r["item_no"], TrackingPolicy(r["tracking_policy"]), r["expiration_required"],
                                       r["strict_expiration"]) for r in rows}


async def _save_demand_quantity(conn: asyncpg.Connection, column: str,
                                fact: inv.DemandReservationChanged | inv.TrackingAssigned, quantity: Decimal) -> None:
    """Keep the demand's absolute quantity (`reserved` or `assigned`) at its key; a row left with neither goes."""
    key = (fact.location_code, fact.item_no, fact.variant, fact.source_type, fact.source_no, fact.source_line_no,
           fact.serial, fact.lot)
    await conn.execute(
        f"""INSERT INTO demand_tracking ({_DEMAND_KEY}, {column}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT ({_DEMAND_KEY}) DO UPDATE SET {column} = EXCLUDED.{column}""", *key, quantity)
    await conn.execute(
        f"""DELETE FROM demand_tracking WHERE ({_DEMAND_KEY}) = ($1, $2, $3, $4, $5, $6, $7, $8)
            AND reserved = 0 AND assigned = 0""", *key)


async def save_reservation(conn: asyncpg.Connection, fact: inv.DemandReservationChanged) -> None:
    await _save_demand_quantity(conn, "reserved", fact, fact.reserved)


async def save_assignment(conn: asyncpg.Connection, fact: inv.TrackingAssigned) -> None:
    await _save_demand_quantity(conn, "assigned", fact, fact.quantity)


async def reservations(conn: asyncpg.Connection, location_code: str, item_nos: Iterable[str]) -> list[Reservation]:
    """I7: inventory publishes per demand its total (blank serial/lot) and its specific reservations; the
    domain wants them apart, so the total becomes a nonspecific part (total less specific) plus the specific ones."""
    rows = await conn.fetch(
        "SELECT * FROM demand_tracking WHERE location_code = $1 AND item_no = ANY($2::text[]) AND reserved > 0",
        location_code, list(item_nos))
    parts = [_demand_tracking(Reservation, r, exact(r["reserved"])) for r in rows]
    specific: dict[tuple, Decimal] = defaultdict(Decimal)
    for p in parts:
        if p.specific:
            specific[(p.demand, p.item_no, p.variant)] += p.quantity
    return [p if p.specific else replace(p, quantity=max(ZERO, p.quantity - specific[(p.demand, p.item_no, p.variant)]))
            for p in parts]


async def assignments(conn: asyncpg.Connection, location_code: str,
                      item_nos: Iterable[str]) -> list[TrackingAssignment]:
    """W5: what demands still ask for: the serial/lot assigned to them, less what was already shipped of it."""
    rows = await conn.fetch(
        """SELECT t.*, t.assigned - coalesce((
                   SELECT -sum(e.quantity) FROM warehouse_entry e
                   WHERE e.entry_type = 'shipment' AND (e.source_type, e.source_no, e.source_line_no)
                         = (t.source_type, t.source_no, t.source_line_no)
                     AND (e.location_code, e.item_no, e.variant) = (t.location_code, t.item_no, t.variant)
                     AND t.serial IN ('', e.serial) AND t.lot IN ('', e.lot)), 0) AS still_asked
           FROM demand_tracking t WHERE t.location_code = $1 AND t.item_no = ANY($2::text[]) AND t.assigned > 0""",
        location_code, list(item_nos))
    return [_demand_tracking(TrackingAssignment, r, exact(r["still_asked"])) for r in rows if r["still_asked"] > ZERO]


def _demand_tracking(kind: type[DemandTracking], row: asyncpg.Record, quantity: Decimal) -> DemandTracking:
    return kind(demand=SourceLine(row["source_type"], row["source_no"], row["source_line_no"]),
                item_no=row["item_no"], variant=row["variant"], quantity=quantity, serial=row["serial"], lot=row["lot"])


async def block(conn: asyncpg.Connection, fact: inv.TrackingBlocked) -> None:
    await conn.execute(
        """INSERT INTO blocked_tracking (item_no, serial, lot, reason) VALUES ($1, $2, $3, $4)
           ON CONFLICT (item_no, serial, lot) DO UPDATE SET reason = EXCLUDED.reason""",
        fact.item_no, fact.serial, fact.lot, fact.reason)


async def unblock(conn: asyncpg.Connection, fact: inv.TrackingUnblocked) -> None:
    await conn.execute("DELETE FROM blocked_tracking WHERE (item_no, serial, lot) = ($1, $2, $3)",
                       fact.item_no, fact.serial, fact.lot)


async def blocked(conn: asyncpg.Connection, item_nos: Iterable[str]) -> BlockedTracking:
    """T4: a block naming a serial blocks that serial; one naming only a lot blocks the whole lot."""
    rows = await conn.fetch("SELECT item_no, serial, lot FROM blocked_tracking WHERE item_no = ANY($1::text[])",
                            list(item_nos))
    return BlockedTracking(lots=frozenset((r["item_no"], r["lot"]) for r in rows if not r["serial"]),
                           serials=frozenset((r["item_no"], r["serial"]) for r in rows if r["serial"]))
