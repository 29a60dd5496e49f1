"""Pick proposals over Kafka (W5, T4-T6, I7), registering picks (W6, W11) and posting what was picked (W4).

Reservations, tracking assignments and blocks belong to the inventory service; the warehouse replicates
them from `inventory.events.v1`. Here the plain client publishes those facts itself."""

from decimal import Decimal

import asyncpg

from contracts import inventory as inv
from contracts import warehouse as wh
from tests.support.ids import unique
from tests.support.warehouse import LATER, MUCH_LATER, SOON, YESTERDAY, Warehouse, lot

D = Decimal


def taken(pick_created: dict) -> list[tuple[str, str, Decimal]]:
    return [(x["take_bin"], x["lot"], D(x["quantity"])) for x in pick_created["lines"]]


async def lot_item(warehouse: Warehouse, strict_expiration: bool = False) -> tuple[str, str]:
    item_no, loc = unique("MILK"), unique("WH")
    await warehouse.register_item(item_no, "lot", expiration_required=True, strict_expiration=strict_expiration)
    await warehouse.configure(loc)
    return item_no, loc


async def test_T6_fefo_picks_earliest_expiry_then_lowest_lot(warehouse: Warehouse):
    milk, loc = await lot_item(warehouse)
    await warehouse.stock_up(loc, milk, [lot("L9", 4, LATER)], bin_code="P-01")
    await warehouse.stock_up(loc, milk, [lot("L5", 4, LATER), lot("L7", 4, SOON)], bin_code="P-02")
    shipment_no = await warehouse.shipment(loc, milk, 10)

    preview = await warehouse.get(f"/shipments/{shipment_no}/pick-proposal")
    created = await warehouse.pick(shipment_no)

    assert taken(created) == [("P-02", "L7", D(4)), ("P-02", "L5", D(4)), ("P-01", "L9", D(2))]
    assert [(x["take_bin"], x["lot"], D(x["quantity"])) for x in preview["lines"]] == taken(created)


async def test_T5_strict_expiration_excludes_expired_lots(warehouse: Warehouse):
    milk, loc = await lot_item(warehouse, strict_expiration=True)
    await warehouse.stock_up(loc, milk, [lot("OLD", 5, YESTERDAY), lot("NEW", 5, SOON)])
    shipment_no = await warehouse.shipment(loc, milk, 8)

    created = await warehouse.pick(shipment_no)

    assert taken(created) == [("P-01", "NEW", D(5))]
    line = (await warehouse.get(f"/documents/shipment/{shipment_no}"))["lines"][0]
    assert (line["quantity_on_pick"], line["quantity_outstanding"]) == ("5", "8")


async def test_W5_blocked_and_dedicated_bins_are_skipped(warehouse: Warehouse):
    bolt, loc = unique("BOLT"), unique("WH")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc, {"code": "OUT", "zone": "STORE", "types": ["pick"], "block_movement": "outbound"},
                              {"code": "DED", "zone": "STORE", "types": ["pick"], "ranking": 99, "dedicated": True})
    for bin_code, quantity in (("OUT", 5), ("DED", 5), ("P-01", 3)):
        await warehouse.stock_up(loc, bolt, [lot("", quantity)], bin_code=bin_code)

    created = await warehouse.pick(await warehouse.shipment(loc, bolt, 20))

    assert taken(created) == [("P-01", "", D(3))]


async def test_T4_blocked_lot_is_not_picked(warehouse: Warehouse):
    milk, loc = await lot_item(warehouse)
    await warehouse.stock_up(loc, milk, [lot("L1", 5, SOON), lot("L2", 5, LATER)])
    await warehouse.publish_inventory_fact(inv.TrackingBlocked(item_no=milk, lot="L1", reason="lab test"))
    await warehouse.eventually(f"/items/{milk}/blocked-tracking", lambda blocks: len(blocks) == 1)
    shipment_no = await warehouse.shipment(loc, milk, 4)

    assert taken(await warehouse.pick(shipment_no)) == [("P-01", "L2", D(4))]

    # Unblocked, L1 is the first to expire again.
    await warehouse.publish_inventory_fact(inv.TrackingUnblocked(item_no=milk, lot="L1"))
    await warehouse.eventually(f"/items/{milk}/blocked-tracking", lambda blocks: blocks == [])
    preview = await warehouse.get(f"/shipments/{await warehouse.shipment(loc, milk, 2)}/pick-proposal")
    assert [(x["lot"], x["quantity"]) for x in preview["lines"]] == [("L1", "2")]


