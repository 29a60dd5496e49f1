"""Fixtures of the integration tests that drive the services over Kafka."""

import pytest
import pytest_asyncio

from tests.support.inventory import Journey


@pytest_asyncio.fixture
async def journey(request: pytest.FixtureRequest, stack, kafka) -> Journey:
    """An item of its own, registered, at a location of its own the inventory knows. Lot-tracked
    unless the test asks for another policy: `@pytest.mark.parametrize("journey", ["none"], indirect=True)`."""
    return await Journey(kafka, stack.inventory.url, policy=getattr(request, "param", "lot")).start()
