"""`slt trace`, `availability`, `reconcile` and `import-opening-balances` against the running system."""

import json
from decimal import Decimal

import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from tests.cli.operator import drifted_location, reserve, slt
from tests.support.warehouse import LATER, SOON, Warehouse, lot, serial, unique


@pytest.fixture
def warehouse(stack, kafka) -> Warehouse:
    return Warehouse(stack.warehouse.url, kafka)


async def test_trace_of_a_serial_after_a_full_journey_shows_every_step_across_both_services(warehouse, kafka, stack):
    item_no, location, sales_order = unique("TRACE"), unique("WH"), unique("SO")
    await warehouse.register_item(item_no, "lot_and_serial")
    await warehouse.configure(location)

    # Received into R-01, put away into P-01, moved to P-02.
    await warehouse.stock_up(location, item_no, [serial("SN-1", lot_no="L1")])
    movement_no = unique("MV")
    await warehouse.send(wh.CreateMovement, {"movement_no": movement_no, "location_code": location, "lines": [
        {"item_no": item_no, "from_bin": "P-01", "to_bin": "P-02", "quantity": "1", "serial": "SN-1", "lot": "L1"}]})
    await warehouse.eventually(f"/documents/movement/{movement_no}", lambda doc: isinstance(doc, dict))
    await warehouse.run(wh.RegisterMovement, {"movement_no": movement_no, "lines": [{"line_no": 1, "quantity": "1"}]},
                        wh.MovementRegistered)
    # Reclassified to lot L2 back into P-01, and the change handed to the item ledger (W8, W10).
    await warehouse.run(wh.RegisterReclassification, {"document_no": unique("RCL"), "location_code": location,
                        "lines": [{"item_no": item_no, "from_bin": "P-02", "to_bin": "P-01", "quantity": "1",
                                   "serial": "SN-1", "lot": "L1", "new_lot": "L2"}]}, wh.ReclassificationRegistered)
    [posted] = await warehouse.run(wh.CalculateWarehouseAdjustment, {
        "document_no": unique("ADJ"), "location_code": location, "item_nos": [item_no]}, wh.WarehouseAdjustmentPosted)
    await kafka.wait_until(lambda m: m.type == inv.LedgerEntriesPosted.TYPE and any(
        e["document_no"] == posted["document_no"] for e in m.json()["entries"]), describe="lot L2 in the item ledger")
    # Reserved for the sales order, picked and shipped.
    await reserve(kafka, item_no, location, sales_order, 1, serial="SN-1", lot="L2")
    shipment_no = await warehouse.shipment(location, item_no, 1, source_no=sales_order)
    created = await warehouse.pick(shipment_no)
    await warehouse.run(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [{"line_no": 1, "quantity": "1"}]},
                        wh.PickRegistered)
    await warehouse.run(wh.PostShipment, {"shipment_no": shipment_no}, wh.ShipmentPosted)
    await kafka.wait_until(lambda m: m.type == inv.ReservationsSynchronized.TYPE and m.json()["item_no"] == item_no,
                           describe=f"the reservation of {item_no} consumed by the shipment")

    run = await slt(stack, "trace", "--serial", "SN-1", "--item", item_no)

    assert run.exit_code == 0, run
    for step in ("received", "put away", "moved", "reclassified", "reserved", "picked", "shipped",
                 "posted (purchase)", "posted (sale)", "reservation consumed"):
        assert step in run.out, f"{step!r} missing:\n{run.out}"
    assert "from P-01 to P-02" in run.out and "lot L1 -> serial SN-1 lot L2" in run.out, run
    assert f"for sales_order {sales_order} line 1" in run.out
    assert "now in: no bin" in run.out

    # The same timeline as JSON, in the order it happened.
    as_json = await slt(stack, "trace", "--serial", "SN-1", "--item", item_no, "--json")
    steps = [s["step"] for s in json.loads(as_json.out)["steps"] if s["service"] == "warehouse"]
    assert steps == ["received", "put away", "moved", "reclassified", "adjustment posted", "picked", "shipped"]
    assert posted["document_no"] in as_json.out


async def warehouse_ledger_settled(stack, kafka, item_no: str) -> None:
    """The inventory has posted the shipment: its reservations are consumed."""
    await kafka.wait_until(lambda m: m.type == inv.ReservationsSynchronized.TYPE and m.json()["item_no"] == item_no,
                           describe=f"reservations of {item_no} synchronized")


async def test_trace_finds_the_item_of_a_lot_and_refuses_to_guess_without_numbers(warehouse, stack):
    item_no, location = unique("TRACE"), unique("WH")
    await warehouse.register_item(item_no, "lot")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [lot("LOT-9", 3)])
    lot_no = "LOT-9"

    found = await slt(stack, "trace", "--lot", lot_no, "--json", "--no-facts")
    # Other tests use LOT-9 too: the item is named when the lot is not unique.
    if found.exit_code == 2:
        assert "name one with --item" in found.err
        found = await slt(stack, "trace", "--lot", lot_no, "--item", item_no, "--json", "--no-facts")
    assert found.exit_code == 0, found
    timeline = json.loads(found.out)
    assert timeline["item_no"] == item_no
    assert [s["step"] for s in timeline["steps"]] == ["received", "posted (purchase)", "put away"] or \
        [s["step"] for s in timeline["steps"]] == ["received", "put away", "posted (purchase)"]
    assert [(w["bin_code"], w["quantity"]) for w in timeline["whereabouts"]] == [("P-01", "3")]

    nothing = await slt(stack, "trace", "--item", item_no)
    assert nothing.exit_code == 2 and "name the serial and/or the lot to trace" in nothing.err
    assert "add --serial SERIAL and/or --lot LOT" in nothing.err


