"""Domain events become contract facts: stock facts one per item, keyed item|location (architecture.md)."""

from datetime import date

from warehouse_builders import LOC, TODAY, D, order

from contracts import warehouse as wh
from warehouse.domain.events import (
    AdjustmentPostingLine,
    AllocatedLine,
    PickCreated,
    WarehouseAdjustmentPosted,
)
from warehouse.domain.tracking import Tracking
from warehouse.messages import facts

JUL = date(2025, 7, 1)


def test_a_fact_about_several_items_becomes_one_per_item_in_order_of_first_appearance():
    milk, bolt = Tracking(lot="L1", expiration=JUL), Tracking()
    event = PickCreated("PK1", "SH1", LOC, (
        AllocatedLine(1, order("SO1", 1), "MILK", "", "A1", milk, D(2)),
        AllocatedLine(2, order("SO1", 2), "BOLT", "", "A2", bolt, D(5)),
        AllocatedLine(3, order("SO1", 1), "MILK", "", "A2", milk, D(1))))

    first, second = facts([event])

    assert [(f.item_no, f.kafka_key(), [x.line_no for x in f.lines]) for f in (first, second)] == [
        ("MILK", f"MILK|{LOC}", [1, 3]), ("BOLT", f"BOLT|{LOC}", [2])]
    assert first.lines[0] == wh.AllocatedLineFact(line_no=1, source_type="sales_order", source_no="SO1",
                                                  source_line_no=1, variant="", take_bin="A1", lot="L1",
                                                  expiration=JUL, quantity=D(2))


def test_S4_adjustment_posting_keeps_its_item_and_signed_quantities():
    event = WarehouseAdjustmentPosted("SH1-ADJ1", LOC, TODAY, "MILK", (
        AdjustmentPostingLine("", Tracking(lot="L1", expiration=JUL), D(-4)),
        AdjustmentPostingLine("", Tracking(lot="L9", expiration=JUL), D(4))))

    [fact] = facts([event])

    assert (fact.document_no, fact.kafka_key(), [(x.lot, x.quantity) for x in fact.lines]) == (
        "SH1-ADJ1", f"MILK|{LOC}", [("L1", D(-4)), ("L9", D(4))])
