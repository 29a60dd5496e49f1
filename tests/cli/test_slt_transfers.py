"""`slt transfer` against the running system: transfer orders with what they shipped, received and have in
transit (X1-X6), and one order's predefined tracking (X3)."""

import json

from tests.cli.operator import slt
from tests.support.ids import unique
from tests.support.transfers import partly_received


async def test_X3_slt_transfer_lists_orders_in_transit_and_shows_what_the_receipt_still_expects(stack, kafka):
    transfer, transfer_no, item_no = await partly_received(stack, kafka)

    listed = await slt(stack, "transfer", "--location", transfer.destination.location, "--in-transit",
                       "--output", "json")
    assert listed.exit_code == 0, listed.err
    [order] = [json.loads(line) for line in listed.out.splitlines()]
    assert (order["transfer_no"], order["in_transit_location"]) == (transfer_no, transfer.in_transit)
    assert (order["shipped"], order["received"], order["in_transit"]) == ("3", "1", "2")

    shown = await slt(stack, "transfer", transfer_no)
    assert shown.exit_code == 0, shown.err
    assert f"{transfer.source.location} -> {transfer.in_transit} -> {transfer.destination.location}" in shown.out
    [row] = [line for line in shown.out.splitlines() if "L1" in line]
    assert item_no in row and row.replace("│", " ").split()[-3:] == ["3", "1", "2"]
    as_json = await slt(stack, "transfer", transfer_no, "--output", "json")
    [tracking] = json.loads(as_json.out)["tracking"]
    assert (tracking["lot"], tracking["shipped"], tracking["received"], tracking["in_transit"]) == ("L1", "3", "1", "2")

    unknown = await slt(stack, "transfer", unique("TO"))
    assert unknown.exit_code == 2 and "was not released" in unknown.err
