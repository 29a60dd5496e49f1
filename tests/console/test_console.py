"""The operator console in headless Chromium: live facts arrive, availability and a trace are drawn."""

from datetime import UTC, datetime

import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS
from tests.console.conftest import SCREENSHOTS
from tests.support.warehouse import Warehouse, serial, unique


@pytest.fixture
def warehouse(stack, kafka) -> Warehouse:
    return Warehouse(stack.warehouse.url, kafka)


async def test_console_shows_a_live_fact_the_availability_and_the_trace_of_a_serial(browser, console_url, warehouse,
                                                                                      kafka, capsys):
    item_no, location = unique("CONSOLE"), unique("WH")
    await warehouse.register_item(item_no, "serial")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [serial("SN-7"), serial("SN-8")])
    shipment_no = await warehouse.shipment(location, item_no, 1)
    created = await warehouse.pick(shipment_no)
    await warehouse.run(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [{"line_no": 1, "quantity": "1"}]},
                        wh.PickRegistered)
    picked = created["lines"][0]["serial"]

    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(console_url)
    await page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)

    # A fact published now appears in the live list.
    newcomer = unique("LIVE")
    await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE,
                             {"item_no": newcomer, "base_unit": "PCS", "tracking_policy": "none"}, key=newcomer)
    live = page.locator(f"#events li[data-type='{inv.ItemRegistered.TYPE}']", has_text=newcomer)
    await live.wait_for(timeout=30_000)

    # Availability: one unit picked waits in the ship bin, the other is available.
    await page.fill("#availability-form [name=item]", item_no)
    await page.click("#availability-form button")
    total = page.locator(f"#availability table[data-location='{location}'] tr.total td.available")
    await total.wait_for(timeout=20_000)
    assert await total.inner_text() == "1"

    # The trace of the picked serial: received, put away, picked on the warehouse's lane.
    await page.fill("#trace-form [name=serial]", picked)
    await page.fill("#trace-form [name=item]", item_no)
    await page.click("#trace-form button")
    await page.wait_for_selector("#trace-graph g.step[data-step=picked]", timeout=30_000)
    steps = await page.locator("#trace-graph g.step").evaluate_all("nodes => nodes.map(n => n.dataset.step)")
    assert [s for s in steps if s in ("received", "put away", "picked")] == ["received", "put away", "picked"]
    assert "posted (purchase)" in steps
    assert f"now in: {location}/S-01 1" in await page.inner_text("#trace-status")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"console-{datetime.now(UTC):%Y%m%dT%H%M%S}.png"
    await page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    with capsys.disabled():  # shown by a plain `pytest -q` too
        print(f"\nconsole screenshot: {shot}")
