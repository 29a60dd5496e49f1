"""Reservation decisions at a fixed offered rate: command published -> decision fact consumed.

Open loop: commands leave at their scheduled moment whatever the answers do, so a slow system
shows as latency, not as a lower rate (no coordinated omission). Stock is received through the
warehouse first (a few items, plenty of lots), then every Reserve is a new demand for one unit.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
import uuid

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, WAREHOUSE_COMMANDS
from tests.benchmarks.pipeline import Driver

DECISIONS = (inv.ReservationCreated.TYPE, inv.ReservationRejected.TYPE, inv.CommandRejected.TYPE)


async def stock_up(driver: Driver, location: str, items: list[str], lots: int = 3, quantity: int = 100_000) -> None:
    """Receive `lots` lots of every item and wait until inventory has the entries (32 items at a time)."""
    for start in range(0, len(items), 32):
        await asyncio.gather(*(_receive(driver, location, item, lots, quantity) for item in items[start:start + 32]))


async def _receive(driver: Driver, location: str, item: str, lots: int, quantity: int) -> None:
    receipt_no = f"RC-{uuid.uuid4().hex[:8]}"
    await driver.command(WAREHOUSE_COMMANDS, wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": location, "source_no": receipt_no,
        "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item, "quantity": str(lots * quantity)}]},
        wh.ReceiptReleased.TYPE)
    [posted] = await driver.command(WAREHOUSE_COMMANDS, wh.PostReceipt, {
        "receipt_no": receipt_no,
        "lines": [{"line_no": 1, "lot": f"{receipt_no}-{n}", "quantity": str(quantity)} for n in range(lots)]},
        wh.ReceiptPosted.TYPE)
    await driver.caused(posted[2]["ce_id"], inv.LedgerEntriesPosted.TYPE)


async def offered_load(driver: Driver, location: str, items: list[str], rate: float, count: int,
                       timeout: float = 60.0) -> list[float]:
    """Seconds from publish to decision for `count` Reserve commands offered at `rate` per second;
    a decision not seen within `timeout` seconds counts as infinitely late (math.inf)."""
    rng = random.Random(11)
    run = uuid.uuid4().hex[:6]
    latencies: list[float] = []
    pending: list[asyncio.Task] = []
    wire = driver.wire
    loop = asyncio.get_running_loop()

    async def one(i: int) -> None:
        ce_id = str(uuid.uuid4())
        decided = loop.create_future()

        def route(fact) -> None:
            if fact[0] in DECISIONS and not decided.done():
                decided.set_result(fact[3])

        wire.on_caused_by(ce_id, route)
        item = rng.choice(items)
        _, sent = await wire.send(INVENTORY_COMMANDS, inv.Reserve.TYPE, {
            "source_type": "sales_order", "source_no": f"SO-{run}-{i}", "source_line_no": 1, "item_no": item,
            "location_code": location, "quantity": "1"}, key=f"{item}|{location}", ce_id=ce_id)
        try:
            latencies.append(await asyncio.wait_for(decided, timeout) - sent)
        except TimeoutError:
            latencies.append(math.inf)
        finally:
            wire.forget(ce_id)

    start = time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(one(i)))
    await asyncio.gather(*pending)
    return latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]
