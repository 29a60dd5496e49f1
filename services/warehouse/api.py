"""Read-only HTTP queries of the warehouse-tracking service."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import asyncpg
from fastapi import APIRouter, HTTPException, Query, Request

from servicekit.http_api import AfterNumber, AfterText, Limit
from units_of_measure import UnitError
from warehouse import queries
from warehouse.domain.documents import DocumentType
from warehouse.domain.errors import DocumentNotFoundError, UnknownLocationError

router = APIRouter()


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.runtime.pool
    return pool


@asynccontextmanager
async def _connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection for the queries; the pool's proxy behaves as the connection it wraps."""
    async with _pool(request).acquire() as conn:
        yield cast(asyncpg.Connection, conn)


@router.get("/items/{item_no}/tracking")
async def get_item_tracking(item_no: str, request: Request) -> dict[str, Any]:
    row = await _pool(request).fetchrow("SELECT * FROM item_tracking WHERE item_no = $1", item_no)
    if row is None:
        raise HTTPException(404, f"no tracking policy replicated for item {item_no} yet")
    return {**dict(row), "units": json.loads(row["units"])}  # U1: the replicated units, as a list


@router.get("/items/{item_no}/blocked-tracking")
async def get_blocked_tracking(item_no: str, request: Request) -> list[dict[str, Any]]:
    """T4: the serials and lots of the item that picks and movements skip."""
    rows = await _pool(request).fetch("SELECT * FROM blocked_tracking WHERE item_no = $1 ORDER BY lot, serial", item_no)
    return [dict(r) for r in rows]


@router.get("/items/{item_no}/tracking-information")
async def get_tracking_information(item_no: str, request: Request) -> list[dict[str, Any]]:
    """Q1: the replicated quality status of the item's lots and serials (quarantined and rejected ones are
    skipped like blocked ones)."""
    rows = await _pool(request).fetch(
        "SELECT * FROM tracking_information WHERE item_no = $1 ORDER BY lot, serial, variant", item_no)
    return [dict(r) for r in rows]


@router.get("/locations")
async def list_locations(request: Request) -> list[dict[str, Any]]:
    rows = await _pool(request).fetch("SELECT * FROM location ORDER BY location_code")
    return [dict(r) for r in rows]


@router.get("/locations/{location_code}")
async def get_location(location_code: str, request: Request, bins_after: AfterText = "",
                       bins_limit: Limit = 1000) -> dict[str, Any]:
    """The location, its zones and one page of its bins; `next_bins_after` (null on the last page) is the
    `bins_after` of the next."""
    pool = _pool(request)
    location = await pool.fetchrow("SELECT * FROM location WHERE location_code = $1", location_code)
    if location is None:
        raise HTTPException(404, f"location {location_code} is not configured")
    zones = await pool.fetch("SELECT zone_code, description FROM zone WHERE location_code = $1 ORDER BY zone_code",
                             location_code)
    bins = await pool.fetch("SELECT * FROM bin WHERE location_code = $1 AND bin_code > $2 ORDER BY bin_code LIMIT $3",
                            location_code, bins_after, bins_limit + 1)
    more = len(bins) > bins_limit
    bins = bins[:bins_limit]
    return {**dict(location), "zones": [dict(z) for z in zones], "bins": [dict(b) for b in bins],
            "next_bins_after": bins[-1]["bin_code"] if more else None}


@router.get("/locations/{location_code}/bin-totals")
async def get_bin_totals(location_code: str, request: Request, item_no: str | None = None) -> list[dict[str, Any]]:
    """S7: per item/variant/serial/lot, all real bins and the adjustment bin balance."""
    async with _connection(request) as conn:
        return await queries.bin_totals(conn, location_code, item_no)


@router.get("/locations/{location_code}/items/{item_no}/demands")
async def get_demands(location_code: str, item_no: str, request: Request) -> list[dict[str, Any]]:
    """What the inventory service last published about the item's demands here: reservations (I7) and
    serials/lots assigned to them (W5)."""
    async with _connection(request) as conn:
        return await queries.demands(conn, location_code, item_no)


