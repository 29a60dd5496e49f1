"""Fixtures the integration tests share (the session's infrastructure is in tests/conftest.py)."""

import pytest

from tests.support.warehouse import Warehouse


@pytest.fixture
def warehouse(stack, kafka) -> Warehouse:
    """The warehouse service as an outside client drives it: commands on Kafka, facts and HTTP answers back."""
    return Warehouse(stack.warehouse.url, kafka)
