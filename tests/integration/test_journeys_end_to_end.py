"""Both services together, over real Kafka and PostgreSQL, with no hand-played service.

The test sends what order systems and warehouse operators send: warehouse commands on
`warehouse.commands.v1`, reservation commands on `inventory.commands.v1`. Every warehouse fact the
inventory service acts on is the warehouse's own, and every reservation the warehouse picks by is
replicated from the inventory's own `DemandReservationChanged` facts (I7, S1-S7).

Steps wait on facts (by causation id) or on the read APIs; never on the clock. Every test makes its
own location and items, so the tests share one stack without cleaning up.
"""



from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_EVENTS
from tests.support.ids import unique
from tests.support.journey import SOONEST, D, Journey, about, adds_up, allocated, payload
from tests.support.warehouse import LATER, MUCH_LATER, SOON, TODAY, Warehouse, lot, serial


# --- 1. the worked example ---------------------------------------------------------------------------
async def test_I5_I7_worked_example_reserved_stock_limits_the_pick_and_a_third_reservation_is_refused(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    order_a, order_b, order_c = unique("SO-A"), unique("SO-B"), unique("SO-C")

    # 110 arrive (S1): 60 of L1, 50 of L2.
    posted = await journey.receive(item_no, [lot("L1", 60, SOON), lot("L2", 50, LATER)])
    # 100 are put away in pick bins; 10 of L2 stay in the receive bin (W2, W3).
    await journey.put_away(posted, (1, 60, "P-01"), (2, 40, "P-02"))
    assert await journey.warehouse.content(journey.location, item_no=item_no) == {
        ("P-01", "", "L1"): D(60), ("P-02", "", "L2"): D(40), ("R-01", "", "L2"): D(10)}

    # Two demands reserve 110 in total (I3): nothing is left to reserve (I5).
    await journey.reserve(item_no, order_a, 60)
    await journey.reserve(item_no, order_b, 50)
    row = await journey.availability(item_no)
    assert (row["inventory"], row["reserved"], row["available_to_reserve"]) == ("110", "110", "0")

    # The warehouse picks for A only what I7 allows: 100 in pick bins - 50 reserved for B = 50,
    # though A reserved 60 (reservations of other demand win over picking).
    shipment_a = await journey.shipment(order_a, (item_no, 60))
    preview = await journey.warehouse.get(f"/shipments/{shipment_a}/pick-proposal")
    created = (await journey.pick(shipment_a))[item_no]
    assert sum(quantity for _, _, quantity in allocated(created)) == D(50)
    assert [(x["take_bin"], x["lot"], D(x["quantity"])) for x in preview["lines"]] == allocated(created)
    line = (await journey.warehouse.get(f"/documents/shipment/{shipment_a}"))["lines"][0]
    assert (line["quantity_on_pick"], line["quantity_outstanding"]) == ("50", "60")

    # Inventory hears of the pick (S2): A's reserved and picked 50 are subtracted once.
    row = await journey.settled(item_no, on_picks_and_movements=50)
    assert (row["reserved_and_allocated_same_demand"], row["available_to_reserve"]) == ("50", "0")

    # B's pick: 100 - 50 on A's pick - (A's 60 reserved less the 50 it holds) = 40.
    shipment_b = await journey.shipment(order_b, (item_no, 50))
    assert sum(quantity for _, _, quantity in allocated((await journey.pick(shipment_b))[item_no])) == D(40)

    # Once inventory has heard of B's pick too (S2, another topic than the command's), a third
    # reservation is refused with the numbers that explain why.
    await journey.settled(item_no, on_picks_and_movements=90)
    refused = await journey.send_reserve(item_no, order_c, 1)
    [rejected] = await kafka.wait_for(type=inv.ReservationRejected.TYPE, causation_id=refused)
    rejected = rejected.json()
    assert (rejected["reason_code"], D(rejected["available_quantity"])) == ("insufficient_availability", D(0))
    breakdown = {name: D(value) for name, value in rejected["breakdown"].items()}
    assert breakdown == {
        "inventory": D(110), "on_picks_and_movements": D(90), "reserved": D(110), "in_outbound_bins": D(0),
        "adjustment_bin_positive": D(0), "reserved_and_allocated_same_demand": D(90),
        "own_allocation_not_reserved": D(0), "blocked": D(0), "available_to_reserve": D(0)}
    assert adds_up(rejected["breakdown"])
    assert (await kafka.wait_for(type=inv.CommandRejected.TYPE, causation_id=refused))[0].json()["reason_code"] \
        == "insufficient_availability"


async def test_I5_T4_a_refusal_explains_blocked_stock_and_stock_already_picked_for_the_demand(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    order = unique("SO")
    await journey.stock_up(item_no, [lot("L1", 10, SOON), lot("L2", 5, LATER)])

    # L2 is blocked in inventory (T4); the warehouse replicates the block.
    blocked = inv.BlockTracking(item_no=item_no, lot="L2", reason="lab test")
    block_id = await journey.kafka.send_command(INVENTORY_COMMANDS, blocked.TYPE, blocked.model_dump(mode="json"),
                                                key=blocked.kafka_key())
    await kafka.wait_for(type=inv.TrackingBlocked.TYPE, causation_id=block_id)
    await journey.warehouse.eventually(f"/items/{item_no}/blocked-tracking", lambda blocks: len(blocks) == 1)
    await journey.settled(item_no, blocked=5, available_to_reserve=10)

    # The order's pick takes 4 of L1 without any reservation (S2): 6 left for anyone else.
    shipment_no = await journey.shipment(order, (item_no, 4))
    assert allocated((await journey.pick(shipment_no))[item_no]) == [("P-01", "L1", D(4))]
    await journey.settled(item_no, on_picks_and_movements=4, available_to_reserve=6)

    # The order asks for 11: refused, and the numbers add up: 15 - 4 on picks - 5 blocked
    # + 4 already picked for this order = 10.
    refused = await journey.send_reserve(item_no, order, 11)
    [rejected] = await kafka.wait_for(type=inv.ReservationRejected.TYPE, causation_id=refused)
    breakdown = rejected.json()["breakdown"]
    assert {name: D(breakdown[name]) for name in ("inventory", "on_picks_and_movements", "blocked",
                                                  "own_allocation_not_reserved", "available_to_reserve")} == {
        "inventory": D(15), "on_picks_and_movements": D(4), "blocked": D(5), "own_allocation_not_reserved": D(4),
        "available_to_reserve": D(10)}
    assert adds_up(breakdown) and D(rejected.json()["available_quantity"]) == D(10)

    # 10 is granted (its 4 picked count toward it, once); the warehouse's replica holds the reservation.
    await journey.reserve(item_no, order, 10)
    await journey.settled(item_no, reserved=10, reserved_and_allocated_same_demand=4, available_to_reserve=0)


async def test_T1_resending_an_item_definition_is_confirmed_and_the_warehouse_replica_stays(stack, kafka):
    item_no = unique("ITEM")
    definition = inv.RegisterItem(item_no=item_no, base_unit="PCS", tracking_policy="serial", expiration_required=True)
    answers = []
    # The same definition, sent twice as two commands (a retry by the sender): both get the same answer.
    for _ in range(2):
        command_id = await kafka.send_command(INVENTORY_COMMANDS, definition.TYPE, definition.model_dump(mode="json"),
                                              key=item_no)
        [answer] = await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)
        answers.append(answer.json())
    assert answers[0] == answers[1] == {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "serial",
                                        "expiration_required": True, "strict_expiration": False,
                                        "warranty_formula": "",
                                        "rounding_precision": "1", "units": []}  # U1: serials are whole pieces
    warehouse = Warehouse(stack.warehouse.url, kafka)
    replica = await warehouse.eventually(f"/items/{item_no}/tracking", lambda answer: isinstance(answer, dict))
    assert (replica["tracking_policy"], replica["expiration_required"]) == ("serial", True)


# --- 2. availability through a real pick ------------------------------------------------------------
async def test_S2_I5_availability_drops_on_a_real_pick_stays_down_in_the_ship_bin_and_settles_after_posting(
        stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    reserved, unreserved = unique("SO-R"), unique("SO-U")
    await journey.stock_up(item_no, [lot("L1", 10, SOON)])

    # A demand reserves 4 (I3): 6 left.
    await journey.reserve(item_no, reserved, 4)
    await journey.settled(item_no, inventory=10, reserved=4, available_to_reserve=6)

    # A pick for a demand without reservation (S2): availability drops by its 2.
    shipment_u = await journey.shipment(unreserved, (item_no, 2))
    pick_u = (await journey.pick(shipment_u))[item_no]
    await journey.settled(item_no, on_picks_and_movements=2, available_to_reserve=4)

    # A pick for the reserved demand: its 4 are reserved AND on a pick, subtracted once (I5).
    shipment_r = await journey.shipment(reserved, (item_no, 4))
    pick_r = (await journey.pick(shipment_r))[item_no]
    row = await journey.settled(item_no, on_picks_and_movements=6)
    assert (row["reserved"], row["reserved_and_allocated_same_demand"], row["available_to_reserve"]) == ("4", "4", "4")

    # Registered: the stock waits in the ship bin (picked, not shipped), still counted once.
    await journey.register_all(pick_r)
    row = await journey.settled(item_no, on_picks_and_movements=2, in_outbound_bins=4)
    assert (row["reserved_and_allocated_same_demand"], row["available_to_reserve"]) == ("4", "4")
    assert adds_up(row)

    # Posted (S5): the reservation is consumed, the stock leaves the ledger and the ship bin; settled.
    [synchronized] = await journey.answered(await journey.post_shipment(shipment_r), inv.ReservationsSynchronized)
    assert (D(synchronized["consumed_reservation"]), D(synchronized["still_reserved"])) == (D(4), D(0))
    row = await journey.availability(item_no)
    assert {name: row[name] for name in ("inventory", "reserved", "in_outbound_bins", "on_picks_and_movements",
                                         "reserved_and_allocated_same_demand", "available_to_reserve")} == {
        "inventory": "6", "reserved": "0", "in_outbound_bins": "0", "on_picks_and_movements": "2",
        "reserved_and_allocated_same_demand": "0", "available_to_reserve": "4"}

    # The unreserved demand's pick goes the same way: nothing is left on picks or in outbound bins.
    await journey.register_all(pick_u)
    await journey.settled(item_no, on_picks_and_movements=0, in_outbound_bins=2, available_to_reserve=4)
    await journey.post_shipment(shipment_u)
    row = await journey.availability(item_no)
    assert (row["inventory"], row["on_picks_and_movements"], row["in_outbound_bins"], row["available_to_reserve"]) \
        == ("4", "0", "0", "4")
    # The warehouse's replica of the reservation went with it (I7 no longer holds anything back).
    await journey.warehouse.eventually(f"/locations/{journey.location}/items/{item_no}/demands", lambda d: d == [])


# --- 3. late binding through real picks --------------------------------------------------------------
async def test_S3_nonspecific_reservation_follows_the_lot_really_picked_and_shipping_consumes_it(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    order_a, order_b = unique("SO-A"), unique("SO-B")
    await journey.stock_up(item_no, [lot("L1", 5, SOON), lot("L2", 5, LATER)])

    # A and B reserve nonspecifically: A's promise sits on L1 (first in), B's on L2.
    await journey.reserve(item_no, order_a, 5)
    await journey.reserve(item_no, order_b, 5)
    assert (await journey.reserved_lots(order_a), await journey.reserved_lots(order_b)) == ({"L1": D(5)}, {"L2": D(5)})

    # The warehouse proposes L1 for A (FEFO); the picker scans L2 instead (W6, allowed: B's is nonspecific).
    shipment_a = await journey.shipment(order_a, (item_no, 5))
    created = (await journey.pick(shipment_a))[item_no]
    assert allocated(created) == [("P-01", "L1", D(5))]
    registered = await journey.register_pick(created["pick_no"], [{"line_no": 1, "quantity": "5", "lot": "L2"}])
    assert [(x["lot"], x["proposed_lot"]) for x in registered[0].json()["lines"]] == [("L2", "L1")]

    # S3: L2 is written on A's line, A's reservation follows it and B's takes the lot just freed.
    [recorded] = await journey.answered(registered, inv.PickedTrackingRecorded)
    assert (recorded["source_no"], recorded["lot"], D(recorded["picked_quantity"])) == (order_a, "L2", D(5))
    moves = await journey.answered(registered, inv.ReservationChanged, count=2)
    assert {(m["source_no"], m["from_lot"], m["to_lot"], m["reason"]) for m in moves} == {
        (order_a, "L1", "L2", "late_binding"), (order_b, "L2", "L1", "swapped_for_picked_lot")}
    assert (await journey.reserved_lots(order_a), await journey.reserved_lots(order_b)) == ({"L2": D(5)}, {"L1": D(5)})

    # Shipping A (S5) consumes A's reservation on the lot that left; B keeps L1, which is still there.
    [synchronized] = await journey.answered(await journey.post_shipment(shipment_a), inv.ReservationsSynchronized)
    assert (synchronized["lot"], D(synchronized["consumed_reservation"]), D(synchronized["still_reserved"])) == (
        "L2", D(5), D(0))
    assert (await journey.reserved_lots(order_a), await journey.reserved_lots(order_b)) == ({}, {"L1": D(5)})
    assert await journey.warehouse.content(journey.location, item_no=item_no) == {("P-01", "", "L1"): D(5)}
    row = await journey.availability(item_no)
    assert (row["inventory"], row["reserved"], row["available_to_reserve"]) == ("5", "5", "0")


async def test_S3_W6_a_lot_reserved_specifically_for_other_demand_is_never_taken_from_it(stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    order_a, order_b = unique("SO-A"), unique("SO-B")
    await journey.stock_up(item_no, [lot("L1", 5, SOON), lot("L2", 5, LATER)])

    # B reserves L2 specifically; A reserves nonspecifically (its promise sits on L1).
    await journey.reserve(item_no, order_b, 5, lot="L2")
    await journey.reserve(item_no, order_a, 5)

    # A's pick proposes L1; the picker scans B's L2: the warehouse refuses the registration (W6).
    shipment_a = await journey.shipment(order_a, (item_no, 5))
    created = (await journey.pick(shipment_a))[item_no]
    assert allocated(created) == [("P-01", "L1", D(5))]
    refusal = await journey.warehouse.refused(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [
        {"line_no": 1, "quantity": "5", "lot": "L2"}]})
    assert refusal["reason_code"] == "reserved_for_other_demand"
    assert await journey.warehouse.content(journey.location, item_no=item_no) == {
        ("P-01", "", "L1"): D(5), ("P-01", "", "L2"): D(5)}

    # Picked and shipped as proposed: A's reservation is consumed, B still holds L2.
    await journey.register_all(created)
    [synchronized] = await journey.answered(await journey.post_shipment(shipment_a), inv.ReservationsSynchronized)
    assert (synchronized["lot"], D(synchronized["consumed_reservation"])) == ("L1", D(5))
    assert (await journey.reserved_lots(order_a), await journey.reserved_lots(order_b)) == ({}, {"L2": D(5)})
    assert about(kafka, inv.ReservationConflict, item_no) == []


# --- 4. a reclassified lot shipped ------------------------------------------------------------------
async def test_S4_a_lot_reclassified_in_the_warehouse_is_adjusted_before_its_shipment_and_nothing_is_parked(
        stack, kafka):
    journey = await Journey(stack, kafka).start()
    item_no = await journey.item("lot", expiration_required=True)
    order = unique("SO")
    await journey.stock_up(item_no, [lot("L1", 10, SOON)])

    # W8: 4 of L1 relabelled L2 (dated sooner) in the warehouse; no ledger entry yet, the adjustment
    # bin holds +4 L1 and -4 L2, so lot L1 offers only 6 while the location still offers 10.
    await journey.run(wh.RegisterReclassification, {
        "document_no": unique("RCL"), "location_code": journey.location, "lines": [
            {"item_no": item_no, "from_bin": "P-01", "lot": "L1", "quantity": "4", "new_lot": "L2",
             "new_expiration": SOONEST.isoformat()}]}, wh.ReclassificationRegistered)
    row = await journey.until(lambda: journey.availability(item_no), lambda row: any(
        t["lot"] == "L1" and t["adjustment_bin_positive"] == "4" for t in row["tracking"]))
    assert row["available_to_reserve"] == "10"

    # The pick takes L2 (FEFO: it expires first) and the shipment is posted.
    shipment_no = await journey.shipment(order, (item_no, 4))
    created = (await journey.pick(shipment_no))[item_no]
    assert allocated(created) == [("P-01", "L2", D(4))]
    await journey.register_all(created)
    command_id = await journey.warehouse.send(wh.PostShipment, {"shipment_no": shipment_no})
    [shipped] = await journey.facts(command_id, wh.ShipmentPosted)

    # S4: the adjustment went first, on the same key, so the ledger knew L2 before the sale of L2.
    facts = kafka.matching(causation_id=command_id)
    assert [m.type for m in facts] == [wh.WarehouseAdjustmentPosted.TYPE, wh.ShipmentPosted.TYPE]
    assert facts[0].key == facts[1].key
    adjusted = await journey.answered(facts[:1], inv.LedgerEntriesPosted)
    [sale] = await journey.answered([shipped], inv.LedgerEntriesPosted)
    assert [(e["entry_type"], e["lot"], D(e["quantity"])) for e in adjusted[0]["entries"]] == [
        ("positive_adjustment", "L2", D(4)), ("negative_adjustment", "L1", D(-4))]
    assert [(e["entry_type"], e["lot"], D(e["quantity"])) for e in sale["entries"]] == [("sale", "L2", D(-4))]
    assert about(kafka, inv.PostingParked, item_no) == []

    # The ledger ends exactly right: nothing parked, the adjustment bin empty, both ledgers agree (S7).
    assert await journey.ledger(item_no) == [
        ("purchase", "", "L1", D(10), D(6)), ("positive_adjustment", "", "L2", D(4), D(0)),
        ("negative_adjustment", "", "L1", D(-4), D(0)), ("sale", "", "L2", D(-4), D(0))]
    assert await journey.inventory("/parked-postings", item_no=item_no) == []
    row = await journey.availability(item_no)
    assert (row["inventory"], row["adjustment_bin_positive"], row["available_to_reserve"]) == ("6", "0", "6")
    [report] = await journey.reconcile(1)
    assert report["differences"] == []


# --- 5. a full journey ends reconciled --------------------------------------------------------------
async def full_journey(journey: Journey) -> tuple[str, str]:
    """Receive lot- and serial-tracked items with expiration dates, put away, reserve, pick with a
    swapped lot, ship, find and lose stock, count, calculate. Returns (milk, vaccine)."""
    milk = await journey.item("lot", expiration_required=True, strict=True)
    vaccine = await journey.item("lot_and_serial", expiration_required=True)
    order = unique("SO")

    # Inbound (W2, S1): one receipt of both items, put away in the pick bins.
    receipt_no = unique("RC")
    await journey.run(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": journey.location, "source_no": unique("PO"), "lines": [
            {"line_no": 1, "source_line_no": 1, "item_no": milk, "quantity": "10"},
            {"line_no": 2, "source_line_no": 2, "item_no": vaccine, "quantity": "3"}]}, wh.ReceiptReleased)
    received = await journey.run(wh.PostReceipt, {"receipt_no": receipt_no, "lines": [
        {"line_no": 1, **lot("L1", 6, SOON)}, {"line_no": 1, **lot("L2", 4, LATER)},
        *({"line_no": 2, **serial(s, MUCH_LATER, "V1")} for s in ("S1", "S2", "S3"))]}, wh.ReceiptPosted, 2)
    await journey.answered(received, inv.LedgerEntriesPosted)
    await journey.run(wh.RegisterPutAway, {"put_away_no": received[0].json()["put_away_no"], "lines": [
        {"line_no": n, "quantity": "6" if n == 1 else "4" if n == 2 else "1", "place_bin": "P-01"}
        for n in range(1, 6)]}, wh.PutAwayRegistered, 2)

    # The order reserves both items (I3); the warehouse learns the totals (I7).
    await journey.reserve(milk, order, 5)
    await journey.reserve(vaccine, order, 1, line=2)

    # Outbound (W4-W6): the pick proposes L1 (FEFO) and S1; the picker takes 4 of L2 instead.
    shipment_no = await journey.shipment(order, (milk, 5), (vaccine, 1))
    created = await journey.pick(shipment_no, items=2)
    assert allocated(created[milk]) == [("P-01", "L1", D(5))]
    registered = await journey.register_pick(created[milk]["pick_no"], [
        {"line_no": 1, "quantity": "4", "lot": "L2"}, {"line_no": 1, "quantity": "1"},
        {"line_no": 2, "quantity": "1"}], items=2)
    await journey.answered(registered, inv.PickedTrackingRecorded)
    shipped = await journey.post_shipment(shipment_no, items=2)
    synchronized = await journey.answered(shipped, inv.ReservationsSynchronized)
    assert sum(D(s["consumed_reservation"]) for s in synchronized) == D(6)

    # W9: 2 of L1 found in P-02, serial S3 lost, and a count of P-01 that finds what it expects.
    await journey.run(wh.RegisterWarehouseAdjustment, {
        "document_no": unique("WJ"), "location_code": journey.location, "lines": [
            {"item_no": milk, "bin_code": "P-02", "lot": "L1", "quantity": "2"},
            {"item_no": vaccine, "bin_code": "P-01", "serial": "S3", "lot": "V1", "quantity": "-1"}]},
        wh.WarehouseAdjustmentRegistered, 2)
    counted = await journey.run(wh.RegisterPhysicalCount, {
        "document_no": unique("PC"), "location_code": journey.location, "lines": [
            {"item_no": milk, "bin_code": "P-01", "lot": "L1", "counted_quantity": "5"}]},
        wh.WarehouseAdjustmentRegistered)
    assert counted[0].json()["lines"] == []  # the count is confirmed, with nothing to adjust

    # W10: the adjustment bin goes to the item ledger.
    calculated = await journey.run(wh.CalculateWarehouseAdjustment, {
        "document_no": unique("WA"), "location_code": journey.location}, wh.WarehouseAdjustmentPosted, 2)
    await journey.answered(calculated, inv.LedgerEntriesPosted)
    return milk, vaccine


async def test_S7_a_full_journey_reconciles_without_difference_and_a_difference_is_listed(stack, kafka):
    journey = await Journey(stack, kafka).start()
    milk, vaccine = await full_journey(journey)

    # The ledger holds what the bins hold: milk 5 (received 10, shipped 5) + 2 found; vaccine S2 and S3 lost.
    assert await journey.warehouse.content(journey.location) == {
        ("P-01", "", "L1"): D(5), ("P-02", "", "L1"): D(2), ("P-01", "S2", "V1"): D(1)}
    assert sorted((e[2], e[0], e[4]) for e in await journey.ledger(milk) if e[4]) == [
        ("L1", "positive_adjustment", D(2)), ("L1", "purchase", D(5))]

    # S7: ReportBinTotals -> BinTotalsReported per item -> ReconciliationReported: no difference anywhere.
    reports = await journey.reconcile(2)
    assert {(r["item_no"], r["differences"] == []) for r in reports} == {(milk, True), (vaccine, True)}
    stored = await journey.inventory(f"/reconciliations/{reports[0]['request_id']}")
    assert (stored["complete"], stored["agreed"]) == (True, True)

    # A difference introduced on purpose: a receipt fact the warehouse never published reaches the ledger.
    stray = wh.ReceiptPosted(
        receipt_no=unique("STRAY"), put_away_no="", location_code=journey.location, item_no=milk, posting_date=TODAY,
        lines=(wh.PostedLineFact(document_line_no=1, source_type="purchase_order", source_no=unique("PO"),
                                 source_line_no=1, variant="", bin_code="R-01", lot="L2", expiration=LATER,
                                 quantity=D(3)),))
    stray_id = await kafka.send_command(WAREHOUSE_EVENTS, stray.TYPE, stray.model_dump(mode="json"),
                                        key=stray.kafka_key(), source="/warehouse")
    await kafka.wait_for(type=inv.LedgerEntriesPosted.TYPE, causation_id=stray_id)

    reports = {r["item_no"]: r for r in await journey.reconcile(2)}
    assert [(d["lot"], D(d["real_bins"]), D(d["adjustment_bin"]), D(d["ledger_inventory"]), D(d["difference"]))
            for d in reports[milk]["differences"]] == [("L2", D(0), D(0), D(3), D(-3))]
    assert reports[vaccine]["differences"] == []
    stored = await journey.inventory(f"/reconciliations/{reports[milk]['request_id']}")
    assert (stored["complete"], stored["agreed"]) == (True, False)


# --- 6. redelivery -----------------------------------------------------------------------------------
async def test_S6_redelivering_a_full_journeys_warehouse_facts_changes_nothing_twice(stack, kafka):
    journey = await Journey(stack, kafka).start()
    items = await full_journey(journey)
    books = {item_no: (await journey.ledger(item_no), await journey.availability(item_no)) for item_no in items}
    facts = [m for m in kafka.received if m.topic == WAREHOUSE_EVENTS
             and payload(m).get("location_code") == journey.location]
    answers = {m.headers["ce_id"]: len(kafka.matching(topic=INVENTORY_EVENTS, causation_id=m.headers["ce_id"]))
               for m in facts}
    assert sum(answers.values()) > 10

    # Every warehouse fact of the journey is delivered again, same ce_id, key and headers.
    for fact in facts:
        await kafka.send(WAREHOUSE_EVENTS, fact.value, [(k, v.encode()) for k, v in fact.headers.items()], fact.key)

    # A last fact on each item's key proves inventory got past every redelivered one; nothing changed twice.
    reports = await journey.reconcile(2)
    assert all(report["differences"] == [] for report in reports)
    for item_no, (ledger, availability) in books.items():
        assert await journey.ledger(item_no) == ledger
        assert await journey.availability(item_no) == availability
    assert {ce_id: len(kafka.matching(topic=INVENTORY_EVENTS, causation_id=ce_id)) for ce_id in answers} == answers
