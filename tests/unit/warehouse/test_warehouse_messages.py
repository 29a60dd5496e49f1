"""Contract commands become domain commands; domain events become contract facts: stock facts one per item,
keyed item|location (architecture.md)."""

from datetime import date

import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from tests.support.warehouse_builders import LOC, TODAY, D, order
from warehouse import messages
from warehouse.domain import commands as do
from warehouse.domain.adjustments import PhysicalCount
from warehouse.domain.documents import TrackedQuantity
from warehouse.domain.events import (
    AdjustmentPostingLine,
    AllocatedLine,
    PickCreated,
    WarehouseAdjustmentPosted,
)
from warehouse.domain.internal import ReclassificationLine
from warehouse.domain.tracking import Tracking
from warehouse.messages import InvalidValueError, facts

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


# --- contract commands into domain commands --------------------------------------------------------
def test_W9_count_lines_become_one_count_per_bin_and_item_with_everything_found_there():
    command = wh.RegisterPhysicalCount(document_no="PC1", location_code=LOC, lines=(
        wh.CountLine(item_no="MILK", bin_code="A1", lot="L1", counted_quantity=D(3)),
        wh.CountLine(item_no="BOLT", bin_code="A1", counted_quantity=D(7)),
        wh.CountLine(item_no="MILK", bin_code="A1", lot="L2", expiration=JUL, counted_quantity=D(1))))

    translated = messages.register_physical_count(command)

    assert translated == do.RegisterPhysicalCount("PC1", LOC, (
        PhysicalCount("A1", "MILK", (TrackedQuantity(Tracking(lot="L1"), D(3)),
                                     TrackedQuantity(Tracking(lot="L2", expiration=JUL), D(1)))),
        PhysicalCount("A1", "BOLT", (TrackedQuantity(Tracking(), D(7)),))))


def test_W8_blank_new_fields_of_a_reclassification_keep_the_current_values():
    command = wh.RegisterReclassification(document_no="RJ1", location_code=LOC, lines=(
        wh.ReclassificationLine(item_no="MILK", from_bin="A1", lot="L1", quantity=D(4), new_lot="L9"),))

    [line] = messages.register_reclassification(command).lines

    assert line == ReclassificationLine("A1", "MILK", D(4), lot="L1", new_bin=None, new_serial=None, new_lot="L9",
                                        new_expiration=None)


def test_W4_a_shipment_posting_without_lines_ships_everything_picked():
    assert messages.post_shipment(wh.PostShipment(shipment_no="SH1")).quantities is None
    assert messages.post_shipment(wh.PostShipment(shipment_no="SH1", lines=(
        wh.ShipLine(line_no=2, quantity=D(3)),))).quantities == {2: D(3)}


def test_a_value_outside_a_documented_set_is_refused_while_translating():
    command = wh.ConfigureLocation.model_validate({
        "location_code": LOC, "zones": [{"code": "STORE"}], "receive_bin": "R", "ship_bin": "S",
        "adjustment_bin": "ADJ", "bins": [{"code": "A1", "zone": "STORE", "block_movement": "up"}]})

    with pytest.raises(InvalidValueError) as refused:
        messages.configure_location(command)
    assert refused.value.reason_code == "invalid_value" and "block_movement 'up' is unknown" in refused.value.message


def test_T4_inventory_blocks_become_the_domain_values_the_replica_stores():
    fact = inv.TrackingBlocked(item_no="MILK", serial="", lot="L1", reason="recall")

    assert messages.tracking_block(fact) == do.TrackingBlocked("MILK", "", "L1", "recall")
