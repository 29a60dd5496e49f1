"""A small location layout and a poll for replicas, for tests that drive the services with raw commands."""

import asyncio
import time

import httpx


def location(code: str, **changes) -> dict:
    config = {
        "location_code": code,
        "zones": [{"code": "RECV"}, {"code": "PICK"}, {"code": "SHIP"}, {"code": "ADJ"}],
        "bins": [
            {"code": "R-01", "zone": "RECV", "types": ["receive"]},
            {"code": "P-01", "zone": "PICK", "types": ["put_away", "pick"], "ranking": 10},
            {"code": "S-01", "zone": "SHIP", "types": ["ship"]},
            {"code": "ADJ", "zone": "ADJ", "types": []},
        ],
        "receive_bin": "R-01", "ship_bin": "S-01", "adjustment_bin": "ADJ", "pick_by_fefo": True,
    }
    return {**config, **changes}


async def poll_json(url: str, timeout: float = 20.0) -> dict:
    """GET until the replica has caught up (facts arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            response = await client.get(url)
            if response.status_code == 200:
                return response.json()
            assert time.monotonic() < deadline, f"{url} still answers {response.status_code}"
            await asyncio.sleep(0.2)
