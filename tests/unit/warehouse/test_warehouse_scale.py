"""Z1: every warehouse use case costs in proportion to the document's lines (or serials), not their square.

Counted, not timed: a document ten times larger must take at most ~13 times the operations (a scan per
line would take about a hundred times).
"""

import pytest

from tests.support.operations import growth
from tests.support.warehouse_scale import many_lines, serial_document

N, AT_MOST = 100, 13
STEPS = ["post receipt", "register put-away", "create pick", "register pick", "post shipment"]


@pytest.fixture(scope="module")
def serials_growth() -> dict[str, float]:
    return growth(serial_document, N)


@pytest.fixture(scope="module")
def lines_growth() -> dict[str, float]:
    return growth(many_lines, N)


@pytest.mark.parametrize("step", STEPS)
def test_Z1_one_line_of_ten_times_the_serials_costs_at_most_about_ten_times(serials_growth, step):
    assert serials_growth[step] <= AT_MOST, f"{step}: {serials_growth[step]:.1f}x the operations for 10x the serials"


@pytest.mark.parametrize("step", STEPS)
def test_Z1_a_document_of_ten_times_the_lines_costs_at_most_about_ten_times(lines_growth, step):
    assert lines_growth[step] <= AT_MOST, f"{step}: {lines_growth[step]:.1f}x the operations for 10x the lines"


def test_Z1_the_scenarios_cover_every_step_of_the_flow(serials_growth, lines_growth):
    assert list(serials_growth) == STEPS and list(lines_growth) == STEPS
