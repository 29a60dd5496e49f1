"""Units of measure (U1-U4): the pure conversion both services use, and the inventory's rules for changing units."""

from decimal import Decimal

import pytest

from inventory.domain.errors import InvalidItemDefinitionError, ItemAlreadyRegisteredError, UnitInUseError
from inventory.domain.items import register_item, set_item_units
from units_of_measure import (
    IN_BASE,
    ItemUnits,
    NotConvertibleError,
    SerialsLackingError,
    StatedUnit,
    Unit,
    UnknownUnitError,
)

D = Decimal
PIECES = ItemUnits("SCREW", "PCS", D(1), {"BOX": Unit("BOX", D(12), D(1)), "KG": Unit("KG", D(250), D(1))})


def test_U2_a_quantity_in_a_unit_converts_exactly_to_base_units():
    assert PIECES.to_base(D(5), "BOX") == 60
    assert PIECES.to_base(D("1.25"), "BOX") == 15
    assert PIECES.to_base(D(-2), "BOX") == -24  # lost stock
    assert PIECES.to_base(D(7), "PCS") == PIECES.to_base(D(7), "") == 7


def test_U2_a_quantity_off_the_rounding_precision_is_refused_with_the_nearest_valid_quantities():
    with pytest.raises(NotConvertibleError) as boxes:
        PIECES.to_base(D("1.3"), "BOX")
    with pytest.raises(NotConvertibleError) as pieces:
        PIECES.to_base(D("0.5"), "PCS")

    assert boxes.value.reason_code == "quantity_not_convertible"
    assert "1.3 BOX of item SCREW is 15.6 PCS" in boxes.value.message
    assert "enter 1.25 BOX (= 15 PCS) or 16 PCS" in boxes.value.message  # 16 PCS is 1.333... BOX: not exact
    assert boxes.value.details == {"unit": "BOX", "base_quantity": "15.6", "nearest_below": "15",
                                   "nearest_above": "16"}
    assert "enter 0 PCS or 1 PCS" in pieces.value.message


def test_U2_a_finer_precision_accepts_what_a_coarser_one_refuses():
    litres = ItemUnits("OIL", "L", D("0.001"), {"CAN": Unit("CAN", D("0.75"), D("0.001"))})

    assert litres.to_base(D("0.5"), "L") == D("0.5")
    assert litres.to_base(D(3), "CAN") == D("2.25")


def test_U2_an_unknown_unit_is_refused_naming_the_known_ones():
    with pytest.raises(UnknownUnitError) as refused:
        PIECES.to_base(D(1), "CASE")

    assert refused.value.reason_code == "unknown_unit"
    assert "use one of PCS, BOX, KG" in refused.value.message


def test_U2_a_line_keeps_the_unit_it_was_stated_in():
    assert PIECES.stated("BOX") == StatedUnit("BOX", D(12))
    assert PIECES.stated("") == IN_BASE == StatedUnit("", D(1))


def test_U3_a_view_in_a_unit_is_truncated_at_six_decimals_never_rounded_up():
    assert PIECES.view(D(30), "BOX") == D("2.5")
    assert PIECES.view(D(10), "BOX") == D("0.833333")
    assert PIECES.view(D(11), "BOX") == D("0.916666")
    assert PIECES.view(D(24), "PCS") == 24


def test_U3_a_serial_is_one_base_unit_so_boxes_of_serials_need_a_line_per_serial():
    PIECES.check_serials(D(1), "PCS", D(1), serial_given=True)
    with pytest.raises(SerialsLackingError) as without_serial:
        PIECES.check_serials(D(5), "BOX", D(60), serial_given=False)
    with pytest.raises(SerialsLackingError) as with_one:
        PIECES.check_serials(D(1), "BOX", D(12), serial_given=True)

    assert "enter 60 lines of 1 PCS" in without_serial.value.message
    assert "(60 serial numbers are lacking)" in without_serial.value.message
    assert "(11 serial numbers are lacking)" in with_one.value.message


