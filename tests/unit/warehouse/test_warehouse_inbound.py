"""Inbound (W2) with tracking numbers on every received line (T1-T3)."""

from dataclasses import replace
from datetime import date

import pytest

from tests.support.warehouse_builders import LOC, TODAY, D, apply, bins, location, purchase, quantities, row, stock
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.errors import (
    BinBlockedInboundError,
    BinNotAllowedError,
    ExpirationMismatchError,
    ExpirationRequiredError,
    QuantityExceedsOutstandingError,
    SerialAlreadyInStockError,
    SerialQuantityMustBeOneError,
    TrackingNumberNotAllowedError,
    TrackingNumberRequiredError,
)
from warehouse.domain.events import PostedLine, ReceiptPosted, ReceiptReleased, ReleasedLine
from warehouse.domain.inbound import ReceivedQuantity, post_receipt, register_put_away
from warehouse.domain.location import Bin, BinType, BlockMovement, configure_location
from warehouse.domain.release import SourceRequest, release_inbound
from warehouse.domain.tracking import Tracking

JULY = date(2025, 7, 1)


def receipt(item_no="MILK", quantity=10, loc=None):
    return release_inbound("RC1", [SourceRequest(purchase("PO1"), item_no, D(quantity))], stock(loc=loc))


def post(received, item_no="MILK", quantity=10, content=(), serials_in_stock=frozenset(), lot_expirations=None,
         loc=None):
    loc = loc or location()
    return post_receipt(receipt(item_no, quantity, loc).receipt, received, "PA1",
                        stock(content, loc, serials_in_stock=serials_in_stock, lot_expirations=lot_expirations or {}))


def lot(line_no, quantity, lot_no, expiration=JULY):
    return ReceivedQuantity(line_no, D(quantity), Tracking(lot=lot_no, expiration=expiration))


def test_W2_released_inbound_request_becomes_a_receipt_into_the_receive_bin():
    outcome = receipt(quantity=10)

    line = outcome.receipt.line(1)
    assert (line.bin_code, line.quantity, line.outstanding) == ("RECV", D(10), D(10))
    assert outcome.events == (
        ReceiptReleased("RC1", LOC, (ReleasedLine(1, purchase("PO1"), "MILK", "", D(10), "RECV"),)),)


def test_W2_request_may_name_another_receive_bin_but_no_other_kind_of_bin():
    loc = location(Bin("RECV2", "DOCK", BinType.RECEIVE))
    requests = [SourceRequest(purchase("PO1"), "MILK", D(10), bin_code="RECV2")]

    assert release_inbound("RC1", requests, stock(loc=loc)).receipt.line(1).bin_code == "RECV2"
    with pytest.raises(BinNotAllowedError) as refused:
        release_inbound("RC1", [replace(requests[0], bin_code="A1")], stock(loc=loc))
    assert "A1 at location MAIN is not a receive bin" in refused.value.message


def test_W2_posting_places_stock_in_receive_bin_and_creates_put_away():
    outcome = post([lot(1, 6, "L1"), lot(1, 4, "L2", date(2025, 8, 1))])

    assert quantities(apply([], outcome.entries)) == {("RECV", "MILK", "", "L1"): D(6),
                                                       ("RECV", "MILK", "", "L2"): D(4)}
    assert outcome.events == (ReceiptPosted("RC1", LOC, TODAY, "PA1", (
        PostedLine(1, purchase("PO1"), "MILK", "", "RECV", Tracking("", "L1", JULY), D(6)),
        PostedLine(1, purchase("PO1"), "MILK", "", "RECV", Tracking("", "L2", date(2025, 8, 1)), D(4)),
    )),)
    assert outcome.receipt.is_closed
    take_place = [(x.take_bin, x.place_bin, x.tracking.lot, x.quantity) for x in outcome.put_away.lines]
    assert take_place == [("RECV", "BULK", "L1", D(6)), ("RECV", "BULK", "L2", D(4))]


def test_W2_put_away_prefers_a_bin_already_holding_the_item_then_ranking():
    outcome = post([lot(1, 10, "L1")], content=[row("A1", "MILK", 3, lot="L0", expiration=JULY)])

    assert outcome.put_away.line(1).place_bin == "A1"


