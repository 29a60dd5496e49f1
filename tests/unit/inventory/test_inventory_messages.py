"""How the warehouse's facts read in the inventory's terms (docs/rules.md, ID33-ID36)."""

from datetime import date
from decimal import Decimal

from contracts import warehouse as wh
from inventory import messages
from inventory.domain.availability import AdjustmentBinChange
from inventory.domain.demand import Demand
from inventory.domain.keys import TrackingKey
from inventory.domain.ledger import EntryType

ITEM, WH = "MILK", "WH1"


def lot(number: str) -> TrackingKey:
    return TrackingKey(ITEM, WH, lot_no=number)


def test_S5_shipped_lines_become_negative_sale_entries_for_their_demand():
    fact = wh.ShipmentPosted(
        shipment_no="SH-1", location_code=WH, item_no=ITEM, posting_date=date(2030, 1, 1),
        lines=(wh.PostedLineFact(document_line_no=1, source_type="sales_order", source_no="SO-1", source_line_no=2,
                                 variant="", bin_code="S-01", lot="L1", quantity=Decimal(3)),),
    )

    [line] = messages.post_shipment(fact).lines

    assert (line.entry_type, line.key, line.quantity) == (EntryType.SALE, lot("L1"), Decimal(-3))
    assert (line.source.document_no, line.demand) == ("SH-1", Demand("sales_order", "SO-1", 2))


def test_W8_a_new_lot_balances_in_the_adjustment_bin_and_a_new_bin_alone_changes_nothing():
    def line(to_lot: str) -> wh.ReclassifiedLineFact:
        return wh.ReclassifiedLineFact(
            line_no=1, variant="", from_bin="P-01", to_bin="P-02", from_serial="", from_lot="L1", from_expiration=None,
            to_serial="", to_lot=to_lot, to_expiration=None, quantity=Decimal(2),
        )

    fact = wh.ReclassificationRegistered(document_no="RC-1", location_code=WH, item_no=ITEM,
                                         lines=(line("L2"), line("L1")))

    assert messages.record_reclassification(fact).changes == (
        AdjustmentBinChange(lot("L1"), Decimal(2)),
        AdjustmentBinChange(lot("L2"), Decimal(-2)),
    )


def test_S3_a_registered_pick_line_names_the_proposal_only_when_another_lot_was_picked():
    def line(picked: str, proposed: str) -> wh.RegisteredLineFact:
        return wh.RegisteredLineFact(line_no=1, source_no="SO-1", source_line_no=1, variant="", take_bin="P-01",
                                     place_bin="S-01", lot=picked, proposed_lot=proposed, quantity=Decimal(1))

    fact = wh.PickRegistered(pick_no="PI-1", shipment_no="SH-1", location_code=WH, item_no=ITEM,
                             lines=(line("L2", "L1"), line("L2", ""), line("L2", "L2")))

    assert [pick.proposed for pick in messages.register_picks(fact).picks] == [lot("L1"), None, None]