@router.get("/bin-contents")
async def get_bin_contents(request: Request, location_code: str | None = None, bin_code: str | None = None,
                           item_no: str | None = None, variant: str | None = None, serial: str | None = None,
                           lot: str | None = None, limit: int = Query(500, ge=1, le=5000),
                           unit: str = "") -> list[dict[str, Any]]:
    """W1: content per bin and serial/lot/expiration; every filter is optional (a serial is found company-wide).
    `unit` (U3, with `item_no`) adds each row's quantity in that unit of the item (`quantity_in_unit`)."""
    filters = {"location_code": location_code, "bin_code": bin_code, "item_no": item_no, "variant": variant,
               "serial": serial, "lot": lot}
    if unit and not item_no:
        raise HTTPException(422, "a unit is one item's: name the item_no to see bin content in a unit")
    async with _connection(request) as conn:
        rows = await queries.bin_contents(conn, filters, limit)
        if not unit:
            return rows
        try:
            return queries.in_unit(rows, await queries.item_units(conn, item_no or ""), unit)
        except UnitError as error:
            raise HTTPException(422, error.message) from None


@router.get("/recall")
async def get_recall(request: Request, lot: str = "", serial: str = "", item_no: str = "") -> dict[str, Any]:
    """R1's where-now: the real bins holding the lot or serial, with zone, bin type and quantity."""
    if not (serial or lot):
        raise HTTPException(422, "name the lot and/or serial number to recall")
    async with _connection(request) as conn:
        return await queries.recall(conn, item_no, serial, lot)


@router.get("/warehouse-entries")
async def get_warehouse_entries(request: Request, location_code: str | None = None, item_no: str | None = None,
                                serial: str | None = None, lot: str | None = None, document_no: str | None = None,
                                after: AfterNumber = 0, limit: Limit = 100) -> dict[str, Any]:
    """The bin ledger, oldest first; pass `next_after` as `after` for the next page."""
    filters = {"location_code": location_code, "item_no": item_no, "serial": serial, "lot": lot,
               "document_no": document_no}
    async with _connection(request) as conn:
        return await queries.warehouse_entries(conn, filters, after, limit)


@router.get("/documents/{document_type}")
async def list_documents(document_type: DocumentType, request: Request, location_code: str | None = None,
                         after: AfterText = "", limit: Limit = 100) -> list[dict[str, Any]]:
    async with _connection(request) as conn:
        return await queries.documents_of_type(conn, document_type, location_code, after, limit)


@router.get("/documents/{document_type}/{document_no}")
async def get_document(document_type: DocumentType, document_no: str, request: Request) -> dict[str, Any]:
    """W11: a receipt, shipment, put-away, pick or movement with its lines (quantity, handled, outstanding)."""
    async with _connection(request) as conn:
        found = await queries.document(conn, document_type, document_no)
    if found is None:
        raise HTTPException(404, f"there is no {document_type.value} {document_no}")
    return found


@router.get("/shipments/{shipment_no}/pick-proposal")
async def get_pick_proposal(shipment_no: str, request: Request) -> dict[str, Any]:
    """W5 preview: the lines a pick created now would have. Nothing is stored."""
    try:
        async with _connection(request) as conn:
            return await queries.pick_proposal(conn, shipment_no)
    except (DocumentNotFoundError, UnknownLocationError) as missing:
        raise HTTPException(404, missing.message) from None


# --- transfers between locations (X1-X6) ---------------------------------------------------------------
@router.get("/transfers")
async def list_transfer_orders(request: Request, location: str | None = None, in_transit: bool = False,
                               after: AfterText = "", limit: Limit = 100) -> dict[str, Any]:
    """Transfer orders (only those with stock in transit, with `in_transit=true`) and what they shipped,
    received and have in transit; `next_after` (null on the last page) is the `after` of the next."""
    async with _connection(request) as conn:
        rows = await queries.transfer_orders(conn, location, in_transit, after, limit)
    return {"transfers": rows, "next_after": rows[-1]["transfer_no"] if len(rows) == limit else None}


@router.get("/transfers/{transfer_no}")
async def get_transfer_order(transfer_no: str, request: Request) -> dict[str, Any]:
    """X3: the transfer order and, per receipt line and serial/lot, what was shipped, received and is in transit."""
    async with _connection(request) as conn:
        found = await queries.transfer_order(conn, transfer_no)
    if found is None:
        raise HTTPException(404, f"transfer order {transfer_no} was not released")
    return found
