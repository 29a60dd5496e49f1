"""Reservations over real Kafka and PostgreSQL: promised never beyond availability (I3-I7, T4).

A plain client publishes the commands and plays the warehouse (its facts), and reads the
inventory service's facts and read API.
"""

import pytest

from contracts import inventory as inv
from tests.support.inventory import q

UNTRACKED = pytest.mark.parametrize("journey", ["none"], indirect=True)


@UNTRACKED
async def test_I5_worked_example_two_demands_take_all_110_and_a_third_is_refused_with_the_numbers(journey):
    # 110 on inventory (the warehouse holds 100 in pick bins and 10 in the receive bin).
    await journey.answer(await journey.receive("R-1", ("", 110)), inv.LedgerEntriesPosted)

    # Two demands reserve all of it; each one's total is published for the warehouse (I7).
    first = await journey.reserve("SO-1", 60)
    second = await journey.reserve("SO-2", 50)
    [granted] = await journey.answer(first, inv.ReservationCreated)
    await journey.answer(second, inv.ReservationCreated)
    [total] = await journey.answer(first, inv.DemandReservationChanged)
    assert (q(granted["quantity"]), q(total["reserved"]), total["lot"]) == (q(60), q(60), "")
    assert (await journey.availability())["available_to_reserve"] == "0"

    # A third is refused with the breakdown, and as every refused command, with CommandRejected.
    third = await journey.reserve("SO-3", 1)
    [rejected] = await journey.answer(third, inv.ReservationRejected)
    [command_rejected] = await journey.answer(third, inv.CommandRejected)
    breakdown = {name: q(value) for name, value in rejected["breakdown"].items()}
    assert breakdown["inventory"] == q(110) and breakdown["reserved"] == q(110)
    assert (breakdown["available_to_reserve"], q(rejected["available_quantity"])) == (q(0), q(0))
    assert rejected["command_id"] == third and rejected["reason_code"] == "insufficient_availability"
    assert command_rejected["reason_code"] == "insufficient_availability"
    assert len(await journey.get(f"/items/{journey.item_no}/reservations")) == 2


@UNTRACKED
async def test_I5_partial_request_is_granted_what_is_left_with_the_numbers_that_explain_the_rest(journey):
    await journey.answer(await journey.receive("R-1", ("", 15)), inv.LedgerEntriesPosted)
    await journey.reserved("SO-0", 5)

    created = await journey.reserved("SO-1", 15, allow_partial=True)

    assert (q(created["quantity"]), q(created["requested_quantity"])) == (q(10), q(15))
    explained = {name: q(value) for name, value in created["breakdown"].items()}
    assert (explained["inventory"], explained["reserved"], explained["available_to_reserve"]) == (q(15), q(5), q(10))


async def test_I4_reservation_naming_a_bin_or_zone_is_refused(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 5)), inv.LedgerEntriesPosted)

    refused = await journey.reserve("SO-1", 1, bin_code="P-01")

    [rejected] = await journey.answer(refused, inv.ReservationRejected)
    assert rejected["reason_code"] == "reservation_below_location_level" and rejected["breakdown"] is None
    await journey.answer(refused, inv.CommandRejected)
    assert await journey.available() == q(5)


async def test_I3_I6_specific_reservation_is_re_numbered_reduced_and_cancelled_on_request(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 5), ("L2", 5)), inv.LedgerEntriesPosted)
    await journey.reserved("SO-1", 4, lot="L1")  # specific (I3)
    demand = journey.demand("SO-1")

    # I6: the order now wants lot L2, which is available: the reservation moves.
    moved = await journey.command(
        inv.ChangeReservationTracking(**demand, **journey.stock(), lot="L1", new_lot="L2")
    )
    [changed] = await journey.answer(moved, inv.ReservationChanged)
    assert (changed["from_lot"], changed["to_lot"], q(changed["quantity"])) == ("L1", "L2", q(4))

    # I6: reduced by 1, then cancelled; the stock is available again.
    reduced = await journey.command(inv.ReduceReservation(**demand, **journey.stock(), quantity=q(1)))
    [cancelled] = await journey.answer(reduced, inv.ReservationCancelled)
    assert (cancelled["reason"], q(cancelled["quantity"]), cancelled["lot"]) == ("reduced", q(1), "L2")
    cancel = await journey.command(inv.CancelReservation(**demand, **journey.stock()))
    [cancelled] = await journey.answer(cancel, inv.ReservationCancelled)
    totals = await journey.answer(cancel, inv.DemandReservationChanged, count=2)
    assert (cancelled["reason"], q(cancelled["quantity"])) == ("cancelled", q(3))
    # I7: nothing reserved any more at the location, nor specifically on lot L2.
    assert {(total["lot"], q(total["reserved"])) for total in totals} == {("", q(0)), ("L2", q(0))}
    assert await journey.available() == q(10)


async def test_I6_deleting_the_demand_line_cancels_its_reservations_and_assignments(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 5)), inv.LedgerEntriesPosted)
    demand = journey.demand("SO-1")
    await journey.reserved("SO-1", 2)
    assigned = await journey.command(inv.AssignTracking(**demand, **journey.stock(), lot="L1", quantity=q(2)))
    await journey.answer(assigned, inv.TrackingAssigned)

    deleted = await journey.command(inv.DeleteDemandLine(**demand, **journey.stock()))

    [cancelled] = await journey.answer(deleted, inv.ReservationCancelled)
    assert cancelled["reason"] == "demand_line_deleted"
    line = await journey.get("/demands/sales_order/{source_no}/1".format(**demand))
    assert line == {"reservations": [], "tracking": []}


async def test_T4_a_blocked_lot_is_not_reservable_and_its_reservations_move_away(journey):
    await journey.answer(await journey.receive("R-1", ("L1", 5), ("L2", 5)), inv.LedgerEntriesPosted)
    await journey.reserved("SO-1", 3)  # nonspecific: sits on L1, first in

    blocked = await journey.command(inv.BlockTracking(item_no=journey.item_no, lot="L1", reason="recall"))

    [fact] = await journey.answer(blocked, inv.TrackingBlocked)
    [moved] = await journey.answer(blocked, inv.ReservationChanged)
    assert (fact["lot"], fact["reason"]) == ("L1", "recall")
    assert (moved["from_lot"], moved["to_lot"], moved["reason"]) == ("L1", "L2", "tracking_blocked")
    row = await journey.availability()
    assert (row["blocked"], row["available_to_reserve"]) == ("5", "2")
    assert {t["lot"]: t["is_blocked"] for t in row["tracking"]} == {"L1": True, "L2": False}
    refused = await journey.reserve("SO-2", 1, lot="L1")
    [rejected] = await journey.answer(refused, inv.CommandRejected)
    assert rejected["reason_code"] == "tracking_blocked"

    # Unblocked, the lot is reservable again.
    unblocked = await journey.command(inv.UnblockTracking(item_no=journey.item_no, lot="L1"))
    await journey.answer(unblocked, inv.TrackingUnblocked)
    assert await journey.available() == q(7)
