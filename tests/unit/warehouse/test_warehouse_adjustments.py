"""Warehouse adjustments and physical counts (W9), calculate warehouse adjustment (W10), S7."""

from datetime import date

import pytest

from tests.support.warehouse_builders import (
    LOC,
    TODAY,
    D,
    apply,
    item_ledger,
    quantities,
    row,
    stock,
    warehouse_totals,
)
from warehouse.domain.adjustments import (
    AdjustmentLine,
    PhysicalCount,
    calculate_warehouse_adjustment,
    pending_adjustments_for,
    register_physical_count,
    register_warehouse_adjustment,
)
from warehouse.domain.documents import TrackedQuantity
from warehouse.domain.errors import (
    AdjustmentBinNotAllowedError,
    InsufficientBinContentError,
    NegativeCountError,
    NothingToAdjustError,
    SerialAlreadyInStockError,
)
from warehouse.domain.events import AdjustmentPostingLine, WarehouseAdjustmentPosted, WarehouseAdjustmentRegistered
from warehouse.domain.tracking import Tracking

JUL = date(2025, 7, 1)
STOCK = [row("A1", "BOLT", 10), row("A1", "MILK", 5, lot="L1", expiration=JUL),
         row("A1", "MILK", 3, lot="L2", expiration=JUL)]
KNOWN_LOTS = {("MILK", "L1"): JUL, ("MILK", "L2"): JUL, ("MILK", "L3"): date(2025, 9, 1)}


def adjust(lines, content=STOCK, serials_in_stock=frozenset()):
    return register_warehouse_adjustment("WJ1", lines, stock(content, serials_in_stock=serials_in_stock,
                                                             lot_expirations=KNOWN_LOTS))


def count(counts, content=STOCK, serials_in_stock=frozenset()):
    return register_physical_count("PC1", counts, stock(content, serials_in_stock=serials_in_stock,
                                                       lot_expirations=KNOWN_LOTS))


def test_W9_found_stock_credits_the_bin_and_debits_the_adjustment_bin():
    outcome = adjust([AdjustmentLine("A2", "BOLT", D(3))])

    assert quantities(apply(STOCK, outcome.entries)) == {
        **quantities(STOCK), ("A2", "BOLT", "", ""): D(3), ("ADJ", "BOLT", "", ""): D(-3)}
    assert isinstance(outcome.events[0], WarehouseAdjustmentRegistered)
    assert outcome.events[0].lines[0].quantity == D(3)


def test_W9_lost_stock_debits_the_bin_and_credits_the_adjustment_bin():
    outcome = adjust([AdjustmentLine("A1", "MILK", D(-2), tracking=Tracking(lot="L1"))])

    after = quantities(apply(STOCK, outcome.entries))
    assert (after[("A1", "MILK", "", "L1")], after[("ADJ", "MILK", "", "L1")]) == (D(3), D(2))
    assert outcome.events[0].lines[0].tracking == Tracking(lot="L1", expiration=JUL)


def test_W9_cannot_lose_more_than_the_bin_holds():
    with pytest.raises(InsufficientBinContentError):
        adjust([AdjustmentLine("A1", "BOLT", D(-11))])


def test_W9_adjustment_bin_is_not_a_real_bin():
    with pytest.raises(AdjustmentBinNotAllowedError):
        adjust([AdjustmentLine("ADJ", "BOLT", D(1))])


def test_T2_found_serial_that_is_in_stock_elsewhere_is_refused():
    with pytest.raises(SerialAlreadyInStockError):
        adjust([AdjustmentLine("A2", "PHONE", D(1), tracking=Tracking(serial="S1"))],
               serials_in_stock={("PHONE", "", "S1")})


def test_W9_physical_count_adjusts_the_difference_per_lot():
    outcome = count([
        PhysicalCount("A1", "BOLT", (TrackedQuantity(Tracking(), D(7)),)),
        PhysicalCount("A1", "MILK", (TrackedQuantity(Tracking(lot="L1"), D(5)),
                                     TrackedQuantity(Tracking(lot="L3"), D(2)))),
    ])

    assert [(x.bin_code, x.item_no, x.tracking, x.quantity) for x in outcome.events[0].lines] == [
        ("A1", "BOLT", Tracking(), D(-3)),
        ("A1", "MILK", Tracking(lot="L2", expiration=JUL), D(-3)),
        ("A1", "MILK", Tracking(lot="L3", expiration=date(2025, 9, 1)), D(2)),
    ]
    after = quantities(apply(STOCK, outcome.entries))
    assert (after[("ADJ", "BOLT", "", "")], after[("ADJ", "MILK", "", "L2")], after[("ADJ", "MILK", "", "L3")]) == (
        D(3), D(3), D(-2))


def test_W9_serial_counted_in_another_bin_moves_through_the_adjustment_bin():
    content = [row("A1", "PHONE", 1, serial="S1")]
    found_in_a2 = PhysicalCount("A2", "PHONE", (TrackedQuantity(Tracking(serial="S1"), D(1)),))
    outcome = count([PhysicalCount("A1", "PHONE"), found_in_a2], content, serials_in_stock={("PHONE", "", "S1")})

    assert quantities(apply(content, outcome.entries)) == {("A2", "PHONE", "S1", ""): D(1)}


def test_W9_negative_count_is_refused():
    with pytest.raises(NegativeCountError):
        count([PhysicalCount("A1", "BOLT", (TrackedQuantity(Tracking(), D(-1)),))])


def test_W10_calculate_zeroes_the_adjustment_bin_and_publishes_opposite_quantities():
    balances = [row("ADJ", "MILK", 3, lot="L2", expiration=JUL), row("ADJ", "MILK", -2, lot="L3", expiration=JUL),
                row("ADJ", "BOLT", -4)]

    outcome = calculate_warehouse_adjustment("WA1", stock(balances))

    assert apply(balances, outcome.entries) == []
    assert outcome.events == (
        WarehouseAdjustmentPosted("WA1", LOC, TODAY, "BOLT", (AdjustmentPostingLine("", Tracking(), D(4)),)),
        WarehouseAdjustmentPosted("WA1", LOC, TODAY, "MILK", (
            AdjustmentPostingLine("", Tracking(lot="L2", expiration=JUL), D(-3)),
            AdjustmentPostingLine("", Tracking(lot="L3", expiration=JUL), D(2)))),
    )


def test_W10_nothing_to_calculate_is_refused_so_the_sender_gets_an_answer():
    with pytest.raises(NothingToAdjustError, match="holds no balance"):
        calculate_warehouse_adjustment("WA1", stock(STOCK))


def test_S4_no_pending_adjustment_before_a_shipment_posts_nothing():
    outcome = pending_adjustments_for({"BOLT"}, "S1-ADJ1", stock(STOCK))

    assert (outcome.entries, outcome.events) == ((), ())


def test_S7_count_then_calculate_keeps_both_ledgers_equal():
    ledger_before = {("BOLT", "", Tracking()): D(10)}
    counted = count([PhysicalCount("A1", "BOLT", (TrackedQuantity(Tracking(), D(12)),))], [row("A1", "BOLT", 10)])
    content = apply([row("A1", "BOLT", 10)], counted.entries)
    assert warehouse_totals(content) == ledger_before

    calculated = calculate_warehouse_adjustment("WA1", stock(content))

    ledger_after = {k: ledger_before.get(k, 0) + item_ledger(calculated.events).get(k, 0) for k in ledger_before}
    assert warehouse_totals(apply(content, calculated.entries)) == ledger_after == {("BOLT", "", Tracking()): D(12)}
