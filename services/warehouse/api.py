"""Read-only HTTP queries of the warehouse-tracking service."""

from fastapi import APIRouter, HTTPException, Request

router = APIRouter()


def _pool(request: Request):
    return request.app.state.runtime.pool


@router.get("/items/{item_no}/tracking")
async def get_item_tracking(item_no: str, request: Request) -> dict:
    row = await _pool(request).fetchrow("SELECT * FROM item_tracking WHERE item_no = $1", item_no)
    if row is None:
        raise HTTPException(404, f"no tracking policy replicated for item {item_no} yet")
    return dict(row)


@router.get("/locations/{location_code}")
async def get_location(location_code: str, request: Request) -> dict:
    pool = _pool(request)
    location = await pool.fetchrow("SELECT * FROM location WHERE location_code = $1", location_code)
    if location is None:
        raise HTTPException(404, f"location {location_code} is not configured")
    zones = await pool.fetch("SELECT zone_code, description FROM zone WHERE location_code = $1 ORDER BY zone_code", location_code)
    bins = await pool.fetch("SELECT * FROM bin WHERE location_code = $1 ORDER BY bin_code", location_code)
    return {**dict(location), "zones": [dict(z) for z in zones], "bins": [dict(b) for b in bins]}


@router.get("/locations")
async def list_locations(request: Request) -> list[dict]:
    rows = await _pool(request).fetch("SELECT * FROM location ORDER BY location_code")
    return [dict(r) for r in rows]
