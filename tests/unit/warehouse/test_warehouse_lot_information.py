"""Quarantined and rejected lots and serials in the warehouse (Q1, Q3): skipped like blocked ones (T4)."""

from datetime import date

import pytest

from contracts import inventory as inv
from tests.support.warehouse_builders import ITEMS, D, order, picking, row, stock
from warehouse import messages
from warehouse.domain import commands as do
from warehouse.domain.errors import (
    LotBlockedError,
    LotQuarantinedError,
    LotRejectedError,
    SerialQuarantinedError,
    SerialRejectedError,
)
from warehouse.domain.internal import MovementRequest, create_movement
from warehouse.domain.outbound import PickHandling, create_pick, register_pick
from warehouse.domain.picking import propose_pick
from warehouse.domain.release import SourceRequest, release_outbound
from warehouse.domain.tracking import BlockedTracking, Tracking

SO1 = order("SO1")
JUL, AUG = date(2025, 7, 1), date(2025, 8, 1)
MILK_STOCK = [row("A2", "MILK", 6, lot="L1", expiration=JUL), row("A1", "MILK", 6, lot="L2", expiration=AUG)]
VACCINES = [row("A1", "VACCINE", 1, serial=s, lot="V1", expiration=AUG) for s in ("S1", "S2", "S3")]


def withheld(*records: tuple[str, str, str, str, str]) -> BlockedTracking:
    """(item, variant, "lot" or "serial", number, status) records, as the state loader reads them."""
    return BlockedTracking(withheld={(item_no, variant, kind, number): status
                                     for item_no, variant, kind, number, status in records})


def proposed(content, quantity, item_no, blocked):
    proposals = propose_pick(SO1, ITEMS[item_no], "", D(quantity), picking(content, blocked=blocked))
    return [(p.key.tracking.serial or p.key.tracking.lot, p.quantity) for p in proposals]


def test_Q1_a_quarantined_lot_is_not_proposed_for_picking():
    assert proposed(MILK_STOCK, 10, "MILK", withheld(("MILK", "", "lot", "L1", "quarantine"))) == [("L2", D(6))]


def test_Q1_rejected_serials_and_the_serials_of_a_rejected_lot_are_not_proposed():
    assert proposed(VACCINES, 3, "VACCINE", withheld(("VACCINE", "", "serial", "S1", "rejected"))) == [
        ("S2", D(1)), ("S3", D(1))]
    assert proposed(VACCINES, 3, "VACCINE", withheld(("VACCINE", "", "lot", "V1", "rejected"))) == []


def test_Q1_a_status_belongs_to_its_variant():
    assert proposed(MILK_STOCK, 10, "MILK", withheld(("MILK", "BLUE", "lot", "L1", "quarantine"))) == [
        ("L1", D(6)), ("L2", D(4))]


def registering(blocked: BlockedTracking, handling: PickHandling):
    shipment = release_outbound("SH1", [SourceRequest(SO1, "MILK", D(8))], stock()).shipment
    created = create_pick(shipment, "PK1", picking(MILK_STOCK))
    return register_pick(created.pick, created.shipment, [handling], picking(MILK_STOCK, blocked=blocked))


def test_Q1_a_lot_quarantined_after_the_pick_was_created_cannot_be_registered():
    with pytest.raises(LotQuarantinedError) as refused:
        registering(withheld(("MILK", "", "lot", "L1", "quarantine")), PickHandling(1, D(1)))
    assert refused.value.reason_code == "lot_quarantined"
    assert "Lot L1 of item MILK is in quarantine: choose another lot, or have it released" in refused.value.message


def test_Q1_a_rejected_lot_is_refused_as_rejected_and_a_blocked_one_as_blocked():
    with pytest.raises(LotRejectedError, match="was rejected by quality control: choose another lot"):
        registering(withheld(("MILK", "", "lot", "L1", "rejected")), PickHandling(1, D(1)))
    blocked_too = BlockedTracking(lots=frozenset({("MILK", "L1")}), withheld={("MILK", "", "lot", "L1"): "rejected"})
    with pytest.raises(LotBlockedError):
        registering(blocked_too, PickHandling(1, D(1)))


def test_Q1_a_rejected_serial_in_a_quarantined_lot_is_named_as_rejected():
    both = withheld(("VACCINE", "", "lot", "V1", "quarantine"), ("VACCINE", "", "serial", "S1", "rejected"))
    with pytest.raises(SerialRejectedError, match="Serial S1 of item VACCINE was rejected"):
        both.check("VACCINE", Tracking("S1", "V1"))
    with pytest.raises(LotQuarantinedError):
        both.check("VACCINE", Tracking("S2", "V1"))
    with pytest.raises(SerialQuarantinedError, match="Serial S3 of item VACCINE is in quarantine"):
        withheld(("VACCINE", "", "serial", "S3", "quarantine")).check("VACCINE", Tracking("S3", "V1"))


def test_Q1_a_quarantined_lot_cannot_be_moved():
    request = MovementRequest("MILK", D(2), "A2", "A1", lot="L1")
    with pytest.raises(LotQuarantinedError):
        create_movement("MV1", [request], stock(MILK_STOCK, blocked=withheld(("MILK", "", "lot", "L1", "quarantine"))))


def test_Q3_the_warehouse_replicates_the_inventory_fact_as_it_is():
    fact = inv.TrackingInformationChanged(item_no="MILK", variant="", lot="L1", quality_status="quarantine",
                                          certificate_no="COA-1", comment="lab", previous_quality_status="released")

    assert messages.tracking_information(fact) == do.TrackingInformationChanged(
        "MILK", "", "", "L1", "quarantine", "COA-1", "lab")


def test_Q1_released_again_a_lot_is_proposed_again():
    """The state loader reads only quarantined and rejected records: a released lot has none."""
    assert proposed(MILK_STOCK, 10, "MILK", withheld()) == [("L1", D(6)), ("L2", D(4))]