async def test_I7_pick_is_limited_by_reservations_of_other_demand(warehouse: Warehouse):
    bolt, loc, theirs, mine = unique("BOLT"), unique("WH"), unique("SO"), unique("SO")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc)
    await warehouse.stock_up(loc, bolt, [lot("", 10)])
    await warehouse.publish_inventory_fact(inv.DemandReservationChanged(
        source_no=theirs, source_line_no=1, item_no=bolt, location_code=loc, reserved=D(7)))
    await warehouse.eventually(f"/locations/{loc}/items/{bolt}/demands", lambda demands: len(demands) == 1)

    created = await warehouse.pick(await warehouse.shipment(loc, bolt, 5, source_no=mine))

    assert taken(created) == [("P-01", "", D(3))]


async def test_W5_lot_assigned_to_the_demand_is_picked_first(warehouse: Warehouse):
    milk, loc, order = *await lot_item(warehouse), unique("SO")
    await warehouse.stock_up(loc, milk, [lot("L1", 5, SOON), lot("L2", 5, LATER)])
    await warehouse.publish_inventory_fact(inv.TrackingAssigned(
        source_no=order, source_line_no=1, item_no=milk, location_code=loc, serial="", lot="L2", quantity=D(2)))
    await warehouse.eventually(f"/locations/{loc}/items/{milk}/demands", lambda demands: len(demands) == 1)

    created = await warehouse.pick(await warehouse.shipment(loc, milk, 4, source_no=order))

    assert taken(created) == [("P-01", "L2", D(2)), ("P-01", "L1", D(2))]


async def test_W6_swapped_lot_reserved_specifically_for_other_demand_is_refused(warehouse: Warehouse):
    milk, loc, theirs = *await lot_item(warehouse), unique("SO")
    await warehouse.stock_up(loc, milk, [lot("L1", 5, SOON), lot("L2", 3, LATER)])
    for reserved_lot in ("", "L2"):  # their total, and the part that names L2
        await warehouse.publish_inventory_fact(inv.DemandReservationChanged(
            source_no=theirs, source_line_no=1, item_no=milk, location_code=loc, lot=reserved_lot, reserved=D(3)))
    await warehouse.eventually(f"/locations/{loc}/items/{milk}/demands", lambda demands: len(demands) == 2)
    created = await warehouse.pick(await warehouse.shipment(loc, milk, 2))

    refusal = await warehouse.refused(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [
        {"line_no": 1, "quantity": "2", "lot": "L2"}]})

    assert taken(created) == [("P-01", "L1", D(2))]
    assert refusal["reason_code"] == "reserved_for_other_demand"


async def test_W6_lots_swapped_across_lines_in_one_registration_are_accepted(warehouse: Warehouse):
    milk, loc = await lot_item(warehouse)
    await warehouse.stock_up(loc, milk, [lot("L1", 4, SOON), lot("L2", 4, LATER), lot("L3", 4, MUCH_LATER)])
    created = await warehouse.pick(await warehouse.shipment(loc, milk, 8))
    assert taken(created) == [("P-01", "L1", D(4)), ("P-01", "L2", D(4))]

    # Line 1 takes L3, which frees L1 for line 2: judged as a whole, as two commands would be.
    [registered] = await warehouse.run(wh.RegisterPick, {"pick_no": created["pick_no"], "lines": [
        {"line_no": 1, "quantity": "4", "lot": "L3"}, {"line_no": 2, "quantity": "4", "lot": "L1"}]},
        wh.PickRegistered)

    assert sorted((line["lot"], line["proposed_lot"]) for line in registered["lines"]) == [("L1", "L2"), ("L3", "L1")]
    assert await warehouse.content(loc) == {("P-01", "", "L2"): D(4), ("S-01", "", "L1"): D(4),
                                            ("S-01", "", "L3"): D(4)}


