"""The item ledger and reservations kept in step with the warehouse's facts (S1-S7, I1, I2, I5).

A plain client plays the warehouse: it publishes the facts the warehouse would (keyed
item|location, with CloudEvents headers) and reads inventory's facts and read API.
"""

from functools import partial

import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import WAREHOUSE_EVENTS, dead_letter_topic
from tests.support.ids import unique
from tests.support.inventory import EXPIRES, TODAY, Journey, figures, q
from tests.support.kafka import command_headers


async def test_S1_I1_receipt_posts_one_entry_per_lot_with_its_expiration(journey):

    [posted] = await journey.answer(await journey.receive("R-1", ("L1", 4), ("L2", 6)), inv.LedgerEntriesPosted)

    assert [(e["entry_type"], e["lot"], q(e["quantity"]), q(e["remaining_quantity"]), e["open"], e["expiration"])
            for e in posted["entries"]] == [("purchase", "L1", q(4), q(4), True, EXPIRES.isoformat()),
                                            ("purchase", "L2", q(6), q(6), True, EXPIRES.isoformat())]
    # The ledger reads a page at a time, and by lot.
    first_page = await journey.get(f"/items/{journey.item_no}/ledger-entries", limit=1)
    second_page = await journey.get(f"/items/{journey.item_no}/ledger-entries", limit=1, after=first_page["next_after"])
    assert [first_page["entries"][0]["lot_no"], second_page["entries"][0]["lot_no"]] == ["L1", "L2"]
    by_lot = await journey.get(f"/items/{journey.item_no}/ledger-entries", lot="L2")
    assert [(e["lot_no"], e["document_no"], e["source_no"]) for e in by_lot["entries"]] == [("L2", "R-1", "R-1")]


async def test_I1_a_receipt_without_the_lot_of_a_lot_tracked_item_is_dead_lettered_with_the_reason(kafka, journey):

    # A fact cannot be refused; a defect upstream is kept, with its reason, on the dead-letter topic.
    broken = await journey.receive("R-1", ("", 5))

    [letter] = await kafka.wait_for(topic=dead_letter_topic(WAREHOUSE_EVENTS), ce_id=broken)
    assert "TrackingNumberRequiredError" in letter.headers["dlq_reason"]
    await journey.answer(await journey.receive("R-2", ("L1", 5)), inv.LedgerEntriesPosted)  # and moves on
    assert [entry["document_no"] for entry in await journey.ledger()] == ["R-2"]


async def test_S2_I5_availability_drops_on_pick_stays_down_while_picked_and_settles_after_shipment(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 10)), inv.LedgerEntriesPosted)
    await journey.reserved("SO-1", 4)
    assert await journey.available() == q(6)

    # A pick for SO-2 (not reserved) drops availability; one for SO-1 does not: its reservation
    # and its pick are the same 4 units, subtracted once (I5).
    await journey.create_pick("P-2", "SO-2", ("L1", 2))
    await journey.until_available(4)
    await journey.create_pick("P-1", "SO-1", ("L1", 4))
    row = await journey.until(journey.availability, lambda row: row["on_picks_and_movements"] == "6")
    assert figures(row, "reserved", "reserved_and_allocated_same_demand", "available_to_reserve") == ("4", "4", "4")

    # Picked, waiting in the ship bin: still not available, still counted once.
    await journey.register_pick("P-1", "SO-1", ("L1", 4, "L1"))
    row = await journey.until(journey.availability, lambda row: row["in_outbound_bins"] == "4")
    assert figures(row, "on_picks_and_movements", "available_to_reserve") == ("2", "4")

    # Shipped (S5): the reservation is consumed, the stock leaves the ledger and the ship bin.
    shipped = await journey.ship("SO-1", ("L1", 4))
    [synchronized] = await journey.answer(shipped, inv.ReservationsSynchronized)
    assert (q(synchronized["consumed_reservation"]), q(synchronized["still_reserved"])) == (q(4), q(0))
    assert synchronized["shipment_no"] == "SH-SO-1"
    row = await journey.availability()
    assert figures(row, "inventory", "reserved", "in_outbound_bins", "available_to_reserve") == ("6", "0", "0", "4")

    # SO-2's pick is cancelled: its 2 units are available again.
    await journey.cancel_pick("P-2", "SO-2", ("L1", 2))
    await journey.until_available(6)


