"""Internal flows over Kafka: movements (W3, W7), reclassification (W8, S4), adjustments and counts (W9),
calculating the adjustment (W10) and the bin totals inventory reconciles with (S7)."""

from decimal import Decimal

from contracts import warehouse as wh
from tests.support.ids import unique
from tests.support.warehouse import SOON, TODAY, Warehouse, layout, lot

D = Decimal


async def untracked_item(warehouse: Warehouse, quantity) -> tuple[str, str]:
    """An untracked item with `quantity` in pick bin P-01 of a new location."""
    bolt, loc = unique("BOLT"), unique("WH")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc)
    await warehouse.stock_up(loc, bolt, [lot("", quantity)])
    return bolt, loc


def movement(movement_no: str, loc: str, item_no: str, from_bin: str, quantity) -> dict:
    return {"movement_no": movement_no, "location_code": loc, "lines": [
        {"item_no": item_no, "from_bin": from_bin, "to_bin": "P-02", "quantity": str(quantity)}]}


async def test_W3_receive_bin_content_cannot_be_moved_or_picked(warehouse: Warehouse):
    bolt, loc = unique("BOLT"), unique("WH")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc)
    await warehouse.receive(loc, bolt, [lot("", 5)])

    moved = await warehouse.refused(wh.CreateMovement, movement(unique("MV"), loc, bolt, "R-01", 5))
    picked = await warehouse.refused(wh.CreatePick, {"pick_no": unique("PK"),
                                                     "shipment_no": await warehouse.shipment(loc, bolt, 5)})

    assert moved["reason_code"] == "content_in_receive_bin"
    assert "put its content away" in moved["message"]
    assert picked["reason_code"] == "nothing_to_pick"


async def test_W7_open_movement_sets_stock_aside_and_partial_registration_leaves_rest_open(warehouse: Warehouse):
    bolt, loc = await untracked_item(warehouse, 5)
    movement_no = unique("MV")
    [created] = await warehouse.run(wh.CreateMovement, movement(movement_no, loc, bolt, "P-01", 3), wh.MovementCreated)
    assert [(x["take_bin"], x["place_bin"], D(x["quantity"])) for x in created["lines"]] == [("P-01", "P-02", D(3))]
    assert (await warehouse.get(f"/documents/movement/{movement_no}"))["is_open"]

    [moved] = await warehouse.run(wh.RegisterMovement, {"movement_no": movement_no, "lines": [
        {"line_no": 1, "quantity": "2"}]}, wh.MovementRegistered)

    assert [(x["take_bin"], x["place_bin"], D(x["quantity"])) for x in moved["lines"]] == [("P-01", "P-02", D(2))]
    assert (await warehouse.get(f"/documents/movement/{movement_no}"))["lines"][0]["quantity_outstanding"] == "1"
    assert await warehouse.content(loc) == {("P-01", "", ""): D(3), ("P-02", "", ""): D(2)}
    # The unit still on the movement is not proposed for picking (W5).
    preview = await warehouse.get(f"/shipments/{await warehouse.shipment(loc, bolt, 5)}/pick-proposal")
    assert [(x["take_bin"], x["quantity"]) for x in preview["lines"]] == [("P-02", "2"), ("P-01", "2")]


