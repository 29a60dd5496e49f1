"""The outcome of comparing the warehouse's counts with the item ledger (S7)."""

import json

import asyncpg

from inventory.domain.events import ReconciliationReported
from inventory.domain.reconciliation import ReconciliationDifference


async def save(conn: asyncpg.Connection, report: ReconciliationReported, items_in_report: int) -> None:
    """The latest report of an item for a request wins (the warehouse may report again)."""
    await conn.execute(
        """INSERT INTO reconciliation_result (request_id, item_no, location_code, items_in_report, differences)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (request_id, item_no, location_code) DO UPDATE
           SET items_in_report = excluded.items_in_report, differences = excluded.differences, reconciled_at = now()""",
        report.request_id, report.location.item_no, report.location.location_code, items_in_report,
        json.dumps([_difference_json(found) for found in report.differences]),
    )


def _difference_json(found: ReconciliationDifference) -> dict[str, str]:
    return {
        "variant": found.key.variant_code, "serial": found.key.serial_no, "lot": found.key.lot_no,
        "real_bins": str(found.real_bins), "adjustment_bin": str(found.adjustment_bin),
        "ledger_inventory": str(found.ledger_inventory), "difference": str(found.difference),
    }
