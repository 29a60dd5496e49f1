"""Transfers between locations in the warehouse (X1, X3): an in-transit location has no bins, a transfer goes
between two warehouse locations through one, and its receipt takes exactly what its shipments sent."""

from dataclasses import replace

import pytest

from tests.support.warehouse_builders import LOC, TODAY, D, location, stock
from warehouse.domain.documents import Shipment, ShipmentLine, SourceLine
from warehouse.domain.errors import (
    InTransitLocationHasBinsError,
    InvalidTransferRouteError,
    NotInTransitLocationError,
    NotShippedOnTransferError,
)
from warehouse.domain.events import PostedLine, TransferRoute
from warehouse.domain.inbound import ReceivedQuantity
from warehouse.domain.location import configure_in_transit_location
from warehouse.domain.tracking import Tracking
from warehouse.domain.transfers import (
    TRANSFER_ORDER,
    ShippedTracking,
    check_route,
    expected_receipt,
    is_transfer,
    receive_transfer,
    shipped_tracking,
)

ROUTE = TransferRoute("TO1", LOC, "TRANSIT", "EAST")
L1, L2 = Tracking(lot="L1", expiration=TODAY), Tracking(lot="L2", expiration=TODAY.replace(year=2026))
TRANSIT = configure_in_transit_location("TRANSIT", [], [], ("", "", ""), None).location


def shipment() -> Shipment:
    source = SourceLine(TRANSFER_ORDER, "TO1", 10000)
    return Shipment(no="TO1", location_code=LOC, lines=(
        ShipmentLine(line_no=1, source=source, item_no="MILK", quantity=D(8), bin_code="SHIP"),))


def shipped(*lines: tuple[Tracking, int, int]) -> dict[tuple[int, str, str], ShippedTracking]:
    """(tracking, shipped, received) on receipt line 1."""
    return {(1, t.serial, t.lot): ShippedTracking(1, "MILK", "", t, D(s), D(r)) for t, s, r in lines}


def test_X1_an_in_transit_location_has_no_bins():
    assert TRANSIT.in_transit and TRANSIT.bins == {}
    with pytest.raises(InTransitLocationHasBinsError):
        configure_in_transit_location("TRANSIT", ["DOCK"], [], ("", "", ""), None)
    with pytest.raises(InTransitLocationHasBinsError):
        configure_in_transit_location("TRANSIT", [], [], ("RECV", "", ""), None)
    with pytest.raises(InTransitLocationHasBinsError):  # a warehouse location cannot become one
        configure_in_transit_location(LOC, [], [], ("", "", ""), location())


def test_X1_a_transfer_goes_between_two_warehouse_locations_through_an_in_transit_one():
    destination = replace(location(), code="EAST")
    check_route(ROUTE, location(), TRANSIT, destination)
    with pytest.raises(NotInTransitLocationError):
        check_route(ROUTE, location(), destination, destination)
    with pytest.raises(NotInTransitLocationError):
        check_route(ROUTE, location(), None, destination)
    with pytest.raises(InvalidTransferRouteError):
        check_route(ROUTE, location(), TRANSIT, location())
    with pytest.raises(InvalidTransferRouteError):
        check_route(ROUTE, location(), TRANSIT, None)


def test_X1_the_first_shipment_posting_creates_the_receipt_at_the_destination_with_the_shipment_lines():
    outcome = expected_receipt(ROUTE, shipment(), stock(loc=replace(location(), code="EAST")))
    [line] = outcome.receipt.lines
    assert (outcome.receipt.no, outcome.receipt.location_code) == ("TO1", "EAST")
    assert (line.line_no, line.source, line.quantity, line.bin_code) == (1, shipment().lines[0].source, D(8), "RECV")
    assert is_transfer(outcome.receipt) and is_transfer(shipment())


def test_X3_what_a_shipment_posting_sent_is_summed_per_line_and_serial_lot():
    source = shipment().lines[0].source
    posted = [PostedLine(1, source, "MILK", "", "SHIP", L1, D(2)), PostedLine(1, source, "MILK", "", "SHIP", L1, D(3)),
              PostedLine(1, source, "MILK", "", "SHIP", L2, D(1))]
    assert [(s.line_no, s.tracking, s.shipped) for s in shipped_tracking(posted)] == [(1, L1, D(5)), (1, L2, D(1))]


def test_X3_the_receipt_takes_the_shipped_numbers_partially_with_the_shipped_expiration():
    receipt = expected_receipt(ROUTE, shipment(), stock()).receipt
    checked = receive_transfer(ROUTE, receipt, [ReceivedQuantity(1, D(2), Tracking(lot="L1")),
                                                ReceivedQuantity(1, D(1), Tracking(lot="L1"))],
                               shipped((L1, 5, 1), (L2, 3, 0)))
    assert [r.tracking for r in checked.received] == [L1, L1]
    assert [(s.tracking, s.received, s.in_transit) for s in checked.changed] == [(L1, D(4), D(1))]


@pytest.mark.parametrize("received", [
    ReceivedQuantity(1, D(1), Tracking(lot="L9")),  # not shipped
    ReceivedQuantity(1, D(5), Tracking(lot="L1")),  # more than is still in transit
    ReceivedQuantity(1, D(1), Tracking(lot="L1", expiration=TODAY.replace(year=2030))),  # another expiration
    ReceivedQuantity(2, D(1), Tracking(lot="L1")),  # shipped on another line
], ids=["other_lot", "more_than_in_transit", "other_expiration", "other_line"])
def test_X3_the_receipt_refuses_what_the_transfer_did_not_ship(received):
    receipt = expected_receipt(ROUTE, shipment(), stock()).receipt
    with pytest.raises(NotShippedOnTransferError):
        receive_transfer(ROUTE, receipt, [received], shipped((L1, 5, 1)))


def test_X4_the_serials_a_transfer_receipt_takes_out_of_transit_are_known():
    receipt = expected_receipt(ROUTE, shipment(), stock()).receipt
    s1 = Tracking(serial="S1")
    checked = receive_transfer(ROUTE, receipt, [ReceivedQuantity(1, D(1), s1)], shipped((s1, 1, 0)))
    assert checked.serials == {("MILK", "", "S1")}
