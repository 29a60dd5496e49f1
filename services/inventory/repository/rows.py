"""Database rows <-> domain values. numeric(18,6) comes back with six decimals: `normalized` makes
facts say 10, not 10.000000."""

from typing import Any

import asyncpg

from inventory.domain.availability import StockKey
from inventory.domain.demand import Demand, DemandTracking, Reservation
from inventory.domain.keys import LocationKey, TrackingKey, TrackingNumbers
from inventory.domain.ledger import EntryType, ItemLedgerEntry, SourceDocument, TransferLeg
from inventory.domain.quantities import normalized
from units_of_measure import StatedUnit

NO_DEMAND = Demand("", "", 0)
"""How an entry without a demand is stored: blank source columns."""


def location_key(row: asyncpg.Record) -> LocationKey:
    return LocationKey(row["item_no"], row["location_code"], row["variant_code"])


def tracking_key(row: asyncpg.Record) -> TrackingKey:
    return TrackingKey(row["item_no"], row["location_code"], row["variant_code"], row["serial_no"], row["lot_no"])


def demand(row: asyncpg.Record) -> Demand:
    return Demand(row["source_type"], row["source_no"], row["source_line_no"])


def key_values(key: StockKey) -> tuple[Any, ...]:
    numbers = (key.serial_no, key.lot_no) if isinstance(key, TrackingKey) else ()
    return (key.item_no, key.location_code, key.variant_code, *numbers)


def demand_values(line: Demand) -> tuple[str, str, int]:
    return line.source_type, line.source_id, line.source_line


def entry(row: asyncpg.Record) -> ItemLedgerEntry:
    return ItemLedgerEntry(
        row["entry_no"],
        EntryType(row["entry_type"]),
        tracking_key(row),
        normalized(row["quantity"]),
        normalized(row["remaining_quantity"]),
        row["open"],
        SourceDocument(row["document_type"], row["document_no"], row["document_line_no"], row["posting_date"],
                       row["vendor_no"], row["customer_no"]),
        row["expiration_date"],
        demand(row) if row["source_type"] else None,
        row["warranty_date"],
        StatedUnit(row["unit_code"], normalized(row["quantity_per_unit"])),
        TransferLeg(row["transfer_from_location"], row["transfer_to_location"], row["transferred_from_entry_no"] or 0)
        if row["transfer_to_location"] else None,
    )


def transfer_values(leg: TransferLeg | None) -> tuple[str, str, int | None]:
    """X2: how a transfer entry's way is stored: blank locations and no entry for every other entry."""
    if leg is None:
        return "", "", None
    return leg.from_location, leg.to_location, leg.from_entry_no or None


def reservation(row: asyncpg.Record) -> Reservation:
    return Reservation(
        demand(row),
        row["entry_no"],
        tracking_key(row),
        normalized(row["quantity"]),
        TrackingNumbers(row["named_serial_no"], row["named_lot_no"]),
    )


def demand_tracking(row: asyncpg.Record) -> DemandTracking:
    return DemandTracking(
        demand(row), tracking_key(row), normalized(row["assigned_quantity"]), normalized(row["picked_quantity"])
    )
