"""The state a warehouse use case decides on (domain/state.py), read in ONE statement after its locks.

Every part is a sub-select of the same statement, so the parts agree with each other (one snapshot) and a
use case costs one round trip to read, however much it needs. Table rows come back as composite values,
aggregates as anonymous rows; a part the use case does not ask for is switched off by its flag or by an
empty key list.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg

from warehouse.domain.documents import ZERO, SourceLine
from warehouse.domain.location import require_location
from warehouse.domain.picking import DemandAllocation, PickingState, Reservation, TrackingAssignment
from warehouse.domain.state import StockState
from warehouse.domain.stock import StockKey
from warehouse.domain.tracking import (
    BlockedTracking,
    ItemTracking,
    LotKey,
    QualityKey,
    SerialKey,
    Tracking,
    TrackingPolicy,
)
from warehouse.repository import exact, one_row
from warehouse.repository.locations import LOCATION_PARTS, layout
from warehouse.repository.replicas import CONFIRMATION_WINDOW_SECONDS, item_units
from warehouse.repository.stock import content_row

_REAL_STOCK = "quantity > 0 AND NOT is_adjustment_bin"
_OPEN_TAKES = """FROM warehouse_document_line l JOIN warehouse_document d USING (document_type, document_no)
                 WHERE l.document_type = ANY({types}) AND l.quantity > l.quantity_handled
                   AND d.location_code = $1 AND l.item_no = ANY($2::text[])"""
_DEMAND = "ROW(t.source_type, t.source_no, t.source_line_no, t.item_no, t.variant, t.serial, t.lot, {quantity})"
_STILL_ASKED = """t.assigned - coalesce((
    SELECT -sum(e.quantity) FROM warehouse_entry e
    WHERE e.entry_type = 'shipment' AND (e.source_type, e.source_no, e.source_line_no)
          = (t.source_type, t.source_no, t.source_line_no)
      AND (e.location_code, e.item_no, e.variant) = (t.location_code, t.item_no, t.variant)
      AND t.serial IN ('', e.serial) AND t.lot IN ('', e.lot)), 0)"""
"""W5: what a demand still asks for of its assigned serial/lot: the assignment less what was shipped of it."""
_STILL_RESERVED = f"""greatest(t.reserved - coalesce((
    SELECT sum(u.quantity) FROM shipment_consumption u
    WHERE (u.location_code, u.item_no, u.variant, u.source_type, u.source_no, u.source_line_no)
          = (t.location_code, t.item_no, t.variant, t.source_type, t.source_no, t.source_line_no)
      AND t.serial IN ('', u.serial) AND t.lot IN ('', u.lot)
      AND u.posted_at >= now() - make_interval(secs => {CONFIRMATION_WINDOW_SECONDS})), 0), 0)"""
"""I7: what a demand's replicated reservation still holds once the warehouse's own posted shipments have
consumed it, until the inventory confirms (a DemandReservationChanged caused by the shipment's fact)."""
_STATE = f"""SELECT {LOCATION_PARTS},
    ARRAY(SELECT i FROM item_tracking i WHERE i.item_no = ANY($2::text[])) AS items,
    ARRAY(SELECT c FROM bin_content c WHERE $3 AND c.location_code = $1 AND c.item_no = ANY($2::text[])) AS content,
    ARRAY(SELECT ROW(l.take_bin, l.item_no, l.variant, l.serial, l.lot, l.expiration,
                     sum(l.quantity - l.quantity_handled))
          {_OPEN_TAKES.format(types="ARRAY['pick', 'movement']")} AND $4
          GROUP BY l.take_bin, l.item_no, l.variant, l.serial, l.lot, l.expiration) AS on_activities,
    ARRAY(SELECT ROW(b.item_no, b.serial, b.lot) FROM blocked_tracking b
          WHERE $5 AND b.item_no = ANY($2::text[])) AS blocked,
    ARRAY(SELECT ROW(q.item_no, q.variant, q.serial, q.lot, q.quality_status) FROM tracking_information q
          WHERE $5 AND q.item_no = ANY($2::text[]) AND q.quality_status <> 'released') AS withheld,
    ARRAY(SELECT ROW(item_no, variant, serial) FROM bin_content
          WHERE {_REAL_STOCK} AND (item_no, variant, serial) IN
                (SELECT * FROM unnest($6::text[], $7::text[], $8::text[]))
          UNION ALL  -- X4: a serial in transit is in stock too
          SELECT ROW(item_no, variant, serial) FROM transfer_tracking
          WHERE received < shipped AND serial <> '' AND (item_no, variant, serial) IN
                (SELECT * FROM unnest($6::text[], $7::text[], $8::text[]))) AS serials_in_stock,
    ARRAY(SELECT ROW(item_no, lot, min(expiration), sum(quantity)) FROM bin_content
          WHERE {_REAL_STOCK} AND (item_no, lot) IN (SELECT * FROM unnest($9::text[], $10::text[]))
          GROUP BY item_no, lot) AS lots,
    ARRAY(SELECT {_DEMAND.format(quantity=_STILL_RESERVED)} FROM demand_tracking t
          WHERE $11 AND t.location_code = $1 AND t.item_no = ANY($2::text[]) AND t.reserved > 0) AS reservations,
    ARRAY(SELECT {_DEMAND.format(quantity=_STILL_ASKED)} FROM demand_tracking t
          WHERE $11 AND t.location_code = $1 AND t.item_no = ANY($2::text[]) AND t.assigned > 0) AS assignments,
    ARRAY(SELECT ROW(l.source_type, l.source_no, l.source_line_no, l.item_no, l.variant, l.serial, l.lot,
                     l.expiration, l.quantity - l.quantity_handled)
          {_OPEN_TAKES.format(types="ARRAY['pick']")} AND $11
          UNION ALL
          SELECT ROW(l.source_type, l.source_no, l.source_line_no, l.item_no, l.variant, p.serial, p.lot,
                     p.expiration, p.quantity)
          FROM shipment_line_picked p
          JOIN warehouse_document_line l ON l.document_type = 'shipment' AND l.document_no = p.shipment_no
                                         AND l.line_no = p.line_no
          JOIN warehouse_document d ON d.document_type = 'shipment' AND d.document_no = p.shipment_no
          WHERE $11 AND d.location_code = $1 AND l.item_no = ANY($2::text[])) AS allocations"""


@dataclass(frozen=True)
class Wanted:
    """What a use case needs besides its location and items. Stock use cases read `content` (their items'
    bin content); serials and lots name what the command brings into stock (T2, T3); `demands` adds the
    reservations, assignments and allocations picking weighs (picking_state)."""

    content: bool = True
    on_activities: bool = False
    blocked: bool = False
    serials: Collection[SerialKey] = ()
    lots: Collection[LotKey] = ()
    demands: bool = False


async def stock_state(conn: asyncpg.Connection, location_code: str, item_nos: Iterable[str], today: date,
                      wanted: Wanted = Wanted()) -> StockState:
    """Callers that act on it lock the items first (locks.lock_stock); an unknown location is refused."""
    return _stock(location_code, await _fetch(conn, location_code, item_nos, wanted), today)


async def picking_state(conn: asyncpg.Connection, location_code: str, item_nos: Iterable[str],
                        today: date) -> PickingState:
    """Everything a pick proposal looks at (W5, I7, T4-T6), for a shipment's items at its location.
    Callers that act on it lock the items first; a preview reads without locking."""
    row = await _fetch(conn, location_code, item_nos, Wanted(on_activities=True, blocked=True, demands=True))
    stock = _stock(location_code, row, today)
    return PickingState(**{f.name: getattr(stock, f.name) for f in fields(stock)},
                        reservations=_reservations(row["reservations"]),
                        assignments=[_demand(TrackingAssignment, r) for r in row["assignments"] if r[7] > ZERO],
                        allocations=[_allocation(r) for r in row["allocations"]])


async def _fetch(conn: asyncpg.Connection, location_code: str, item_nos: Iterable[str],
                 wanted: Wanted) -> asyncpg.Record:
    serials, lots = {s for s in wanted.serials if s[2]}, {lot for lot in wanted.lots if lot[1]}
    return await one_row(
        conn, _STATE, location_code, list(set(item_nos)), wanted.content, wanted.on_activities, wanted.blocked,
        *([s[i] for s in serials] for i in range(3)), *([lot[i] for lot in lots] for i in range(2)), wanted.demands)


def _stock(location_code: str, row: asyncpg.Record, today: date) -> StockState:
    blocked = row["blocked"]
    return StockState(
        location=require_location(location_code, layout(location_code, row)),
        today=today,
        items={i["item_no"]: ItemTracking(i["item_no"], TrackingPolicy(i["tracking_policy"]),
                                          i["expiration_required"], i["strict_expiration"]) for i in row["items"]},
        content=[content_row(c) for c in row["content"]],
        on_activities={StockKey(location_code, take_bin, item_no, variant, Tracking(serial, lot, expiration)):
                       exact(quantity)
                       for take_bin, item_no, variant, serial, lot, expiration, quantity in row["on_activities"]},
        # T4: a block naming a serial blocks that serial; one naming only a lot blocks the whole lot.
        blocked=BlockedTracking(lots=frozenset((item_no, lot) for item_no, serial, lot in blocked if not serial),
                                serials=frozenset((item_no, serial) for item_no, serial, _ in blocked if serial),
                                withheld=_withheld(row["withheld"])),
        serials_in_stock=frozenset((item_no, variant, serial) for item_no, variant, serial in row["serials_in_stock"]),
        lot_expirations={(item_no, lot): expiration for item_no, lot, expiration, _ in row["lots"]},
        lot_quantities={(item_no, lot): exact(quantity) for item_no, lot, _, quantity in row["lots"]},
        units={i["item_no"]: units for i in row["items"] if (units := item_units(i)) is not None},
    )


def _withheld(rows: Iterable[Sequence[str]]) -> dict[QualityKey, str]:
    """Q1: a record names one lot or one serial (the other number blank)."""
    return {(item_no, variant, "serial" if serial else "lot", serial or lot): status
            for item_no, variant, serial, lot, status in rows}


Demand = TypeVar("Demand", Reservation, TrackingAssignment)


def _demand(kind: type[Demand], r: Sequence[Any]) -> Demand:
    source_type, source_no, source_line_no, item_no, variant, serial, lot, quantity = r
    return kind(demand=SourceLine(source_type, source_no, source_line_no), item_no=item_no, variant=variant,
                quantity=exact(quantity), serial=serial, lot=lot)


def _reservations(rows: Iterable[Sequence[Any]]) -> list[Reservation]:
    """I7: inventory publishes per demand its total (blank serial/lot) and its specific reservations; the
    domain wants them apart, so the total becomes a nonspecific part (total less specific) plus the specific ones."""
    parts = [_demand(Reservation, r) for r in rows]
    specific: dict[tuple[SourceLine, str, str], Decimal] = defaultdict(Decimal)
    for p in parts:
        if p.specific:
            specific[(p.demand, p.item_no, p.variant)] += p.quantity
    return [p if p.specific else replace(p, quantity=max(ZERO, p.quantity - specific[(p.demand, p.item_no, p.variant)]))
            for p in parts]


def _allocation(r: Sequence[Any]) -> DemandAllocation:
    source_type, source_no, source_line_no, item_no, variant, serial, lot, expiration, quantity = r
    return DemandAllocation(demand=SourceLine(source_type, source_no, source_line_no), item_no=item_no,
                            variant=variant, tracking=Tracking(serial, lot, expiration), quantity=exact(quantity))
