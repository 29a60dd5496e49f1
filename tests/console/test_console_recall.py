"""The console's recall panel in headless Chromium (R1): forward, backward and where now, and the CSV export."""

import csv
import io

import httpx

from tests.support.ids import unique
from tests.support.journey import Journey
from tests.support.warehouse import lot


async def test_R1_the_console_recalls_a_lot_with_its_customer_its_vendor_and_its_bin(browser, console_url, stack,
                                                                                       kafka):
    journey = await Journey(stack, kafka).start()
    item_no, lot_no, vendor, customer = await journey.item("lot"), unique("LOT"), unique("V"), unique("C")
    await journey.put_away(await journey.receive(item_no, [lot(lot_no, 5)], vendor_no=vendor))
    shipment_no = await journey.shipment(unique("SO"), (item_no, 2), customer_no=customer)
    await journey.register_all((await journey.pick(shipment_no))[item_no])
    await journey.post_shipment(shipment_no)

    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(console_url)
    await page.fill("#recall-form [name=lot]", lot_no)
    await page.click("#recall-form button")
    await page.locator("#recall table[data-part=forward] td", has_text=customer).wait_for(timeout=20_000)

    async def rows(part: str) -> list[list[str]]:
        return await page.locator(f"#recall table[data-part={part}] tr:has(td)").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText))")

    [shipped] = await rows("forward")
    [received] = await rows("backward")
    [now] = await rows("where_now")
    assert ("shipment", "2", f"shipment {shipment_no}", customer) == (shipped[1], shipped[6], shipped[7], shipped[9])
    assert ("receipt", "5", vendor) == (received[1], received[6], received[9])
    assert ("bin", journey.location, "P-01", "3") == (now[0], now[2], now[4], now[7])
    assert await page.inner_text("#recall-status") == "in 5, out 2, now 3"

    async with httpx.AsyncClient(base_url=console_url, timeout=30) as client:
        exported = await client.get(await page.get_attribute("#recall-csv", "href"))
    assert [(r["part"], r["partner"], r["quantity"]) for r in csv.DictReader(io.StringIO(exported.text))] == [
        ("forward", customer, "2"), ("backward", vendor, "5"), ("where_now", "", "3")]
