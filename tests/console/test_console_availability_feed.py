"""The console's availability view follows the feed (A1): a change is shown without asking again."""

from contracts import inventory as inv
from contracts.topics import INVENTORY_COMMANDS
from tests.support.warehouse import Warehouse, serial, unique


async def test_A1_the_console_updates_the_shown_availability_from_availability_changed(browser, console_url, stack,
                                                                                         kafka):
    warehouse = Warehouse(stack.warehouse.url, kafka)
    item_no, location = unique("FEED"), unique("WH")
    await warehouse.register_item(item_no, "serial")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [serial("SN-1"), serial("SN-2")])

    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(f"{console_url}/?item={item_no}")
    await page.wait_for_selector("#live-status[data-state=live]", timeout=20_000)
    total = page.locator(f"#availability table[data-location='{location}'] tr.total td.available")
    await total.wait_for(timeout=20_000)
    assert await total.inner_text() == "2"

    # An order system reserves one: the inventory's AvailabilityChanged updates the row in place.
    reserve = inv.Reserve(source_no=unique("SO"), source_line_no=1, item_no=item_no, location_code=location,
                          quantity=1)
    await kafka.send_command(INVENTORY_COMMANDS, reserve.TYPE, reserve.model_dump(mode="json"), key=reserve.kafka_key())
    live = page.locator(f"#availability table[data-location='{location}'] tr.total.live td.available")
    await live.wait_for(timeout=30_000)
    assert await live.inner_text() == "1"
    feed_entry = page.locator(f"#events li[data-type='{inv.AvailabilityChanged.TYPE}']", has_text="available_to_reserve=1")
    await feed_entry.first.wait_for(timeout=10_000)