async def test_I7_a_pick_right_after_a_shipment_counts_what_that_shipment_consumed_of_its_reservation(
        warehouse: Warehouse, stack):
    bolt, loc, order_a = unique("BOLT"), unique("WH"), unique("SO")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc)
    await warehouse.stock_up(loc, bolt, [lot("", 12)])
    # Order A has 8 reserved (as the inventory published it) and ships 4 of them.
    await warehouse.publish_inventory_fact(inv.DemandReservationChanged(
        source_no=order_a, source_line_no=1, item_no=bolt, location_code=loc, reserved=D(8)))
    await warehouse.eventually(f"/locations/{loc}/items/{bolt}/demands", lambda demands: len(demands) == 1)
    shipment_a = await warehouse.shipment(loc, bolt, 4, source_no=order_a)
    pick_a = await warehouse.pick(shipment_a)
    await warehouse.run(wh.RegisterPick, {"pick_no": pick_a["pick_no"], "lines": [
        {"line_no": 1, "quantity": "4"}]}, wh.PickRegistered)
    shipped = await warehouse.send(wh.PostShipment, {"shipment_no": shipment_a})
    [posted] = await warehouse.kafka.wait_for(type=wh.ShipmentPosted.TYPE, causation_id=shipped)

    # Before the inventory has said A's reservation is down to 4: another order gets the 4 that A does not
    # still hold (8 in stock - 4 A still needs), not 0 (8 - the 8 the replica still shows).
    created = await warehouse.pick(await warehouse.shipment(loc, bolt, 8))
    assert taken(created) == [("P-01", "", D(4))]

    # The inventory's answer to that shipment fact replaces the discount with its own figure.
    await warehouse.publish_inventory_fact(inv.DemandReservationChanged(
        source_no=order_a, source_line_no=1, item_no=bolt, location_code=loc, reserved=D(4)),
        caused_by=posted.headers["ce_id"])
    await warehouse.eventually(f"/locations/{loc}/items/{bolt}/demands",
                               lambda demands: Decimal(demands[0]["reserved"]) == D(4))
    conn = await asyncpg.connect(stack.warehouse_db)
    try:
        waiting = await conn.fetchval("SELECT count(*) FROM shipment_consumption WHERE $1 = ANY(fact_ids)",
                                      posted.headers["ce_id"])
    finally:
        await conn.close()
    assert waiting == 0


async def test_W11_partial_pick_leaves_the_rest_open_and_W4_ships_only_what_was_picked(warehouse: Warehouse):
    bolt, loc = unique("BOLT"), unique("WH")
    await warehouse.register_item(bolt, "none")
    await warehouse.configure(loc)
    await warehouse.stock_up(loc, bolt, [lot("", 5)])
    shipment_no = await warehouse.shipment(loc, bolt, 5)
    pick_no = (await warehouse.pick(shipment_no))["pick_no"]

    # 2 of 5 picked: the pick line stays open with 3 outstanding.
    await warehouse.run(wh.RegisterPick, {"pick_no": pick_no, "lines": [{"line_no": 1, "quantity": "2"}]},
                        wh.PickRegistered)
    pick = await warehouse.get(f"/documents/pick/{pick_no}")
    assert (pick["is_open"], pick["lines"][0]["quantity_handled"], pick["lines"][0]["quantity_outstanding"]) == (
        True, "2", "3")
    assert await warehouse.content(loc) == {("P-01", "", ""): D(3), ("S-01", "", ""): D(2)}

    # The rest is cancelled: its allocation is released and the shipment line may be picked anew.
    [cancelled] = await warehouse.run(wh.CancelPick, {"pick_no": pick_no}, wh.PickCancelled)
    assert [(x["line_no"], D(x["quantity"])) for x in cancelled["lines"]] == [(1, D(3))]
    line = (await warehouse.get(f"/documents/shipment/{shipment_no}"))["lines"][0]
    assert (line["quantity_on_pick"], [p["quantity"] for p in line["picked"]]) == ("0", ["2"])

    # Only what was picked can ship.
    too_much = await warehouse.refused(wh.PostShipment, {"shipment_no": shipment_no,
                                                         "lines": [{"line_no": 1, "quantity": "3"}]})
    assert too_much["reason_code"] == "shipment_exceeds_picked"
    [shipped] = await warehouse.run(wh.PostShipment, {"shipment_no": shipment_no}, wh.ShipmentPosted)
    assert [D(x["quantity"]) for x in shipped["lines"]] == [D(2)]