def test_W11_partial_receipt_leaves_the_rest_outstanding():
    outcome = post([lot(1, 4, "L1")])

    assert (outcome.receipt.line(1).quantity_handled, outcome.receipt.line(1).outstanding) == (D(4), D(6))
    assert not outcome.receipt.is_closed


def test_W11_receiving_more_than_outstanding_is_refused():
    with pytest.raises(QuantityExceedsOutstandingError):
        post([lot(1, 8, "L1"), lot(1, 3, "L2")])


def test_T1_lot_tracked_item_needs_a_lot_and_untracked_item_refuses_one():
    with pytest.raises(TrackingNumberRequiredError) as missing:
        post([ReceivedQuantity(1, D(10), Tracking(expiration=JULY))])
    assert "lot number" in missing.value.message
    with pytest.raises(TrackingNumberNotAllowedError):
        post([ReceivedQuantity(1, D(10), Tracking(lot="L1"))], item_no="BOLT")


def test_T2_serial_quantity_is_one():
    with pytest.raises(SerialQuantityMustBeOneError):
        post([ReceivedQuantity(1, D(2), Tracking(serial="S1"))], item_no="PHONE", quantity=2)


def test_T2_serial_in_stock_at_another_location_is_refused():
    in_stock_elsewhere = {("PHONE", "", "S2")}

    with pytest.raises(SerialAlreadyInStockError) as refused:
        post([ReceivedQuantity(1, D(1), Tracking(serial="S1")), ReceivedQuantity(1, D(1), Tracking(serial="S2"))],
             item_no="PHONE", quantity=2, serials_in_stock=in_stock_elsewhere)

    assert refused.value.reason_code == "serial_already_in_stock"
    assert "Serial S2 of item PHONE" in refused.value.message


def test_T2_same_serial_twice_on_one_receipt_is_refused():
    with pytest.raises(SerialAlreadyInStockError):
        post([ReceivedQuantity(1, D(1), Tracking(serial="S1"))] * 2, item_no="PHONE", quantity=2)


def test_T3_item_requiring_expiration_cannot_be_received_without_one():
    with pytest.raises(ExpirationRequiredError):
        post([lot(1, 10, "L1", expiration=None)])


def test_T3_a_lot_has_one_expiration_date():
    with pytest.raises(ExpirationMismatchError):
        post([lot(1, 5, "L1")], lot_expirations={("MILK", "L1"): date(2025, 9, 1)})
    with pytest.raises(ExpirationMismatchError):
        post([lot(1, 5, "L1"), lot(1, 5, "L1", date(2025, 9, 1))])
    assert post([lot(1, 5, "L1")], lot_expirations={("MILK", "L1"): JULY}).receipt.line(1).quantity_handled == D(5)


def test_W7_receive_bin_blocked_for_inbound_refuses_the_receipt():
    blocked_dock = [replace(b, block_movement=BlockMovement.INBOUND) if b.code == "RECV" else b for b in bins()]
    loc = configure_location(LOC, zones=["DOCK", "STORE", "VIRTUAL"], bins=blocked_dock, receive_bin="RECV",
                             ship_bin="SHIP", adjustment_bin="ADJ").location

    with pytest.raises(BinBlockedInboundError):
        post([ReceivedQuantity(1, D(1))], item_no="BOLT", quantity=1, loc=loc)


def test_W11_partial_put_away_registration_leaves_rest_open():
    posted = post([lot(1, 10, "L1")])
    content = apply([], posted.entries)

    outcome = register_put_away(posted.put_away, [PlaceHandling(1, D(4), place_bin="A2")], stock(content))

    assert quantities(apply(content, outcome.entries)) == {("RECV", "MILK", "", "L1"): D(6),
                                                            ("A2", "MILK", "", "L1"): D(4)}
    line = outcome.activity.line(1)
    assert (line.quantity_handled, line.outstanding, line.is_closed) == (D(4), D(6), False)
    assert outcome.events[0].lines[0].place_bin == "A2"


def test_W2_put_away_may_not_place_into_a_ship_bin():
    posted = post([lot(1, 10, "L1")])

    with pytest.raises(BinNotAllowedError):
        register_put_away(posted.put_away, [PlaceHandling(1, D(4), place_bin="SHIP")],
                          stock(apply([], posted.entries)))
