"""Lot and serial information (Q1): per item variant and lot, or item variant and serial, at every location."""

import asyncpg

from inventory.domain.information import QualityStatus, TrackingInformation
from inventory.domain.keys import BlockedTracking, TrackingNumbers

ORDER = "variant_code, lot_no, serial_no"
WITHHELD = "quality_status <> 'released'"


async def get(conn: asyncpg.Connection, number: BlockedTracking) -> TrackingInformation | None:
    row = await conn.fetchrow(
        """SELECT * FROM tracking_information
           WHERE item_no = $1 AND variant_code = $2 AND serial_no = $3 AND lot_no = $4""",
        *_number_values(number),
    )
    return None if row is None else information(row)


async def withheld(conn: asyncpg.Connection, item_no: str) -> tuple[TrackingInformation, ...]:
    """The item's quarantined and rejected numbers."""
    rows = await conn.fetch(
        f"SELECT * FROM tracking_information WHERE item_no = $1 AND {WITHHELD} ORDER BY {ORDER}", item_no
    )
    return tuple(map(information, rows))


def information(row: asyncpg.Record) -> TrackingInformation:
    return TrackingInformation(
        row["item_no"], row["variant_code"], TrackingNumbers(row["serial_no"], row["lot_no"]),
        QualityStatus(row["quality_status"]), row["certificate_no"], row["comment"],
    )


async def save(conn: asyncpg.Connection, record: TrackingInformation) -> None:
    await conn.execute(
        """INSERT INTO tracking_information (item_no, variant_code, serial_no, lot_no, quality_status, certificate_no,
               comment) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (item_no, variant_code, serial_no, lot_no) DO UPDATE SET
               quality_status = excluded.quality_status, certificate_no = excluded.certificate_no,
               comment = excluded.comment, changed_at = now()""",
        *_number_values(record.number), record.status.value, record.certificate_no, record.comment,
    )


def _number_values(number: BlockedTracking) -> tuple[str, str, str, str]:
    return number.item_no, number.variant_code, number.numbers.serial_no, number.numbers.lot_no
