"""The console shows lot and serial information (Q1): the quality status in availability and the trace."""

import pytest

from contracts import inventory as inv
from contracts.topics import INVENTORY_COMMANDS
from tests.support.warehouse import SOON, Warehouse, lot, unique


@pytest.fixture
def warehouse(stack, kafka) -> Warehouse:
    return Warehouse(stack.warehouse.url, kafka)


async def test_Q1_the_console_shows_a_quarantined_lot_in_availability_and_its_record_in_the_trace(
        browser, console_url, warehouse, kafka):
    item_no, location = unique("CONSOLE-Q"), unique("WH")
    await warehouse.register_item(item_no, "lot")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [lot("LQ-1", 4, SOON)])
    command = inv.SetTrackingInformation(item_no=item_no, lot="LQ-1", quality_status="quarantine",
                                         certificate_no="COA-99", comment="awaiting the lab")
    command_id = await kafka.send_command(INVENTORY_COMMANDS, command.TYPE, command.model_dump(mode="json"),
                                          key=item_no)
    await kafka.wait_for(type=inv.TrackingInformationChanged.TYPE, causation_id=command_id)

    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(f"{console_url}/?item={item_no}&lot=LQ-1&location={location}")

    row = page.locator(f"#availability table[data-location='{location}'] tr.tracking", has_text="LQ-1")
    await row.wait_for(timeout=20_000)
    assert "LQ-1 (quarantine)" in await row.inner_text()
    record = page.locator("#trace-information li[data-status=quarantine]")
    await record.wait_for(timeout=30_000)
    assert await record.inner_text() == "lot LQ-1: quarantine · certificate COA-99 · awaiting the lab"
