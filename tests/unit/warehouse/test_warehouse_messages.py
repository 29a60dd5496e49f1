"""Contract commands become domain commands; domain events become contract facts: stock facts one per item,
keyed item|location (architecture.md), facts with lines in parts of at most LINES_PER_PART (Z2)."""

from datetime import date
from typing import get_args

import pytest
from pydantic import BaseModel

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import LINES_PER_PART, InParts
from tests.support.warehouse_builders import LOC, TODAY, D, order
from warehouse import messages
from warehouse.domain import commands as do
from warehouse.domain.adjustments import PhysicalCount
from warehouse.domain.documents import TrackedQuantity
from warehouse.domain.events import (
    AdjustmentPostingLine,
    AllocatedLine,
    PickCreated,
    PostedLine,
    ReceiptPosted,
    ReceiptReleased,
    ReleasedLine,
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


def _posted(number: int, item_no: str = "PHONE") -> PostedLine:
    return PostedLine(1, order("PO1"), item_no, "", "R-01", Tracking(serial=f"SN-{number:05}"), D(1))


def test_Z2_a_receipt_of_1201_serials_is_published_in_parts_of_at_most_500_lines_repeating_the_header():
    event = ReceiptPosted("RC1", LOC, TODAY, "RC1-PA1", tuple(_posted(n) for n in range(1, 1202)))

    parts = facts([event])

    assert LINES_PER_PART == 500
    assert [(f.part, f.parts, len(f.lines)) for f in parts] == [(1, 3, 500), (2, 3, 500), (3, 3, 201)]
    headers = {f.model_dump_json(exclude={"part", "lines"}) for f in parts}
    assert len(headers) == 1 and f'"receipt_no":"RC1","put_away_no":"RC1-PA1","location_code":"{LOC}"' in headers.pop()
    assert {f.kafka_key() for f in parts} == {f"PHONE|{LOC}"}
    assert [line.serial for f in parts for line in f.lines] == [f"SN-{n:05}" for n in range(1, 1202)]
    assert max(len(f.model_dump_json()) for f in parts) < 1_000_000


def test_Z2_a_document_of_several_items_is_cut_per_item_and_a_small_one_stays_whole():
    event = ReceiptPosted("RC2", LOC, TODAY, "RC2-PA1", (
        *(_posted(n) for n in range(1, 601)), _posted(1, "CASE"), _posted(2, "CASE")))

    parts = facts([event])

    assert [(f.item_no, f.part, f.parts, len(f.lines)) for f in parts] == [
        ("PHONE", 1, 2, 500), ("PHONE", 2, 2, 100), ("CASE", 1, 1, 2)]


def test_Z2_a_released_request_of_1000_lines_is_published_in_two_parts_on_its_document_key():
    event = ReceiptReleased("RC3", LOC, tuple(ReleasedLine(n, order("PO3", n), "BOLT", "", D(1), "R-01")
                                              for n in range(1, 1001)))

    parts = facts([event])

    assert [(f.receipt_no, f.source_no, f.kafka_key(), f.part, f.parts, f.lines[0].line_no) for f in parts] == [
        ("RC3", "PO3", "RC3", 1, 2, 1), ("RC3", "PO3", "RC3", 2, 2, 501)]


# BinTotalsReported is not cut yet: a part would need the key range it covers, or the inventory would report the
# other parts' serials as missing (docs/decisions.md, "Bounded messages, warehouse side").
NOT_IN_PARTS_YET = {wh.BinTotalsReported}


@pytest.mark.parametrize("fact", [m for m in wh.EVENTS.values() if "lines" in m.model_fields
                                  and m not in NOT_IN_PARTS_YET], ids=lambda m: m.TYPE)
def test_Z2_every_warehouse_fact_with_lines_carries_part_and_parts(fact):
    assert issubclass(fact, InParts)


def _longest(model: type[BaseModel], **given: object) -> BaseModel:
    """The model with every field at the longest value its type allows (strings of 50 characters)."""
    longest = {str: "X" * 50, int: 999_999, bool: True, D: D("-999999999999.999999"), date: JUL}
    kinds = {name: get_args(f.annotation)[0] if get_args(f.annotation) else f.annotation
             for name, f in model.model_fields.items() if name not in given}
    values = {name: _longest(kind) if isinstance(kind, type) and issubclass(kind, BaseModel) else longest[kind]
              for name, kind in kinds.items()}  # a nested part (a transfer's route) at its longest too
    return model(**values, **given)


@pytest.mark.parametrize("fact", [m for m in wh.EVENTS.values() if issubclass(m, InParts)], ids=lambda m: m.TYPE)
def test_Z2_a_part_of_500_lines_at_their_longest_stays_far_under_1_mb(fact):
    [line_type] = {arg for arg in get_args(fact.model_fields["lines"].annotation) if arg is not Ellipsis}
    part = _longest(fact, lines=(_longest(line_type),) * LINES_PER_PART)

    assert len(part.model_dump_json()) < 500_000


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


def test_every_inventory_fact_the_warehouse_replicates_is_published_on_the_replication_topic():
    """The warehouse reads inventory facts only from inventory.replication.v1: a replicated fact missing from
    `contracts.inventory.REPLICATION` would never reach it."""
    from warehouse.subscribers import INVENTORY_FACT_USE_CASES

    assert {route.contract for route in INVENTORY_FACT_USE_CASES} == set(inv.REPLICATION.values())
