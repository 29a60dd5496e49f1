"""Z1: every inventory use case costs in proportion to the posted lines, an item-location's entries and a
demand's reservations, not their square.

Counted, not timed: a document of ten times the serials (ten times the entries, and one demand holding ten
times the reservations) must take at most ~13 times the operations (a scan per line: about a hundred).
"""

import pytest

from tests.support.inventory_scale import other_serials_picked, serial_document
from tests.support.operations import growth

N, AT_MOST = 100, 13
STEPS = ["post receipt", "reserve", "create pick (S2)", "register pick (S3)", "post shipment"]


@pytest.fixture(scope="module")
def serials_growth() -> dict[str, float]:
    return growth(serial_document, N)


@pytest.fixture(scope="module")
def swapped_growth() -> dict[str, float]:
    return growth(other_serials_picked, N)


@pytest.mark.parametrize("step", STEPS)
def test_Z1_ten_times_the_serials_cost_at_most_about_ten_times(serials_growth, step):
    assert serials_growth[step] <= AT_MOST, f"{step}: {serials_growth[step]:.1f}x the operations for 10x the serials"


@pytest.mark.parametrize("step", STEPS)
def test_Z1_picking_ten_times_other_serials_than_reserved_costs_at_most_about_ten_times(swapped_growth, step):
    assert swapped_growth[step] <= AT_MOST, f"{step}: {swapped_growth[step]:.1f}x the operations for 10x the serials"


def test_Z1_the_scenarios_cover_every_step_of_the_flow(serials_growth, swapped_growth):
    assert list(serials_growth) == STEPS and list(swapped_growth) == STEPS
