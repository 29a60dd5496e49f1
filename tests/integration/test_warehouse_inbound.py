"""Inbound over Kafka: tracking numbers on received lines (T1-T3), partial handling (W11)."""

from decimal import Decimal

from contracts import warehouse as wh
from tests.support.ids import unique
from tests.support.warehouse import SOON, Warehouse, lot, serial

D = Decimal


async def receipt(warehouse: Warehouse, location_code: str, item_no: str, quantity) -> str:
    receipt_no = unique("RC")
    await warehouse.run(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": location_code, "source_no": unique("PO"),
        "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": str(quantity)}]},
        wh.ReceiptReleased)
    return receipt_no


async def test_T2_serial_in_stock_at_another_location_is_refused(warehouse: Warehouse):
    phone, north, south = unique("PHONE"), unique("NORTH"), unique("SOUTH")
    await warehouse.register_item(phone, "serial")
    await warehouse.configure(north)
    await warehouse.configure(south)
    await warehouse.receive(north, phone, [serial("S1")])

    # The same serial arrives at another location: refused, and nothing of the receipt is posted.
    receipt_no = await receipt(warehouse, south, phone, 2)
    refusal = await warehouse.refused(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, **serial("S2")}, {"line_no": 1, **serial("S1")}]})

    assert refusal["reason_code"] == "serial_already_in_stock"
    assert f"Serial S1 of item {phone} is already in stock" in refusal["message"]
    assert await warehouse.content(south) == {}
    assert (await warehouse.get(f"/documents/receipt/{receipt_no}"))["lines"][0]["quantity_handled"] == "0"


async def test_T1_T3_received_lines_carry_the_tracking_the_item_requires(warehouse: Warehouse):
    milk, loc = unique("MILK"), unique("WH")
    await warehouse.register_item(milk, "lot", expiration_required=True)
    await warehouse.configure(loc)
    receipt_no = await receipt(warehouse, loc, milk, 10)

    no_lot = await warehouse.refused(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, **lot("", 10, SOON)}]})
    no_date = await warehouse.refused(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, **lot("L1", 10)}]})

    assert no_lot["reason_code"] == "tracking_number_required"
    assert no_date["reason_code"] == "expiration_required"


async def test_W11_partial_receipt_and_put_away_leave_the_rest_open(warehouse: Warehouse):
    milk, loc = unique("MILK"), unique("WH")
    await warehouse.register_item(milk, "lot")
    await warehouse.configure(loc)
    receipt_no = await receipt(warehouse, loc, milk, 10)

    # 6 of 10 arrive; 4 of them are put away.
    [posted] = await warehouse.run(wh.PostReceipt, {"receipt_no": receipt_no,
                                                    "lines": [{"line_no": 1, **lot("L1", 6)}]}, wh.ReceiptPosted)
    await warehouse.run(wh.RegisterPutAway, {"put_away_no": posted["put_away_no"], "lines": [
        {"line_no": 1, "quantity": "4", "place_bin": "P-01"}]}, wh.PutAwayRegistered)

    received = (await warehouse.get(f"/documents/receipt/{receipt_no}"))
    put_away = (await warehouse.get(f"/documents/put_away/{posted['put_away_no']}"))
    assert (received["is_open"], received["lines"][0]["quantity_outstanding"]) == (True, "4")
    line = put_away["lines"][0]
    assert (put_away["is_open"], line["quantity_handled"], line["quantity_outstanding"]) == (True, "4", "2")
    assert await warehouse.content(loc) == {("R-01", "", "L1"): D(2), ("P-01", "", "L1"): D(4)}

    # Putting away more than is outstanding is refused; the rest closes the put-away.
    too_much = await warehouse.refused(wh.RegisterPutAway, {"put_away_no": posted["put_away_no"], "lines": [
        {"line_no": 1, "quantity": "3", "place_bin": "P-01"}]})
    assert too_much["reason_code"] == "quantity_exceeds_outstanding"
    await warehouse.run(wh.RegisterPutAway, {"put_away_no": posted["put_away_no"], "lines": [
        {"line_no": 1, "quantity": "2", "place_bin": "P-01"}]}, wh.PutAwayRegistered)
    assert not (await warehouse.get(f"/documents/put_away/{posted['put_away_no']}"))["is_open"]


async def test_document_numbers_are_used_once(warehouse: Warehouse):
    bolt, loc = unique("BOLT"), unique("WH")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc)
    receipt_no = await receipt(warehouse, loc, bolt, 1)

    refusal = await warehouse.refused(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": loc, "source_no": unique("PO"),
        "lines": [{"line_no": 1, "source_line_no": 1, "item_no": bolt, "quantity": "5"}]})

    assert refusal["reason_code"] == "duplicate_document"
    assert (await warehouse.get(f"/documents/receipt/{receipt_no}"))["lines"][0]["quantity"] == "1"