async def test_availability_shows_the_breakdown_per_location_and_serial_lot(warehouse, kafka, stack):
    item_no, location = unique("AVAIL"), unique("WH")
    await warehouse.register_item(item_no, "lot")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [lot("A1", 7), lot("A2", 5)])
    # The reservation goes to the inventory directly: it must not overtake the receipt's way through the warehouse.
    await kafka.wait_until(lambda m: m.type == inv.LedgerEntriesPosted.TYPE and m.json()["item_no"] == item_no,
                           describe=f"the receipt of {item_no} in the item ledger")
    await reserve(kafka, item_no, location, unique("SO"), 2, lot="A1")

    run = await slt(stack, "availability", item_no, "--location", location)

    assert run.exit_code == 0, run
    assert f"{item_no} at {location}" in run.out
    rows = {line.split("│")[1].strip() + "/" + line.split("│")[2].strip(): [c.strip() for c in line.split("│")[3:-1]]
            for line in run.out.splitlines() if line.startswith("│")}
    # inventory, on picks/mvmts, reserved, in outbound bins, adj. bin +, same demand, blocked, available
    assert rows["all/"] == ["12", "0", "2", "0", "0", "0", "0", "10"]
    assert rows["/A1"] == ["7", "0", "2", "0", "0", "0", "0", "5"]
    assert rows["/A2"] == ["5", "0", "0", "0", "0", "0", "0", "5"]

    unknown = await slt(stack, "availability", unique("NOPE"))
    assert unknown.exit_code == 2 and "is not registered" in unknown.err


async def test_reconcile_prints_agreement_and_the_differences_and_exits_1(warehouse, kafka, stack):
    consistent, drifted, location = await drifted_location(warehouse, kafka, "REC")

    agreed = await slt(stack, "reconcile", "--location", location, "--item", consistent)
    assert agreed.exit_code == 0, agreed
    assert "1 item(s) compared, 1 agree, 0 differ" in agreed.out and f"agree: {consistent}" in agreed.out

    # Items the warehouse never held are reported only when named (S7 reports the items with entries).
    differing = await slt(stack, "reconcile", "--location", location, "--item", consistent, "--item", drifted)
    assert differing.exit_code == 1, differing
    assert "2 item(s) compared, 1 agree, 1 differ" in differing.out
    [line] = [line for line in differing.out.splitlines() if drifted in line and "│" in line]
    # item, variant, serial, lot, real bins, adj. bin, ledger, difference
    assert [c.strip() for c in line.split("│")[1:-1]] == [drifted, "", "", "R9", "0", "0", "5", "-5"]
    assert "the warehouse and the item ledger differ" in differing.err

    unknown = await slt(stack, "reconcile", "--location", unique("NOWHERE"))
    assert unknown.exit_code == 2 and "is not configured" in unknown.err


async def test_import_opening_balances_loads_bins_and_ledger_once_and_lists_rejections(warehouse, stack, tmp_path):
    lots, serials, location = unique("OPEN"), unique("OPEN"), unique("WH")
    await warehouse.register_item(lots, "lot", expiration_required=True)
    await warehouse.register_item(serials, "serial")
    await warehouse.configure(location)
    file = tmp_path / "opening.csv"
    file.write_text(
        "location,bin,item,variant,serial,lot,expiration,quantity\n"
        f"{location},P-01,{lots},,,L1,{LATER.isoformat()},10\n"
        f"{location},P-02,{lots},,,L2,{SOON.isoformat()},5.000\n"
        f"{location},P-01,{serials},,SN-A,,,1\n"
        f"{location},P-02,{serials},,SN-B,,,1\n"
        f"{location},NOPE,{lots},,,L3,{SOON.isoformat()},1\n"      # no such bin
        f"{location},P-01,{serials},,SN-C,,,2\n"                   # a serial is one unit
        f"{location},P-01,{lots},,,L4,{SOON.isoformat()},many\n"   # not a number
    )

    first = await slt(stack, "import-opening-balances", str(file))

    assert first.exit_code == 1, first
    assert "7 row(s): 4 loaded now, 0 already loaded, 3 rejected, 0 without answer" in first.out
    assert "2 balance(s) of 2 item(s) posted to the item ledger" in first.out or \
        "balance(s) of 2 item(s) posted to the item ledger" in first.out
    rejected = {line.split("│")[1].strip(): line for line in first.out.splitlines() if line.startswith("│")}
    assert "unknown_bin" in rejected["6"] and "serial_quantity_must_be_one" in rejected["7"]
    assert "invalid_row" in rejected["8"] and "not a number" in rejected["8"]
    assert "3 row(s) rejected" in first.err
    # Both services hold the stock: the bins, and the item ledger through the adjustment posting.
    assert await warehouse.content(location, item_no=lots) == {("P-01", "", "L1"): Decimal(10),
                                                              ("P-02", "", "L2"): Decimal(5)}
    stock = await slt(stack, "availability", serials, "--location", location)
    assert "SN-A" in stock.out and "SN-B" in stock.out
    entries = await warehouse.get("/warehouse-entries", location_code=location, limit=1000)

    again = await slt(stack, "import-opening-balances", str(file))

    assert "7 row(s): 0 loaded now, 4 already loaded, 3 rejected, 0 without answer" in again.out, again
    assert "nothing left to post" in again.out
    assert await warehouse.get("/warehouse-entries", location_code=location, limit=1000) == entries


async def test_import_of_a_file_without_the_columns_exits_2(stack, tmp_path):
    file = tmp_path / "wrong.csv"
    file.write_text("bin,item,quantity\nP-01,X,1\n")
    run = await slt(stack, "import-opening-balances", str(file))
    assert run.exit_code == 2 and "missing column(s) location, variant, serial, lot, expiration" in run.err