async def test_S3_late_binding_swaps_lots_between_demands_and_shipping_consumes_the_reservation(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 5), ("L2", 5)), inv.LedgerEntriesPosted)
    await journey.reserved("SO-A", 5)  # nonspecific, sits on L1 (first in)
    await journey.reserved("SO-B", 5)  # nonspecific, sits on L2

    # The warehouse picks L2 for A.
    await journey.create_pick("P-A", "SO-A", ("L2", 5))
    registered = await journey.register_pick("P-A", "SO-A", ("L2", 5, "L2"))

    [recorded] = await journey.answer(registered, inv.PickedTrackingRecorded)
    moves = await journey.answer(registered, inv.ReservationChanged, count=2)
    assert (recorded["lot"], q(recorded["picked_quantity"])) == ("L2", q(5))
    assert {(m["source_no"].split("-")[1], m["from_lot"], m["to_lot"], m["reason"]) for m in moves} == {
        ("A", "L1", "L2", "late_binding"),
        ("B", "L2", "L1", "swapped_for_picked_lot"),
    }
    assert await lots_reserved(journey, "SO-A") == {"L2": q(5)}
    assert await lots_reserved(journey, "SO-B") == {"L1": q(5)}

    # Shipping A consumes A's reservation; B keeps L1.
    [synchronized] = await journey.answer(await journey.ship("SO-A", ("L2", 5)), inv.ReservationsSynchronized)
    assert q(synchronized["consumed_reservation"]) == q(5)
    assert (await lots_reserved(journey, "SO-A"), await lots_reserved(journey, "SO-B")) == ({}, {"L1": q(5)})


async def test_S3_a_specific_reservation_of_other_demand_is_never_taken_and_the_race_is_reported(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 5), ("L2", 5)), inv.LedgerEntriesPosted)
    await journey.reserved("SO-B", 5, lot="L2")  # specific
    await journey.reserved("SO-A", 5)  # nonspecific: L1

    # A race past W6: the picker scanned L2 for A.
    await journey.create_pick("P-A", "SO-A", ("L1", 5))
    registered = await journey.register_pick("P-A", "SO-A", ("L2", 5, "L1"))

    [conflict] = await journey.answer(registered, inv.ReservationConflict)
    assert (conflict["picked_for"]["source_no"], conflict["reserved_for"]["source_no"], conflict["lot"]) == (
        journey.demand("SO-A")["source_no"], journey.demand("SO-B")["source_no"], "L2")
    assert await lots_reserved(journey, "SO-B") == {"L2": q(5)}  # both facts are kept; a person decides


async def test_I2_outbound_applies_first_in_first_out_and_tracing_shows_every_entry_and_application(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 3)), inv.LedgerEntriesPosted)
    await journey.answer(await journey.receive("R-2", ("L1", 4)), inv.LedgerEntriesPosted)

    [posted] = await journey.answer(await journey.ship("SO-1", ("L1", 5)), inv.LedgerEntriesPosted)

    first, second = [entry["entry_no"] for entry in (await journey.ledger())[:2]]
    [sale] = posted["entries"]
    applied = [(a["inbound_entry_no"], q(a["quantity"])) for a in posted["applications"]]
    assert applied == [(first, q(3)), (second, q(2))]
    trace = await journey.get(f"/items/{journey.item_no}/tracing", lot="L1")
    assert [(e["entry_type"], e["remaining_quantity"], e["open"]) for e in trace["entries"]] == [
        ("purchase", "0", False), ("purchase", "2", True), ("sale", "0", False)]
    assert {(a["outbound_entry_no"], a["inbound_entry_no"]) for a in trace["applications"]} == {
        (sale["entry_no"], first), (sale["entry_no"], second)}


async def test_S5_shipment_before_receipt_is_parked_then_applied_and_the_ledger_ends_exactly_right(journey):

    # The shipment overtakes its receipt: parked, visible with its reason, never dropped.
    shipped = await journey.ship("SO-1", ("L1", 3))
    [parked] = await journey.answer(shipped, inv.PostingParked)
    assert (parked["posting_id"], parked["reason_code"]) == (shipped, "cannot_be_fully_applied")
    assert [(s["lot"], q(s["missing_quantity"])) for s in parked["shortages"]] == [("L1", q(3))]
    [waiting] = await journey.get("/parked-postings", item_no=journey.item_no)
    assert (waiting["document_no"], waiting["shortages"][0]["needed"]) == ("SH-SO-1", "3")

    # The receipt arrives: the shipment is applied in the same transaction.
    received = await journey.receive("R-1", ("L1", 5))
    await journey.answer(received, inv.PostingApplied)
    receipt, shipment = await journey.answer(received, inv.LedgerEntriesPosted, count=2)
    assert (receipt["posting_id"], shipment["posting_id"]) == (received, shipped)
    assert [(e["entry_type"], e["quantity"], e["remaining_quantity"], e["open"]) for e in await journey.ledger()] == [
        ("purchase", "5", "2", True), ("sale", "-3", "0", False)]
    assert await journey.get("/parked-postings", item_no=journey.item_no) == []
    assert (await journey.availability())["inventory"] == "2"


