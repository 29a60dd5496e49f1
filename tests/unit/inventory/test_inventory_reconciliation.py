"""S7: real bins + adjustment bin == item ledger inventory, for every item/variant/location/serial/lot."""

from inventory.domain.availability import AdjustmentBinChange
from inventory.domain.keys import TrackingKey
from inventory.domain.reconciliation import (
    ReconciliationDifference,
    WarehouseCount,
    reconcile,
)
from inventory.domain.synchronization import record_adjustment_bin_changes
from tests.support.inventory_books import Books, d, item, key, line, receipt


def ledger_inventory(books: Books) -> dict:
    return {k: totals.inventory for k, totals in books.totals.items() if isinstance(k, TrackingKey)}


def test_S7_lost_stock_waiting_in_the_adjustment_bin_still_reconciles():
    books = Books(item(policy="lot"))
    books.post(receipt("R-1", line(key(lot="L1"), 10)))
    # W9: 2 of L1 lost from a real bin; the adjustment bin balances it until W10 posts it.
    books.run(record_adjustment_bin_changes, [AdjustmentBinChange(key(lot="L1"), d(2))])

    warehouse = [WarehouseCount(key(lot="L1"), real_bins=d(8), adjustment_bin=d(2))]

    assert reconcile(warehouse, ledger_inventory(books)) == ()


def test_S7_reconciliation_lists_every_difference():
    ledger = {key(lot="L1"): d(10), key(lot="L2"): d(4), key(lot="L3"): d(6)}
    warehouse = [
        WarehouseCount(key(lot="L1"), real_bins=d(9)),  # one unit unaccounted for
        WarehouseCount(key(lot="L2"), real_bins=d(6), adjustment_bin=d(-2)),  # found 2, not yet posted: agrees
        WarehouseCount(key(lot="L9"), real_bins=d(1)),  # the ledger never heard of L9
    ]

    differences = reconcile(warehouse, ledger)

    assert differences == (
        ReconciliationDifference(key(lot="L1"), d(9), d(0), d(10)),
        ReconciliationDifference(key(lot="L3"), d(0), d(0), d(6)),
        ReconciliationDifference(key(lot="L9"), d(1), d(0), d(0)),
    )
    assert [difference.difference for difference in differences] == [d(-1), d(-6), d(1)]
    assert (
        str(differences[0])
        == "item BOLT lot L1 at location WH1: real bins 9 + adjustment bin 0 != item ledger 10 (difference -1)"
    )