def test_U1_an_item_registers_its_units_and_a_unit_without_precision_takes_the_base_units():
    registration = register_item("SCREW", "PCS", "none", rounding_precision=D(1),
                                 units=(Unit("BOX", D(12), D(0)), Unit("KG", D(250), D(5))))

    assert registration.item.measures.units == {"BOX": Unit("BOX", D(12), D(1)), "KG": Unit("KG", D(250), D(5))}
    assert registration.events[0].units == registration.item.measures


def test_U1_a_serial_item_counts_whole_pieces_by_default():
    assert register_item("PHONE", "PCS", "serial").item.rounding_precision == 1
    assert register_item("PAINT", "L", "lot").item.rounding_precision == D("0.000001")


def test_U1_a_unit_needs_a_positive_quantity_per_base_unit_and_a_code_of_its_own():
    for units in ((Unit("BOX", D(0), D(1)),), (Unit("BOX", D(12), D(1)), Unit("BOX", D(6), D(1))),
                  (Unit("PCS", D(12), D(1)),)):
        with pytest.raises(InvalidItemDefinitionError):
            register_item("SCREW", "PCS", "none", units=units)


def test_U4_a_unit_in_use_keeps_its_quantity_per_base_unit_and_cannot_be_removed():
    item = register_item("SCREW", "PCS", "none", units=(Unit("BOX", D(12), D(0)),)).item

    with pytest.raises(UnitInUseError) as changed:
        set_item_units(item, "SCREW", None, (Unit("BOX", D(10), D(0)),), frozenset({"BOX"}))
    with pytest.raises(UnitInUseError) as removed:
        set_item_units(item, "SCREW", None, (), frozenset({"BOX"}))
    free, event = set_item_units(item, "SCREW", None, (Unit("BOX", D(10), D(0)),), frozenset())
    kept, _ = set_item_units(item, "SCREW", None, (Unit("BOX", D(12), D(0)), Unit("PAL", D(480), D(0))),
                             frozenset({"BOX"}))

    assert changed.value.reason_code == "unit_in_use"
    assert "unit BOX changes its quantity per base unit" in changed.value.message
    assert "unit BOX is removed" in removed.value.message
    assert free.measures.units["BOX"].per_base == 10 and event.units == free.measures
    assert set(kept.measures.units) == {"BOX", "PAL"}


def test_U1_registering_again_without_units_keeps_the_units_set_since():
    item = register_item("SCREW", "PCS", "none").item
    with_boxes, _ = set_item_units(item, "SCREW", D(1), (Unit("BOX", D(12), D(0)),), frozenset())

    again = register_item("SCREW", "PCS", "none", registered=with_boxes)

    assert not again.is_new and again.item == with_boxes
    assert again.events[0].units == with_boxes.measures
    with pytest.raises(ItemAlreadyRegisteredError):
        register_item("SCREW", "PCS", "none", units=(Unit("BOX", D(10), D(0)),), registered=with_boxes)


def test_U1_a_new_warranty_formula_keeps_the_units_and_new_units_keep_the_formula():
    item = register_item("SCREW", "PCS", "lot", warranty_formula="2Y").item
    with_boxes, _ = set_item_units(item, "SCREW", D(1), (Unit("BOX", D(12), D(0)),), frozenset())

    changed = register_item("SCREW", "PCS", "lot", warranty_formula="18M", registered=with_boxes)
    kept = register_item("SCREW", "PCS", "lot", rounding_precision=D(1), units=(Unit("BOX", D(12), D(1)),),
                         registered=changed.item)

    assert changed.is_changed and changed.item.units == with_boxes.units
    assert (changed.events[0].warranty_formula, changed.events[0].units) == ("18M", with_boxes.measures)
    assert not kept.is_changed and str(kept.item.warranty_formula) == "18M"
