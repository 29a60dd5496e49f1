"""Lot and serial information (Q1-Q3) through both real services, over real Kafka and PostgreSQL.

Quality statuses are set by commands to the inventory (it owns tracking-number information) and the
warehouse replicates them from the inventory's facts (Q3): a quarantined or rejected number behaves
like a blocked one (T4). Warranty dates come from the item's formula and the receipt's posting date (Q2).
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS
from slt_cli.readapi import ReadApis
from slt_cli.trace import trace
from tests.support.ids import unique
from tests.support.journey import Journey, allocated
from tests.support.warehouse import LATER, SOON, lot, serial

D = Decimal


async def set_information(journey: Journey, item_no: str, status: str, **numbers: Any) -> dict:
    """Q1: the inventory's fact, and the warehouse's replica showing it (Q3)."""
    command = inv.SetTrackingInformation(item_no=item_no, quality_status=status, **numbers)
    command_id = await journey.kafka.send_command(INVENTORY_COMMANDS, command.TYPE, command.model_dump(mode="json"),
                                                  key=command.kafka_key())
    [changed] = await journey.kafka.wait_for(type=inv.TrackingInformationChanged.TYPE, causation_id=command_id)
    number = {"serial": numbers.get("serial", ""), "lot": numbers.get("lot", "")}
    await journey.warehouse.eventually(
        f"/items/{item_no}/tracking-information",
        lambda rows: any({"serial": r["serial"], "lot": r["lot"]} == number and r["quality_status"] == status
                         for r in rows))
    return changed.json()


async def refused_reservation(journey: Journey, item_no: str, order: str, quantity: int, **named: str) -> dict:
    command_id = await journey.send_reserve(item_no, order, quantity, **named)
    [rejected] = await journey.kafka.wait_for(type=inv.CommandRejected.TYPE, causation_id=command_id)
    return rejected.json()


async def test_Q1_Q3_a_quarantined_lot_is_skipped_and_refused_until_released_then_picked(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    await journey.stock_up(item_no, [lot("L1", 10, SOON), lot("L2", 5, LATER)])

    # L1 (first by FEFO) goes into quarantine: the inventory says so and the warehouse replicates it.
    changed = await set_information(journey, item_no, "quarantine", lot="L1", certificate_no="COA-7",
                                    comment="awaiting the lab")
    assert (changed["quality_status"], changed["previous_quality_status"]) == ("quarantine", "released")
    [record] = await journey.inventory(f"/tracking-information/{item_no}", lot="L1")
    assert (record["quality_status"], record["certificate_no"], record["comment"]) == (
        "quarantine", "COA-7", "awaiting the lab")
    # Not available to reserve (withheld as blocked) and refused by name with its own reason.
    await journey.settled(item_no, blocked=10, available_to_reserve=5)
    refusal = await refused_reservation(journey, item_no, unique("SO"), 1, lot="L1")
    assert refusal["reason_code"] == "tracking_quarantined" and "is in quarantine" in refusal["message"]
    row = next(t for t in (await journey.availability(item_no))["tracking"] if t["lot"] == "L1")
    assert (row["quality_status"], row["is_blocked"]) == ("quarantine", True)

    # The pick proposal skips it although it expires first; scanning it at registration is refused.
    first = await journey.shipment(unique("SO"), (item_no, 4))
    created = (await journey.pick(first))[item_no]
    assert allocated(created) == [("P-01", "L2", D(4))]
    pick_line = created["lines"][0]["line_no"]
    refused = await journey.warehouse.refused(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [
        {"line_no": pick_line, "quantity": "1", "lot": "L1"}]})
    assert refused["reason_code"] == "lot_quarantined" and "Lot L1" in refused["message"]

    # Released: reservable and picked again (FEFO proposes it first).
    await set_information(journey, item_no, "released", lot="L1", certificate_no="COA-7", comment="passed")
    await journey.settled(item_no, blocked=0)
    order = unique("SO")
    await journey.reserve(item_no, order, 3, lot="L1")
    second = await journey.shipment(order, (item_no, 3))
    created = (await journey.pick(second))[item_no]
    assert allocated(created) == [("P-01", "L1", D(3))]
    [registered] = await journey.register_all(created)
    assert [(line["lot"], D(line["quantity"])) for line in registered.json()["lines"]] == [("L1", D(3))]


async def test_Q1_a_rejected_serial_is_refused_for_reservation_picking_and_registration(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("serial")
    await journey.stock_up(item_no, [serial("S1"), serial("S2")])

    await set_information(journey, item_no, "rejected", serial="S1", comment="cracked housing")

    refusal = await refused_reservation(journey, item_no, unique("SO"), 1, serial="S1")
    assert refusal["reason_code"] == "tracking_rejected" and "rejected by quality control" in refusal["message"]
    await journey.settled(item_no, inventory=2, blocked=1, available_to_reserve=1)
    created = (await journey.pick(await journey.shipment(unique("SO"), (item_no, 2))))[item_no]
    assert [(line["serial"], D(line["quantity"])) for line in created["lines"]] == [("S2", D(1))]
    refused = await journey.warehouse.refused(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [
        {"line_no": created["lines"][0]["line_no"], "quantity": "1", "serial": "S1"}]})
    assert refused["reason_code"] == "serial_rejected" and "Serial S1" in refused["message"]


async def test_Q2_received_serials_get_posting_date_plus_the_warranty_formula_shown_in_tracing(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = unique("ITEM")
    command = inv.RegisterItem(item_no=item_no, base_unit="PCS", tracking_policy="serial", warranty_formula="90D")
    await kafka.send_command(INVENTORY_COMMANDS, command.TYPE, command.model_dump(mode="json"), key=item_no)
    await journey.warehouse.eventually(f"/items/{item_no}/tracking", lambda answer: isinstance(answer, dict))
    assert (await journey.inventory(f"/items/{item_no}"))["warranty_formula"] == "90D"

    posted = await journey.receive(item_no, [serial("S1"), serial("S2")])
    warranty = date.fromisoformat(posted["posting_date"]) + timedelta(days=90)

    # Kept on the entry, published on LedgerEntriesPosted, shown by the inventory's tracing.
    [entries] = await journey.answered([_received(kafka, posted)], inv.LedgerEntriesPosted)
    assert {(e["serial"], e["warranty_date"]) for e in entries["entries"]} == {
        ("S1", warranty.isoformat()), ("S2", warranty.isoformat())}
    tracing = await journey.inventory(f"/items/{item_no}/tracing", serial="S1")
    assert [entry["warranty_date"] for entry in tracing["entries"]] == [warranty.isoformat()]
    # `slt trace` (and the console, which draws the same trace) names it on the ledger step.
    async with ReadApis(stack.warehouse.url, stack.inventory.url, None).open() as read:
        found = await trace(read, None, item_no, serial="S1", facts=False)
    [ledger_step] = [step for step in found.steps if step.service == "inventory"]
    assert f"warranty until {warranty.isoformat()}" in ledger_step.what
    assert found.information == []  # nothing recorded: released


def _received(kafka, posted: dict):
    [fact] = [m for m in kafka.matching(type=wh.ReceiptPosted.TYPE) if m.json().get("receipt_no") == posted["receipt_no"]]
    return fact
