"""Read-only HTTP queries of the inventory service."""

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from inventory import queries
from inventory.domain.keys import TrackingNumbers
from inventory.queries import Json
from servicekit.http_api import AfterNumber, AfterText, Limit
from units_of_measure import ItemUnits, UnitError

router = APIRouter()


def _pool(request: Request) -> Any:
    """The runtime's asyncpg pool (its connections stand in for `asyncpg.Connection` in `queries`)."""
    return request.app.state.runtime.pool


@router.get("/items/{item_no}")
async def get_item(item_no: str, request: Request) -> Json:
    async with _pool(request).acquire() as conn:
        found = await queries.item(conn, item_no)
    if found is None:
        raise HTTPException(404, f"item {item_no} is not registered")
    return found


@router.get("/items")
async def list_items(request: Request, limit: Limit = 100, after: AfterText = "") -> list[Json]:
    async with _pool(request).acquire() as conn:
        return await queries.items(conn, after, limit)


@router.get("/locations")
async def list_locations(request: Request) -> list[Json]:
    async with _pool(request).acquire() as conn:
        return await queries.locations(conn)


@router.get("/availability/{item_no}")
async def availability(
    item_no: str, request: Request, location: str = "", variant: str | None = None, serial: str = "", lot: str = "",
    unit: str = "",
) -> Json:
    """I5 with its breakdown per item/variant/location, and per serial/lot below each; `unit` (U3) adds each
    figure in that unit of the item (`in_unit`), beside the base figures."""
    async with _pool(request).acquire() as conn:
        units = await _units(conn, item_no, unit)
        locations = await queries.availability_of(conn, item_no, location, variant, TrackingNumbers(serial, lot))
    if units is None:
        return {"item_no": item_no, "locations": locations}
    per = str(units.unit(unit).per_base.normalize())
    return {"item_no": item_no, "unit": unit, "quantity_per_unit": per,
            "locations": queries.in_unit(locations, units, unit)}


async def _units(conn: Any, item_no: str, unit: str) -> ItemUnits | None:
    if not unit:
        return None
    try:
        return await queries.item_units(conn, item_no, unit)
    except UnitError as error:
        raise HTTPException(422, error.message) from None


@router.get("/items/{item_no}/ledger-entries")
async def ledger_entries(
    item_no: str,
    request: Request,
    location: str = "",
    serial: str = "",
    lot: str = "",
    after: AfterNumber = 0,
    limit: Limit = 100,
) -> Json:
    async with _pool(request).acquire() as conn:
        return await queries.ledger_entries(conn, item_no, location, TrackingNumbers(serial, lot), after, limit)


@router.get("/items/{item_no}/tracing")
async def item_tracing(item_no: str, request: Request, serial: str = "", lot: str = "", after: AfterNumber = 0,
                       limit: Limit = 1000) -> Json:
    """The ledger entries of a serial or lot, one page (`next_after` for the next; null on the last), and
    every application those entries took part in."""
    if not (serial or lot):
        raise HTTPException(422, "name the serial and/or lot number to trace")
    async with _pool(request).acquire() as conn:
        return await queries.item_tracing(conn, item_no, TrackingNumbers(serial, lot), after, limit)


@router.get("/recall")
async def recall(request: Request, lot: str = "", serial: str = "", item_no: str = "", after: AfterNumber = 0,
                 limit: Limit = 1000) -> Json:
    """R1 from the item ledger: a page of the lot's or serial's outbound postings (`forward`: shipments, transfers
    out, with customer or destination) and inbound ones (`backward`: receipts, transfers in, with vendor or
    origin), and what remains of it per location (`where_now`, on every page); `next_after` for the next page."""
    if not (serial or lot):
        raise HTTPException(422, "name the lot and/or serial number to recall")
    async with _pool(request).acquire() as conn:
        return await queries.recall(conn, item_no, TrackingNumbers(serial, lot), after, limit)


@router.get("/items/{item_no}/reservations")
async def item_reservations(item_no: str, request: Request, location: str = "") -> list[Json]:
    async with _pool(request).acquire() as conn:
        return await queries.item_reservations(conn, item_no, location)


@router.get("/items/{item_no}/blocked-tracking")
async def blocked_tracking(item_no: str, request: Request) -> list[Json]:
    async with _pool(request).acquire() as conn:
        return await queries.blocked_tracking(conn, item_no)


@router.get("/tracking-information/{item_no}")
async def tracking_information(item_no: str, request: Request, serial: str = "", lot: str = "",
                               variant: str | None = None, after: AfterText = "", limit: Limit = 100) -> list[Json]:
    """Q1: quality status, certificate or test number and comment of the item's lots and serials: the
    records of the named serial and of the named lot (a serial's own and its lot's), or all of the item's.
    A number without a record is released. Next page: pass the last row's `number` as `after`."""
    async with _pool(request).acquire() as conn:
        return await queries.tracking_information(conn, item_no, TrackingNumbers(serial, lot), variant, after, limit)


@router.get("/demands/{source_type}/{source_no}/{source_line_no}")
async def demand_line(source_type: str, source_no: str, source_line_no: int, request: Request) -> Json:
    """The demand line's reservations, and the serial/lot numbers assigned to it and picked for it."""
    async with _pool(request).acquire() as conn:
        return await queries.demand_line(conn, source_type, source_no, source_line_no)


@router.get("/parked-postings")
async def parked_postings(request: Request, item_no: str = "", location: str = "", after: AfterNumber = 0,
                          limit: Limit = 100) -> list[Json]:
    """Oldest first; for the next page pass the last row's `parked_seq` as `after`."""
    async with _pool(request).acquire() as conn:
        return await queries.parked_postings(conn, item_no, location, after, limit)


@router.get("/reconciliations/{request_id}")
async def reconciliation(request_id: str, request: Request) -> Json:
    async with _pool(request).acquire() as conn:
        result = await queries.reconciliation(conn, request_id)
    if result is None:
        raise HTTPException(404, f"no bin totals of request {request_id} have been reconciled")
    return result
