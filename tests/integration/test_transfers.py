"""Transfers between locations (X1-X6) through both real services over Kafka: a transfer order ships from
location A through an in-transit location to location B with its serial/lot numbers.

Each test makes its own locations and items, so the tests share one stack without cleaning up.
"""

from decimal import Decimal

from contracts import warehouse as wh
from tests.support.ids import unique
from tests.support.transfers import Transfer
from tests.support.warehouse import LATER, SOON, lot, serial

D = Decimal


def open_numbers(entries: list[dict]) -> dict[tuple[str, str], Decimal]:
    """{(serial, lot): remaining} of the open entries."""
    held: dict[tuple[str, str], Decimal] = {}
    for e in entries:
        if e["open"]:
            held[e["serial_no"], e["lot_no"]] = held.get((e["serial_no"], e["lot_no"]), D(0)) + D(e["remaining_quantity"])
    return held


async def test_X1_X2_X3_X5_X6_lot_transfer_with_swapped_lot_reservation_partial_receipt_and_refused_number(stack, kafka):
    transfer = await Transfer.start(stack, kafka)
    source, destination = transfer.source, transfer.destination
    item_no = await source.item("lot", expiration_required=True)
    await source.stock_up(item_no, [lot("L1", 5, SOON), lot("L2", 5, LATER)])

    # X1: the transfer order becomes a shipment at the source, picked as any shipment (W4-W6).
    transfer_no = await transfer.release(item_no, 6)
    created = (await source.pick(transfer_no))[item_no]
    assert [(line["lot"], D(line["quantity"])) for line in created["lines"]] == [("L1", D(5)), ("L2", D(1))]
    # W6: the picker takes the lots the other way round, in one registration.
    await source.register_pick(created["pick_no"], [{"line_no": 1, "quantity": "5", "lot": "L2"},
                                                   {"line_no": 2, "quantity": "1", "lot": "L1"}])
    shipped = await transfer.ship(transfer_no)

    # X3: the expected receipt at the destination is predefined with exactly what was shipped.
    assert shipped["receipt_no"] == transfer_no and shipped["to_location"] == destination.location
    assert {(line["lot"], D(line["quantity"]), line["expiration"]) for line in shipped["lines"]} == {
        ("L2", D(5), LATER.isoformat()), ("L1", D(1), SOON.isoformat())}
    receipt = await destination.warehouse.get(f"/documents/receipt/{transfer_no}")
    assert receipt["location_code"] == destination.location

    # X2: per lot a negative transfer entry at the source, applied, and a positive one in transit.
    at_source = [e for e in await transfer.ledger(source.location, item_no) if e["entry_type"] == "transfer"]
    assert {(e["lot_no"], D(e["quantity"])) for e in at_source} == {("L2", D(-5)), ("L1", D(-1))}
    assert all(e["document_no"] == transfer_no and not e["open"] for e in at_source)
    assert open_numbers(await transfer.ledger(transfer.in_transit, item_no)) == {("", "L2"): D(5), ("", "L1"): D(1)}
    assert open_numbers(await transfer.ledger(source.location, item_no)) == {("", "L1"): D(4)}

    # X3: a lot that was not shipped is refused, with its reason; nothing was received.
    refusal = await destination.warehouse.refused(wh.PostReceipt, {"receipt_no": transfer_no, "lines": [
        {"line_no": 1, **lot("L9", 1, SOON)}]})
    assert refusal["reason_code"] == "not_shipped_on_transfer"
    refusal = await destination.warehouse.refused(wh.PostReceipt, {"receipt_no": transfer_no, "lines": [
        {"line_no": 1, **lot("L1", 2, SOON)}]})
    assert refusal["reason_code"] == "not_shipped_on_transfer"

    # X5: in transit is available at neither location; a demand at the destination reserves against the
    # transfer instead (nonspecific, and specific by lot).
    assert (await source.availability(item_no))["available_to_reserve"] == "4"
    assert (await destination.availability(item_no))["available_to_reserve"] == "0"
    order, specific_order = unique("SO"), unique("SO")
    refused = await transfer.reserve(order, item_no, 3)
    assert refused["reason_code"] == "insufficient_availability"
    assert D((await transfer.reserve(order, item_no, 3, transfer_no=transfer_no))["quantity"]) == D(3)
    specific = await transfer.reserve(specific_order, item_no, 1, transfer_no=transfer_no, lot="L1")
    assert D(specific.get("quantity", "0")) == 1, specific["message"]
    assert await transfer.reservations(order) == {(transfer.in_transit, "L2"): D(3)}
    refused = await transfer.reserve(unique("SO"), item_no, 3, transfer_no=transfer_no)
    assert refused["reason_code"] == "insufficient_availability"
    refused = await transfer.reserve(unique("SO"), item_no, 1, transfer_no=unique("TO"))
    assert refused["reason_code"] == "nothing_in_transit_on_transfer"

    # X3: partial receipt (the expiration is taken from the shipment); the rest stays in transit.
    posted = await transfer.receive(transfer_no, [{"lot": "L2", "quantity": "5"}])
    assert [(line["lot"], line["expiration"]) for line in posted["lines"]] == [("L2", LATER.isoformat())]
    assert open_numbers(await transfer.ledger(destination.location, item_no)) == {("", "L2"): D(5)}
    assert open_numbers(await transfer.ledger(transfer.in_transit, item_no)) == {("", "L1"): D(1)}
    # X5: the reservation against the transfer moved onto the received entries; the one on L1 still waits.
    assert await transfer.reservations(order) == {(destination.location, "L2"): D(3)}
    assert await transfer.reservations(specific_order) == {(transfer.in_transit, "L1"): D(1)}
    assert (await destination.availability(item_no))["reserved"] == "3"
    await destination.put_away(posted)

    # X6: S7 holds at both ends; in transit is reconciled on its own.
    for end in (source, destination):
        assert [report["differences"] for report in await end.reconcile(1)] == [[]]
    assert [report["differences"] for report in await transfer.in_transit_reconciled()] == [[]]


