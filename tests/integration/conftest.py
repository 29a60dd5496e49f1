"""Fixtures the integration tests share (the session's infrastructure is in tests/conftest.py)."""

import pytest
import pytest_asyncio

from tests.support.inventory import Journey
from tests.support.warehouse import Warehouse


@pytest.fixture
def warehouse(stack, kafka) -> Warehouse:
    """The warehouse service as an outside client drives it: commands on Kafka, facts and HTTP answers back."""
    return Warehouse(stack.warehouse.url, kafka)


@pytest_asyncio.fixture
async def journey(request: pytest.FixtureRequest, stack, kafka) -> Journey:
    """An item of its own, registered, at a location of its own the inventory knows. Lot-tracked
    unless the test asks for another policy: `@pytest.mark.parametrize("journey", ["none"], indirect=True)`."""
    return await Journey(kafka, stack.inventory.url, policy=getattr(request, "param", "lot")).start()