async def test_W8_lot_reclassification_balances_through_adjustment_bin_and_is_posted_before_the_shipment(
        warehouse: Warehouse, kafka):
    milk, loc = unique("MILK"), unique("WH")
    await warehouse.register_item(milk, "lot", expiration_required=True)
    await warehouse.configure(loc)
    await warehouse.stock_up(loc, milk, [lot("L1", 10, SOON)])

    # 4 units of L1 turn out to be lot L9: relabelled in place, balanced in the adjustment bin.
    [reclassified] = await warehouse.run(wh.RegisterReclassification, {
        "document_no": unique("RJ"), "location_code": loc, "lines": [
            {"item_no": milk, "from_bin": "P-01", "lot": "L1", "quantity": "4", "new_lot": "L9"}]},
        wh.ReclassificationRegistered)
    line = wh.ReclassificationRegistered.model_validate(reclassified).lines[0]
    assert (line.from_lot, line.to_lot, line.to_expiration, line.quantity) == ("L1", "L9", SOON, D(4))
    totals = await warehouse.get(f"/locations/{loc}/bin-totals", item_no=milk)
    assert [(t["lot"], t["real_bins"], t["adjustment_bin"]) for t in totals] == [("L1", "6", "4"), ("L9", "4", "-4")]

    # The next shipment of the item first hands the adjustment bin to the item ledger (S4).
    shipment_no = await warehouse.shipment(loc, milk, 8)
    pick_no = (await warehouse.pick(shipment_no))["pick_no"]
    await warehouse.run(wh.RegisterPick, {"pick_no": pick_no, "lines": [{"line_no": 1, "quantity": "6"},
                                                                       {"line_no": 2, "quantity": "2"}]},
                        wh.PickRegistered)
    command_id = await warehouse.send(wh.PostShipment, {"shipment_no": shipment_no})
    [shipped] = await warehouse.facts_of(command_id, wh.ShipmentPosted)

    facts = list(kafka.matching(causation_id=command_id))
    assert [m.type for m in facts] == [wh.WarehouseAdjustmentPosted.TYPE, wh.ShipmentPosted.TYPE]
    assert facts[0].key == facts[1].key == f"{milk}|{loc}".encode()
    posted = wh.WarehouseAdjustmentPosted.model_validate(facts[0].json())
    assert (posted.document_no, posted.item_no, posted.posting_date) == (f"{shipment_no}-ADJ1", milk, TODAY)
    assert [(x.lot, x.expiration, x.quantity) for x in posted.lines] == [("L1", SOON, D(-4)), ("L9", SOON, D(4))]
    assert [(x["lot"], D(x["quantity"])) for x in shipped["lines"]] == [("L1", D(6)), ("L9", D(2))]
    totals = await warehouse.get(f"/locations/{loc}/bin-totals", item_no=milk)
    assert [(t["lot"], t["real_bins"], t["adjustment_bin"]) for t in totals] == [("L9", "2", "0")]


async def test_W9_W10_found_stock_is_balanced_then_calculated_and_S7_totals_are_reported(warehouse: Warehouse):
    bolt, loc = await untracked_item(warehouse, 10)

    async def reported() -> list[tuple[Decimal, Decimal]]:
        [report] = await warehouse.run(wh.ReportBinTotals, {"request_id": unique("S7"), "location_code": loc},
                                       wh.BinTotalsReported)
        assert (report["item_no"], report["items_in_report"]) == (bolt, 1)
        return [(D(x["real_bins"]), D(x["adjustment_bin"])) for x in report["lines"]]

    # 3 found in P-02 (W9): the adjustment bin balances them with -3.
    [found] = await warehouse.run(wh.RegisterWarehouseAdjustment, {
        "document_no": unique("WJ"), "location_code": loc, "lines": [
            {"item_no": bolt, "bin_code": "P-02", "quantity": "3"}]}, wh.WarehouseAdjustmentRegistered)
    assert [(x["bin_code"], D(x["quantity"])) for x in found["lines"]] == [("P-02", D(3))]
    assert await reported() == [(D(13), D(-3))]

    # A count of P-01 finds 8 of 10: 2 lost.
    [counted] = await warehouse.run(wh.RegisterPhysicalCount, {
        "document_no": unique("PC"), "location_code": loc, "lines": [
            {"item_no": bolt, "bin_code": "P-01", "counted_quantity": "8"}]}, wh.WarehouseAdjustmentRegistered)
    assert [(x["bin_code"], D(x["quantity"])) for x in counted["lines"]] == [("P-01", D(-2))]
    assert await reported() == [(D(11), D(-1))]

    # W10: the balance goes to the item ledger (found 3, lost 2: +1) and the adjustment bin is zero.
    document_no = unique("WA")
    [calculated] = await warehouse.run(wh.CalculateWarehouseAdjustment, {
        "document_no": document_no, "location_code": loc}, wh.WarehouseAdjustmentPosted)
    assert [D(x["quantity"]) for x in calculated["lines"]] == [D(1)]
    assert await reported() == [(D(11), D(0))]
    assert [key for key in await warehouse.content(loc) if key[0] == "ADJ"] == []  # no row of nothing is left
    again = await warehouse.refused(wh.CalculateWarehouseAdjustment, {"document_no": document_no,
                                                                      "location_code": loc})
    assert again["reason_code"] == "duplicate_document"


async def test_W1_bin_holding_content_cannot_be_dropped_from_the_location(warehouse: Warehouse):
    _, loc = await untracked_item(warehouse, 2)
    without_p01 = layout(loc)
    without_p01["bins"] = [b for b in without_p01["bins"] if b["code"] != "P-01"]

    refusal = await warehouse.refused(wh.ConfigureLocation, without_p01)

    assert refusal["reason_code"] == "bin_not_empty" and "P-01" in refusal["message"]
    assert "P-01" in {b["bin_code"] for b in (await warehouse.get(f"/locations/{loc}"))["bins"]}
