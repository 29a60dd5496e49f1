"""Postings waiting until the ledger can take them (S5).

A parked posting is kept as JSON: it is read back whole, never queried by its lines.
"""

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from inventory.domain.demand import Demand
from inventory.domain.keys import TrackingKey
from inventory.domain.ledger import EntryType, SourceDocument, TransferLeg
from inventory.domain.postings import ParkedPosting, PostedLine, Posting, Shortage
from units_of_measure import IN_BASE, StatedUnit

from .rows import demand_values, key_values


async def waiting(conn: asyncpg.Connection, item_no: str, location_code: str) -> tuple[ParkedPosting, ...]:
    """Oldest first: they are retried in the order they arrived."""
    rows = await conn.fetch(
        """SELECT posting, reason_code, message, shortages FROM parked_posting
           WHERE item_no = $1 AND location_code = $2 ORDER BY parked_seq""",
        item_no, location_code,
    )
    return tuple(
        ParkedPosting(_posting_from_json(row["posting"]), row["reason_code"], row["message"],
                      tuple(map(_shortage_from_json, json.loads(row["shortages"]))))
        for row in rows
    )


async def park(conn: asyncpg.Connection, parked: Sequence[ParkedPosting]) -> None:
    if not parked:
        return
    await conn.executemany(
        """INSERT INTO parked_posting (posting_id, item_no, location_code, document_type, document_no, reason_code,
               message, shortages, posting)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        [
            (
                waiting.posting.posting_id, *_posting_place(waiting.posting), waiting.reason_code, waiting.message,
                json.dumps([_shortage_json(shortage) for shortage in waiting.shortages]),
                json.dumps(_posting_json(waiting.posting)),
            )
            for waiting in parked
        ],
    )


async def unpark(conn: asyncpg.Connection, posting_ids: Sequence[str]) -> None:
    if posting_ids:
        await conn.execute("DELETE FROM parked_posting WHERE posting_id = ANY($1::text[])", list(posting_ids))


def _posting_place(posting: Posting) -> tuple[str, str, str, str]:
    """Item, location and document of a posting: one item at one location per warehouse fact."""
    [first, *_] = posting.lines
    return first.key.item_no, first.key.location_code, first.source.document_type, first.source.document_no


# --- the JSON codec ------------------------------------------------------------------------------
def _posting_json(posting: Posting) -> dict[str, Any]:
    return {"posting_id": posting.posting_id, "lines": [_line_json(line) for line in posting.lines]}


def _line_json(line: PostedLine) -> dict[str, Any]:
    return {
        "entry_type": line.entry_type.value,
        "key": list(key_values(line.key)),
        "quantity": str(line.quantity),
        "source": [line.source.document_type, line.source.document_no, line.source.line_no,
                   line.source.posting_date.isoformat() if line.source.posting_date else None,
                   line.source.vendor_no, line.source.customer_no],
        "expiration_date": line.expiration_date.isoformat() if line.expiration_date else None,
        "demand": list(demand_values(line.demand)) if line.demand else None,
        "posting_date": line.posting_date.isoformat() if line.posting_date else None,
        "stated": [line.stated.code, str(line.stated.per_base)],
        "transfer_to": line.transfer_to,
        "route": [line.route.from_location, line.route.to_location] if line.route else None,
    }


def _posting_from_json(text: str) -> Posting:
    body = json.loads(text)
    return Posting(body["posting_id"], tuple(map(_line_from_json, body["lines"])))


def _line_from_json(body: dict[str, Any]) -> PostedLine:
    """Postings parked before warranty dates (Q2) were kept have no posting date; those parked before
    units of measure (U2), no stated unit (base unit)."""
    return PostedLine(
        EntryType(body["entry_type"]),
        TrackingKey(*body["key"]),
        Decimal(body["quantity"]),
        _source_from_json(*body["source"]),
        _date(body["expiration_date"]),
        Demand(*body["demand"]) if body["demand"] else None,
        _date(body.get("posting_date")),
        StatedUnit(body["stated"][0], Decimal(body["stated"][1])) if "stated" in body else IN_BASE,
        body.get("transfer_to", ""),
        TransferLeg(*body["route"]) if body.get("route") else None,
    )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _source_from_json(document_type: str, document_no: str, line_no: int, posting_date: str | None = None,
                      vendor_no: str = "", customer_no: str = "") -> SourceDocument:
    """Postings parked before recall (R1) carried only the first three."""
    return SourceDocument(document_type, document_no, line_no, _date(posting_date), vendor_no, customer_no)


def _shortage_json(shortage: Shortage) -> dict[str, Any]:
    return {"key": list(key_values(shortage.key)), "needed": str(shortage.needed),
            "open_quantity": str(shortage.open_quantity)}


def _shortage_from_json(body: dict[str, Any]) -> Shortage:
    return Shortage(TrackingKey(*body["key"]), Decimal(body["needed"]), Decimal(body["open_quantity"]))
