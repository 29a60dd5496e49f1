"""The console's transfer orders (X1-X6): the orders in transit and one order's predefined tracking (X3)."""

from tests.support.transfers import partly_received


async def test_X3_console_shows_transfer_orders_in_transit_and_what_the_receipt_still_expects(
        browser, console_url, stack, kafka):
    transfer, transfer_no, _ = await partly_received(stack, kafka)

    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(console_url)
    await page.fill("#transfers-form [name=location]", transfer.destination.location)
    await page.click("#transfers-form button")
    row = page.locator(f"#transfers tr[data-transfer='{transfer_no}']")
    await row.wait_for(timeout=20_000)
    assert [await row.locator(f"td.{name}").inner_text() for name in ("shipped", "received", "in_transit")] == [
        "3", "1", "2"]

    await row.locator("a").click()
    tracked = page.locator("#transfer-tracking tr[data-lot='L1']")
    await tracked.wait_for(timeout=20_000)
    assert await tracked.locator("td.in_transit").inner_text() == "2"