async def test_X2_X4_serial_transfer_is_traced_across_four_entries_and_in_transit_serial_is_on_inventory(
        stack, kafka):
    transfer = await Transfer.start(stack, kafka)
    source, destination = transfer.source, transfer.destination
    item_no = await source.item("serial")
    await source.stock_up(item_no, [serial("S1"), serial("S2"), serial("S3")])
    transfer_no = await transfer.release(item_no, 2)
    created = (await source.pick(transfer_no))[item_no]
    await source.register_all(created)
    shipped = await transfer.ship(transfer_no)
    shipped_serials = sorted(line["serial"] for line in shipped["lines"])
    assert len(shipped_serials) == 2

    # X4 (T2): a serial in transit is on inventory: receiving it anywhere else is refused.
    first, other = shipped_serials
    receipt_no = unique("RC")
    await source.run(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": source.location, "source_no": unique("PO"),
        "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": "1"}]}, wh.ReceiptReleased)
    refusal = await source.warehouse.refused(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, **serial(other)}]})
    assert refusal["reason_code"] == "serial_already_in_stock"

    # Partial receipt of one serial; the other stays in transit.
    await transfer.receive(transfer_no, [serial(first)])

    # X2: tracing follows the received unit across all four entries.
    trace = []
    for location in (source.location, transfer.in_transit, destination.location):
        trace += [e for e in (await transfer.source.inventory(f"/items/{item_no}/ledger-entries", location=location,
                                                              serial=first))["entries"] if e["entry_type"] == "transfer"]
    assert [(e["location_code"], D(e["quantity"])) for e in sorted(trace, key=lambda e: e["entry_no"])] == [
        (source.location, D(-1)), (transfer.in_transit, D(1)), (transfer.in_transit, D(-1)),
        (destination.location, D(1))]
    chain = sorted(trace, key=lambda e: e["entry_no"])
    assert [e["transferred_from_entry_no"] for e in chain[1::2]] == [e["entry_no"] for e in chain[0::2]]
    assert open_numbers(await transfer.ledger(transfer.in_transit, item_no)) == {(other, ""): D(1)}

    for end in (source, destination):
        assert [report["differences"] for report in await end.reconcile(1)] == [[]]
    assert [report["differences"] for report in await transfer.in_transit_reconciled()] == [[]]