async def test_Z2_S5_each_part_of_a_shipment_is_applied_or_parked_on_its_own_and_a_redelivered_part_changes_nothing(
    journey
):
    await journey.answer(await journey.receive("R-1", ("L1", 5)), inv.LedgerEntriesPosted)
    lines = [wh.PostedLineFact(document_line_no=1, **journey.demand("SO-1"), variant="", bin_code="S-01", lot=lot,
                               expiration=EXPIRES, quantity=q(1)) for lot in ["L1", "L1", "L1", "L2", "L2"]]
    header = {"shipment_no": "SH-SO-1", "location_code": journey.location, "item_no": journey.item_no,
              "posting_date": TODAY, "parts": 2}

    # Part 1 (L1) finds its supply, part 2 (L2) does not yet: one posting each, named after its own ce_id.
    first = await journey.fact(wh.ShipmentPosted(**header, part=1, lines=tuple(lines[:3])))
    second = await journey.fact(wh.ShipmentPosted(**header, part=2, lines=tuple(lines[3:])))
    [posted] = await journey.answer(first, inv.LedgerEntriesPosted)
    [parked] = await journey.answer(second, inv.PostingParked)
    assert (posted["posting_id"], len(posted["entries"]), parked["posting_id"]) == (first, 3, second)
    assert [(s["lot"], q(s["missing_quantity"])) for s in parked["shortages"]] == [("L2", q(2))]

    # The L2 receipt applies the parked part; part 2 delivered again (same ce_id) is not posted twice.
    await journey.answer(await journey.receive("R-2", ("L2", 2)), inv.PostingApplied)
    await journey.fact(wh.ShipmentPosted(**header, part=2, lines=tuple(lines[3:])), ce_id=second)
    await journey.answer(await journey.receive("R-3", ("L3", 1)), inv.LedgerEntriesPosted)  # same key: after it
    sales = [(e["lot_no"], e["quantity"]) for e in await journey.ledger() if e["entry_type"] == "sale"]
    assert sorted(sales) == [("L1", "-1")] * 3 + [("L2", "-1")] * 2
    assert await journey.get("/parked-postings", item_no=journey.item_no) == []


async def test_S4_a_shipment_of_a_reclassified_lot_waits_for_the_adjustment_that_explains_it(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 5)), inv.LedgerEntriesPosted)

    # W8: 2 of L1 relabelled L2 in the warehouse; the adjustment bin holds +2 L1 and -2 L2.
    await journey.reclassify("RC-1", "L1", "L2", 2)
    row = await journey.until(journey.availability, lambda row: row["tracking"][0]["adjustment_bin_positive"] == "2")
    assert (row["available_to_reserve"], row["tracking"][0]["available_to_reserve"]) == ("5", "3")

    # The shipment of L2 arrives before the calculated adjustment (W10): parked.
    shipped = await journey.ship("SO-1", ("L2", 2))
    await journey.answer(shipped, inv.PostingParked)

    adjusted = await journey.post_adjustment("ADJ-1", ("L1", -2), ("L2", 2))
    [applied] = await journey.answer(adjusted, inv.PostingApplied)
    assert applied["posting_id"] == shipped
    ledger = await journey.ledger()
    assert [(e["entry_type"], e["lot_no"], e["quantity"], e["remaining_quantity"]) for e in ledger] == [
        ("purchase", "L1", "5", "3"),
        ("positive_adjustment", "L2", "2", "0"),  # a posting's inbound lines first
        ("negative_adjustment", "L1", "-2", "0"),
        ("sale", "L2", "-2", "0"),
    ]
    row = await journey.availability()
    assert (row["tracking"][0]["adjustment_bin_positive"], row["available_to_reserve"]) == ("0", "3")


async def test_S6_redelivered_warehouse_facts_change_nothing_twice(journey):
    facts = [
        partial(journey.receive, "R-1", ("L1", 10)),
        partial(journey.create_pick, "P-1", "SO-1", ("L1", 4)),
        partial(journey.register_pick, "P-1", "SO-1", ("L1", 4, "L1")),
        partial(journey.ship, "SO-1", ("L1", 4)),
        partial(journey.adjust_in_bin, "CNT-1", "L1", -1),
        partial(journey.post_adjustment, "ADJ-1", ("L1", -1)),
    ]

    # Every warehouse fact of a journey is delivered twice with the same ce_id.
    sent = []
    for fact in facts:
        sent.append(await fact())
        await fact(ce_id=sent[-1])

    # A last fact on the same key proves every earlier one was consumed; the books hold each once.
    request_id = unique("REQ")
    reported = await journey.report_bin_totals(request_id, ("L1", 5, 0))
    [report] = await journey.answer(reported, inv.ReconciliationReported)
    assert report["differences"] == []
    assert [(e["entry_type"], e["quantity"]) for e in await journey.ledger()] == [
        ("purchase", "10"), ("sale", "-4"), ("negative_adjustment", "-1")]
    for ce_id in (sent[0], sent[3], sent[5]):  # receipt, shipment, adjustment
        assert len(journey.caused(ce_id, inv.LedgerEntriesPosted)) == 1
    row = await journey.availability()
    assert figures(row, "inventory", "on_picks_and_movements", "in_outbound_bins", "adjustment_bin_positive") == (
        "5", "0", "0", "0")


