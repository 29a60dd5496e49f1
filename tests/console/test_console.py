"""The operator console in headless Chromium: the latest and live facts, availability, a trace drawn and
exported, deep links, consumer-group lag, at 1400 and at 800 px."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS
from tests.console.conftest import SCREENSHOTS
from tests.support.warehouse import Warehouse, lot, serial, unique


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


async def test_console_opens_on_a_deep_link_with_the_latest_facts_csv_lag_and_holds_at_800_px(
        browser, console_url, warehouse, kafka, capsys):
    item_no, location = unique("DEEP"), unique("WH")
    await warehouse.register_item(item_no, "lot")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [lot("L-DEEP", 5)])
    # A refusal published before the page opens: it must be among the latest facts, its sentence whole.
    refused = inv.Reserve(item_no=item_no, location_code=location, source_no=unique("SO"), source_line_no=1,
                          quantity=Decimal(500), lot="L-DEEP")
    command_id = await kafka.send_command(INVENTORY_COMMANDS, refused.TYPE, refused.model_dump(mode="json"),
                                          key=refused.kafka_key())
    [refusal] = await kafka.wait_for(type=inv.ReservationRejected.TYPE, causation_id=command_id)

    page = await browser.new_page(viewport={"width": 800, "height": 900})
    await page.goto(f"{console_url}/?item={item_no}&lot=L-DEEP")
    await page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)

    # The latest facts on open (the stream is narrowed to the linked item).
    shown = page.locator(f"#events li.recent.refusal[data-type='{inv.ReservationRejected.TYPE}']")
    await shown.wait_for(timeout=20_000)
    await page.locator(f"#events li.recent[data-type='{inv.ItemRegistered.TYPE}']").wait_for(timeout=5_000)
    sentence = shown.locator(".refusal-text")
    assert await sentence.inner_text() == f"{refusal.json()['reason_code']}: {refusal.json()['message']}"
    assert len(refusal.json()["message"]) > 60 and not await sentence.evaluate("n => n.scrollWidth > n.clientWidth")

    # The deep link filled and ran availability and the trace of the lot.
    total = page.locator(f"#availability table[data-location='{location}'] tr.total td.available")
    await total.wait_for(timeout=20_000)
    assert await total.inner_text() == "5"
    await page.wait_for_selector("#trace-graph g.step[data-step=received]", timeout=30_000)
    assert await page.input_value("#trace-form [name=lot]") == "L-DEEP"
    link = f"/?item={item_no}&lot=L-DEEP"
    assert await page.get_attribute("#trace-link", "href") == link and page.url.endswith(link)

    # The trace as CSV, one row per step.
    download = await page.request.get(console_url + await page.get_attribute("#trace-csv", "href"))
    assert download.ok and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(await download.text())))
    assert list(rows[0]) == ["at", "service", "step", "what", "document", "location_code", "quantity"]
    assert [r["step"] for r in rows if r["service"] == "warehouse"][:2] == ["received", "put away"]
    assert {r["location_code"] for r in rows} == {location}

    # Consumer-group lag: a row per partition of each group's topics.
    await page.wait_for_selector("#lag tr[data-group='inventory.commands']", timeout=20_000)
    assert await page.locator(f"#lag tr[data-group='inventory.commands'][data-topic='{INVENTORY_COMMANDS}']").count() == 6
    assert "record(s) behind" in await page.inner_text("#lag-status")

    # At 800 px nothing sticks out of the page.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 800
    for panel in ("#events-panel", "#availability-panel", "#lag-panel", "#trace-panel"):
        box = await page.locator(panel).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 800, (panel, box)
    await save_screenshot(page, "console-800px", capsys)

    # Errors read as the console's, not the CLI's.
    await page.fill("#trace-form [name=lot]", "")
    await page.fill("#trace-form [name=item]", "")
    await page.fill("#trace-form [name=serial]", unique("NOSN"))
    await page.click("#trace-form button")
    await page.wait_for_function("document.querySelector('#trace-status').textContent.includes('name the item')")
    assert "--" not in await page.inner_text("#trace-status")


async def save_screenshot(page, name: str, capsys) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}.png"
    await page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nconsole screenshot: {shot}")
