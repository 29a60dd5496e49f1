"""Read-only HTTP queries of the inventory service."""

from fastapi import APIRouter, HTTPException, Request

router = APIRouter()


def _pool(request: Request):
    return request.app.state.runtime.pool


@router.get("/items/{item_no}")
async def get_item(item_no: str, request: Request) -> dict:
    row = await _pool(request).fetchrow("SELECT * FROM item WHERE item_no = $1", item_no)
    if row is None:
        raise HTTPException(404, f"item {item_no} is not registered")
    return dict(row)


@router.get("/items")
async def list_items(request: Request, limit: int = 100, after: str = "") -> list[dict]:
    rows = await _pool(request).fetch(
        "SELECT * FROM item WHERE item_no > $1 ORDER BY item_no LIMIT $2", after, min(limit, 1000)
    )
    return [dict(r) for r in rows]


@router.get("/locations")
async def list_locations(request: Request) -> list[dict]:
    rows = await _pool(request).fetch("SELECT * FROM location ORDER BY location_code")
    return [dict(r) for r in rows]