async def test_S7_reconciliation_agrees_after_a_consistent_journey_and_lists_every_difference_otherwise(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 10), ("L2", 3)), inv.LedgerEntriesPosted)
    # W9: 2 of L1 lost in a bin: +2 in the adjustment bin until W10 posts it.
    await journey.adjust_in_bin("CNT-1", "L1", -2)

    agreed = unique("REQ")
    [report] = await journey.answer(
        await journey.report_bin_totals(agreed, ("L1", 8, 2), ("L2", 3, 0)), inv.ReconciliationReported)
    assert report["differences"] == []
    assert (await journey.get(f"/reconciliations/{agreed}"))["agreed"] is True

    # The warehouse counts one more of L1 and a lot the ledger never saw.
    disagreed = unique("REQ")
    [report] = await journey.answer(
        await journey.report_bin_totals(disagreed, ("L1", 9, 2), ("L2", 3, 0), ("L9", 1, 0)),
        inv.ReconciliationReported)
    assert [(d["lot"], q(d["ledger_inventory"]), q(d["difference"])) for d in report["differences"]] == [
        ("L1", q(10), q(1)), ("L9", q(0), q(1))]
    stored = await journey.get(f"/reconciliations/{disagreed}")
    assert (stored["complete"], stored["agreed"], len(stored["items"][0]["differences"])) == (True, False, 2)


async def lots_reserved(journey: Journey, order: str) -> dict:
    demand = journey.demand(order)
    line = await journey.get(f"/demands/{demand['source_type']}/{demand['source_no']}/{demand['source_line_no']}")
    lots: dict = {}
    for row in line["reservations"]:
        lots[row["lot_no"]] = lots.get(row["lot_no"], q(0)) + q(row["quantity"])
    return lots


@pytest.mark.parametrize("journey", ["serial"], indirect=True)
async def test_Z2_a_receipt_of_5000_serials_is_posted_in_parts_under_1_mb_and_the_inventory_keeps_publishing(
    kafka, journey
):
    serials = [f"SN-{number:05}" for number in range(1, 5001)]
    receipt = wh.ReceiptPosted(
        receipt_no="R-BIG", put_away_no="R-BIG-PA", location_code=journey.location, item_no=journey.item_no,
        posting_date=TODAY,
        lines=tuple(wh.PostedLineFact(document_line_no=line_no, source_type="purchase_order", source_no="PO-1",
                                      source_line_no=1, variant="", bin_code="R-01", serial=number, quantity=q(1))
                    for line_no, number in enumerate(serials, 1)),
    )
    # Compact JSON: 5,000 serial lines still fit one message (0.94 MB) from a producer that leaves the lines' stated
    # unit out (U2: an optional field, base unit); the ledger's one answer would not (1.55 MB).
    headers = command_headers(receipt.TYPE, source="/warehouse")  # facts are accepted from the warehouse only
    without_units = receipt.model_dump_json(exclude={"lines": {"__all__": {"unit_code", "quantity_per_unit"}}})
    await kafka.send(WAREHOUSE_EVENTS, without_units.encode(), headers, receipt.kafka_key().encode())

    parts = await kafka.wait_for(type=inv.LedgerEntriesPosted.TYPE, causation_id=dict(headers)["ce_id"].decode(),
                                 count=10, timeout=120)

    facts = sorted((part.json() for part in parts), key=lambda fact: fact["part"])
    assert [(fact["part"], fact["parts"]) for fact in facts] == [(number, 10) for number in range(1, 11)]
    assert [entry["serial"] for fact in facts for entry in fact["entries"]] == serials
    assert {part.key for part in parts} == {f"{journey.item_no}|{journey.location}".encode()}
    assert max(len(part.value) for part in parts) < 1_000_000
    # The relay is not wedged: the next command is answered, and the read API shows all the stock.
    created = await journey.reserved("SO-1", 3)
    assert q(created["quantity"]) == q(3)
    assert await journey.available() == q(4997)
