"""Location configuration: zones, bins, type flags and default bins."""

import pytest

from tests.support.warehouse_builders import LOC, PICK, bins, location
from warehouse.domain.errors import (
    BinNotEmptyError,
    DuplicateBinError,
    InvalidBinTypeError,
    UnknownBinError,
    UnknownZoneError,
)
from warehouse.domain.location import Bin, BinType, LocationConfigured, configure_location


def configure(bin_list, receive="RECV", ship="SHIP", adjustment="ADJ", **kw):
    return configure_location(LOC, zones=["DOCK", "STORE", "VIRTUAL"], bins=bin_list, receive_bin=receive,
                              ship_bin=ship, adjustment_bin=adjustment, **kw)


def test_configured_location_is_announced_with_its_bins():
    outcome = configure(bins())

    assert outcome.events == (LocationConfigured(outcome.location),)
    assert outcome.location.bin("A2").ranking == 20
    assert outcome.location.bin("A1").type == BinType.PUT_AWAY | BinType.PICK


def test_duplicate_bin_is_refused():
    with pytest.raises(DuplicateBinError) as refused:
        configure(bins(Bin("A1", "STORE", PICK)))
    assert refused.value.reason_code == "duplicate_bin"
    assert "A1" in refused.value.message


@pytest.mark.parametrize("combination", [BinType.RECEIVE | BinType.PICK, BinType.SHIP | BinType.PUT_AWAY,
                                         BinType.RECEIVE | BinType.SHIP])
def test_receive_and_ship_flags_stand_alone(combination):
    with pytest.raises(InvalidBinTypeError):
        configure(bins(Bin("X", "STORE", combination)))


def test_default_bins_must_exist_and_carry_their_flag():
    with pytest.raises(UnknownBinError):
        configure(bins(), receive="NOPE")
    with pytest.raises(InvalidBinTypeError) as wrong_type:
        configure(bins(), ship="A1")
    assert "ship bin A1" in wrong_type.value.message
    with pytest.raises(InvalidBinTypeError):
        configure(bins(), adjustment="A1")


def test_bin_in_unknown_zone_is_refused():
    with pytest.raises(UnknownZoneError):
        configure(bins(Bin("X", "NOWHERE")))


def test_bin_holding_content_cannot_be_dropped():
    current = location()
    with pytest.raises(BinNotEmptyError):
        configure([b for b in bins() if b.code != "A1"], current=current, bins_with_content={"A1"})


def test_adjustment_bin_with_a_balance_cannot_be_swapped():
    current = location()
    with pytest.raises(BinNotEmptyError):
        configure(bins(), adjustment="QC", current=current, bins_with_content={"ADJ"})
