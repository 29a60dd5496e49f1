"""Headless Chromium (Debian's package, never a browser download) driven by Playwright, and the console
as a process pointed at the test stack."""

import os
import shutil
import subprocess
import sys

import httpx
import pytest

from tests.support.infra import REPO
from tests.support.services import free_port

CHROMIUM = "/usr/bin/chromium"
# Chromium as root (CI) needs --no-sandbox; the rest keeps it from phoning home during a test.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / ".stack" / "screenshots"  # git-ignored


@pytest.fixture(scope="session")
def chromium() -> str:
    """The browser binary, installed with apt-get on a fresh machine (CI runs as root)."""
    if not os.path.exists(CHROMIUM):
        apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
        assert shutil.which(apt[0]), "no apt-get to install chromium with: install Debian's chromium package"
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*apt, "update", "-q"], check=True, capture_output=True, timeout=600, env=env)
        subprocess.run([*apt, "install", "-y", "-q", "chromium"], check=True, capture_output=True, timeout=900, env=env)
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing after apt-get install chromium"
    return CHROMIUM


@pytest.fixture
async def browser(chromium):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
def console_url(stack) -> str:
    port = free_port()
    log_dir = REPO / ".stack" / "test-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": stack.infra.bootstrap, "WAREHOUSE_URL": stack.warehouse.url,
           "INVENTORY_URL": stack.inventory.url, "HTTP_PORT": str(port)}
    with (log_dir / f"console-{port}.log").open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "console"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            assert process.poll() is None, f"the console exited; see {log.name}"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            import time

            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
