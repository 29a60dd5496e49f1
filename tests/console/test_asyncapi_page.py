"""`/asyncapi` on each service: its AsyncAPI document as a page, rendered in headless Chromium with every
request answered by the service itself (no CDN: it works offline)."""

import httpx
import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from tests.console.conftest import SCREENSHOTS


@pytest.mark.parametrize(("service", "commands"), [("warehouse", wh.COMMANDS), ("inventory", inv.COMMANDS)])
async def test_the_asyncapi_page_renders_every_message_type_from_the_service_alone(stack, browser, service, commands):
    base = getattr(stack, service).url
    page = await browser.new_page(viewport={"width": 1000, "height": 900})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    await page.route(lambda url: not url.startswith(base), lambda route: route.abort())

    response = await page.goto(f"{base}/asyncapi")
    await page.wait_for_selector("section.channel")

    assert response.status == 200 and "text/html" in response.headers["content-type"]
    assert requested and all(url.startswith(base) for url in requested), requested
    assert await page.title() == f"AsyncAPI: {service} service"
    shown = set(await page.locator("details.message .ce-type").all_inner_texts())
    assert set(commands) <= shown
    any_command = sorted(commands)[0]
    await page.fill("#filter", any_command)
    visible = await page.locator("details.message:not(.hidden) .ce-type").all_inner_texts()
    assert any_command in visible and len(set(visible)) == 1
    opened = page.locator("details.message:not(.hidden)").first
    await opened.locator("summary").click()
    assert "Kafka key" in await opened.inner_text() and "ce_correlationid" in await opened.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"asyncapi-{service}.png"), full_page=False)
    await page.close()


@pytest.mark.parametrize("asset", ["asyncapi.js", "asyncapi.css"])
def test_the_page_assets_are_served_by_the_service(stack, asset):
    response = httpx.get(f"{stack.inventory.url}/asyncapi/{asset}", timeout=10)
    assert response.status_code == 200 and len(response.text) > 500
    assert "http://" not in response.text and "https://" not in response.text


def test_an_unknown_asset_is_404(stack):
    assert httpx.get(f"{stack.inventory.url}/asyncapi/other.js", timeout=10).status_code == 404
