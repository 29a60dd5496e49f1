"""What the warehouse keeps of the inventory service's facts: items' tracking policies (T1-T3, T5),
reservations per demand (I7), serials/lots assigned to demands (W5), blocked serials/lots (T4) and the quality
status of lots and serials (Q1).
Use cases read them with their state (repository/state.py).

Facts carry absolute values, so each is stored as the last value seen: applying one twice changes nothing.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import asyncpg

from units_of_measure import ItemUnits, Unit
from warehouse.domain.commands import DemandQuantity, TrackingBlocked, TrackingInformationChanged, TrackingUnblocked
from warehouse.domain.events import DomainEvent, ShipmentPosted
from warehouse.domain.tracking import ItemTracking
from warehouse.repository import exact

CONFIRMATION_WINDOW_SECONDS = 600
"""How long a posted shipment's consumption discounts a replicated reservation without the inventory's
confirmation (repository/state.py): long enough for any normal delay, short enough that a demand the
inventory never changed (it had no reservation left) is not discounted for good."""
_DEMAND_KEY = "location_code, item_no, variant, source_type, source_no, source_line_no, serial, lot"


async def save_item_tracking(conn: asyncpg.Connection, item: ItemTracking) -> None:
    await conn.execute(
        """INSERT INTO item_tracking (item_no, tracking_policy, expiration_required, strict_expiration)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (item_no) DO UPDATE SET tracking_policy = $2, expiration_required = $3,
               strict_expiration = $4, replicated_at = now()""",
        item.item_no, item.policy.value, item.expiration_required, item.strict_expiration,
    )


async def save_item_units(conn: asyncpg.Connection, units: ItemUnits) -> None:
    """U1: the item's units as the inventory last published them (the item is replicated first: same key)."""
    await conn.execute(
        "UPDATE item_tracking SET base_unit = $2, rounding_precision = $3, units = $4::jsonb WHERE item_no = $1",
        units.item_no, units.base_unit, units.precision, json.dumps(
            [{"code": u.code, "per_base": str(u.per_base), "precision": str(u.precision)}
             for u in units.units.values()]))


def item_units(row: Mapping[str, Any] | asyncpg.Record) -> ItemUnits | None:
    """An `item_tracking` row's units; None for an item replicated before units existed."""
    if not row["base_unit"]:
        return None
    units = json.loads(row["units"]) if isinstance(row["units"], str) else row["units"]
    return ItemUnits(row["item_no"], row["base_unit"], exact(row["rounding_precision"]), {
        u["code"]: Unit(u["code"], Decimal(u["per_base"]), Decimal(u["precision"])) for u in units})


async def _save_demand_quantity(conn: asyncpg.Connection, column: str, demand: DemandQuantity) -> None:
    """Keep the demand's absolute quantity (`reserved` or `assigned`) at its key; a row left with neither goes."""
    source = demand.demand
    key = (demand.location_code, demand.item_no, demand.variant, source.source_type, source.source_no,
           source.line_no, demand.serial, demand.lot)
    await conn.execute(
        f"""INSERT INTO demand_tracking ({_DEMAND_KEY}, {column}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT ({_DEMAND_KEY}) DO UPDATE SET {column} = EXCLUDED.{column}""", *key, demand.quantity)
    await conn.execute(
        f"""DELETE FROM demand_tracking WHERE ({_DEMAND_KEY}) = ($1, $2, $3, $4, $5, $6, $7, $8)
            AND reserved = 0 AND assigned = 0""", *key)


async def save_reservation(conn: asyncpg.Connection, reserved: DemandQuantity) -> None:
    await _save_demand_quantity(conn, "reserved", reserved)


async def expect_consumption(conn: asyncpg.Connection, events: Iterable[DomainEvent],
                             fact_ids: Mapping[str, Sequence[str]]) -> None:
    """Until the inventory confirms it, what a posted shipment consumes per demand and serial/lot (I7)."""
    rows = [(list(fact_ids.get(line.item_no, ())), event.location_code, line.item_no, line.variant,
             line.source.source_type, line.source.source_no, line.source.line_no, line.tracking.serial,
             line.tracking.lot, line.quantity)
            for event in events if isinstance(event, ShipmentPosted) for line in event.lines if line.quantity > 0]
    if rows:
        await conn.executemany(
            """INSERT INTO shipment_consumption (fact_ids, location_code, item_no, variant, source_type, source_no,
                                                 source_line_no, serial, lot, quantity)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""", rows)


async def confirm_consumption(conn: asyncpg.Connection, reserved: DemandQuantity, cause: str) -> None:
    """The inventory has applied the shipment fact `cause` to this demand: its replicated reservation counts
    what was consumed, so the discount goes (also what is older than the confirmation window)."""
    await conn.execute(
        """DELETE FROM shipment_consumption
           WHERE ($1 = ANY(fact_ids) AND (location_code, item_no, variant, source_type, source_no, source_line_no)
                  = ($2, $3, $4, $5, $6, $7))
              OR posted_at < now() - make_interval(secs => $8)""",
        cause, reserved.location_code, reserved.item_no, reserved.variant, reserved.demand.source_type,
        reserved.demand.source_no, reserved.demand.line_no, CONFIRMATION_WINDOW_SECONDS)


async def save_assignment(conn: asyncpg.Connection, assigned: DemandQuantity) -> None:
    await _save_demand_quantity(conn, "assigned", assigned)


async def block(conn: asyncpg.Connection, blocked: TrackingBlocked) -> None:
    await conn.execute(
        """INSERT INTO blocked_tracking (item_no, serial, lot, reason) VALUES ($1, $2, $3, $4)
           ON CONFLICT (item_no, serial, lot) DO UPDATE SET reason = EXCLUDED.reason""",
        blocked.item_no, blocked.serial, blocked.lot, blocked.reason)


async def unblock(conn: asyncpg.Connection, unblocked: TrackingUnblocked) -> None:
    await conn.execute("DELETE FROM blocked_tracking WHERE (item_no, serial, lot) = ($1, $2, $3)",
                       unblocked.item_no, unblocked.serial, unblocked.lot)


async def save_tracking_information(conn: asyncpg.Connection, changed: TrackingInformationChanged) -> None:
    await conn.execute(
        """INSERT INTO tracking_information (item_no, variant, serial, lot, quality_status, certificate_no, comment)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (item_no, variant, serial, lot) DO UPDATE SET quality_status = EXCLUDED.quality_status,
               certificate_no = EXCLUDED.certificate_no, comment = EXCLUDED.comment, replicated_at = now()""",
        changed.item_no, changed.variant, changed.serial, changed.lot, changed.quality_status, changed.certificate_no,
        changed.comment)
