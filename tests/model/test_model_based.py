"""Model-based tests: random sequences of commands against the REAL services, checked against reference.py.

Hypothesis draws a sequence of intents (receive, move, reclassify, found/lost stock, calculate the
adjustment, reserve, release a shipment, pick, register the pick possibly of another lot, ship);
each is turned into concrete commands valid for the model's current state (or skipped), sent over
Kafka, and every fact it causes is compared with what the model decided. After every step the
services must agree with the model in full: bin contents with the adjustment bin (W1), the item
ledger per lot and availability with its breakdown (I5, I8), reservations per demand (I3) and the
warehouse's replica of them (I7), and a reconciliation (S7) that shows no difference.

CI form: 15 sequences of up to 15 steps (HYPOTHESIS_MODEL_EXAMPLES to change). Each sequence has
its own item and location, so sequences never see each other.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections import defaultdict
from decimal import Decimal

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from tests.benchmarks.wire import Fact, Wire
from tests.model.reference import ADJ, PICK_BINS, STORAGE_BINS, ZERO, Model, PickLine

D = Decimal
LOTS = ("L1", "L2", "L3", "L4")
REFUSALS = {wh.CommandRejected.TYPE, inv.CommandRejected.TYPE}
EXAMPLES = int(os.environ.get("HYPOTHESIS_MODEL_EXAMPLES", "15"))


def layout(code: str) -> dict:
    return {"location_code": code, "zones": [{"code": "DOCK"}, {"code": "STORE"}, {"code": "VIRTUAL"}],
            "bins": [{"code": "R-01", "zone": "DOCK", "types": ["receive"]},
                     {"code": "S-01", "zone": "DOCK", "types": ["ship"]},
                     {"code": "P-01", "zone": "STORE", "types": ["put_away", "pick"], "ranking": 10},
                     {"code": "P-02", "zone": "STORE", "types": ["put_away", "pick"], "ranking": 20},
                     {"code": "QC", "zone": "STORE", "types": []},
                     {"code": ADJ, "zone": "VIRTUAL", "types": []}],
            "receive_bin": "R-01", "ship_bin": "S-01", "adjustment_bin": ADJ, "pick_by_fefo": False}


class Disagreement(AssertionError):
    pass


class Sequence:
    """One hypothesis example: a fresh item and location, the model, and the commands that drive both."""

    def __init__(self, wire: Wire, warehouse_url: str, inventory_url: str) -> None:
        self.wire = wire
        self.wh_url, self.inv_url = warehouse_url, inventory_url
        tag = uuid.uuid4().hex[:8]
        self.item, self.location, self.tag = f"MB-{tag}", f"MBL-{tag}", tag
        self.model = Model()
        self.counter = 0
        self.trace: list[str] = []

    def number(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.tag}-{self.counter}"

    # --- commands and their facts -------------------------------------------------------------------
    async def send(self, topic: str, model: type, data: dict, wait_for: dict[str, int], refusal_expected=False,
                   timeout: float = 30.0) -> dict[str, list[dict]]:
        """Publish; wait for `wait_for` (type -> count) facts it caused, or for a refusal. Returns the facts by type."""
        ce_id = str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        caused: dict[str, dict[str, dict]] = defaultdict(dict)

        def route(fact: Fact) -> None:
            caused[fact[0]][fact[2]["ce_id"]] = json.loads(fact[1])
            if done.done():
                return
            if fact[0] in REFUSALS or all(len(caused[t]) >= n for t, n in wait_for.items()):
                done.set_result(None)

        self.wire.on_caused_by(ce_id, route)
        try:
            await self.wire.send(topic, model.TYPE, data, "|".join(str(data[k]) for k in model.KEY), ce_id=ce_id)
            try:
                await asyncio.wait_for(done, timeout)
            except TimeoutError:
                raise Disagreement(f"{model.TYPE} {data}: no {wait_for} within {timeout}s, got "
                                   f"{ {t: len(v) for t, v in caused.items()} }") from None
            if wait_for and not refusal_expected:
                await asyncio.sleep(0)  # facts of one batch arrive together
        finally:
            self.wire.forget(ce_id)
        facts = {t: list(v.values()) for t, v in caused.items()}
        refused = [f for t in REFUSALS for f in facts.get(t, [])]
        if refused and not refusal_expected:
            raise Disagreement(f"{model.TYPE} {data} was refused, the model accepts it: {refused}")
        if refusal_expected and not refused:
            raise Disagreement(f"{model.TYPE} {data} was carried out, the model refuses it: {facts}")
        return facts

    async def warehouse(self, model: type, data: dict, answer: type, count: int = 1, **kw) -> dict[str, list[dict]]:
        return await self.send(WAREHOUSE_COMMANDS, model, data, {answer.TYPE: count} if answer else {}, **kw)

    async def caused_by(self, ce_id: str, answer: str, timeout: float = 30.0) -> dict:
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def route(fact: Fact) -> None:
            if fact[0] == answer and not done.done():
                done.set_result(json.loads(fact[1]))

        self.wire.on_caused_by(ce_id, route)
        try:
            return await asyncio.wait_for(done, timeout)
        finally:
            self.wire.forget(ce_id)

    # --- set-up ---------------------------------------------------------------------------------------
    async def setup(self) -> None:
        await self.send(INVENTORY_COMMANDS, inv.RegisterItem, {
            "item_no": self.item, "base_unit": "PCS", "tracking_policy": "lot"}, {inv.ItemRegistered.TYPE: 1})
        await self.warehouse(wh.ConfigureLocation, layout(self.location), wh.LocationConfigured)
        await self.until(self.wh_url, f"/items/{self.item}/tracking", lambda answer: True)
        await self.until(self.inv_url, "/locations", lambda rows: self.location in {r["location_code"] for r in rows})

    async def until(self, url: str, path: str, holds, timeout: float = 20.0, **params) -> object:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            while True:
                answer = await client.get(path, params=params)
                if answer.status_code == 200 and holds(answer.json()):
                    return answer.json()
                if time.monotonic() > deadline:
                    raise Disagreement(f"GET {path} {params} never agreed with the model; last: {answer.text[:800]}")
                await asyncio.sleep(0.05)

    # --- the intents ----------------------------------------------------------------------------------
    async def step(self, intent: tuple) -> None:
        kind, *args = intent
        done = await getattr(self, f"do_{kind}")(*args)
        if done:
            self.trace.append(done)
            await self.agree()

    def stored(self) -> list[tuple[str, str]]:
        """(bin, lot) of free stored stock, in a stable order."""
        return [(b, lot) for b in STORAGE_BINS for lot in self.model.lots() if self.model.free(b, lot) > 0]

    async def do_receive(self, lot_index: int, quantity: int, bin_code: str) -> str:
        lot, q, m = LOTS[lot_index], D(quantity), self.model
        receipt = self.number("RC")
        await self.warehouse(wh.ReleaseInboundRequest, {
            "receipt_no": receipt, "location_code": self.location, "source_no": self.number("PO"),
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": self.item, "quantity": str(q)}]},
            wh.ReceiptReleased)
        facts = await self.warehouse(wh.PostReceipt, {"receipt_no": receipt, "put_away_no": f"{receipt}-PA",
                                                      "lines": [{"line_no": 1, "lot": lot, "quantity": str(q)}]},
                                     wh.ReceiptPosted)
        [posted] = facts[wh.ReceiptPosted.TYPE]
        self.expect([(x["lot"], D(x["quantity"]), x["bin_code"]) for x in posted["lines"]], [(lot, q, "R-01")],
                    "ReceiptPosted lines")
        facts = await self.warehouse(wh.RegisterPutAway, {"put_away_no": f"{receipt}-PA", "lines": [
            {"line_no": 1, "quantity": str(q), "place_bin": bin_code}]}, wh.PutAwayRegistered)
        [stored] = facts[wh.PutAwayRegistered.TYPE]
        self.expect([(x["lot"], D(x["quantity"]), x["take_bin"], x["place_bin"]) for x in stored["lines"]],
                    [(lot, q, "R-01", bin_code)], "PutAwayRegistered lines")
        m.receive(lot, q, bin_code)
        return f"receive {q} of {lot} into {bin_code}"

    async def do_move(self, choice: int, quantity: int) -> str | None:
        stored = self.stored()
        if not stored:
            return None
        from_bin, lot = stored[choice % len(stored)]
        to_bin = [b for b in STORAGE_BINS if b != from_bin][choice % 2]
        q = min(D(quantity), self.model.free(from_bin, lot))
        movement = self.number("MV")
        # No fact answers a created movement; create and register share the key (the movement number), so the
        # warehouse handles them in this order, and a refused creation shows as a refused registration.
        await self.wire.send(WAREHOUSE_COMMANDS, wh.CreateMovement.TYPE, {
            "movement_no": movement, "location_code": self.location,
            "lines": [{"item_no": self.item, "from_bin": from_bin, "to_bin": to_bin, "lot": lot, "quantity": str(q)}]},
            movement)
        facts = await self.warehouse(wh.RegisterMovement, {"movement_no": movement, "lines": [
            {"line_no": 1, "quantity": str(q)}]}, wh.MovementRegistered)
        [moved] = facts[wh.MovementRegistered.TYPE]
        self.expect([(x["lot"], D(x["quantity"]), x["take_bin"], x["place_bin"]) for x in moved["lines"]],
                    [(lot, q, from_bin, to_bin)], "MovementRegistered lines")
        self.model.move(from_bin, to_bin, lot, q)
        return f"move {q} of {lot} {from_bin} -> {to_bin}"

    async def do_reclassify(self, choice: int, quantity: int, new_lot_index: int) -> str | None:
        stored = self.stored()
        if not stored:
            return None
        bin_code, lot = stored[choice % len(stored)]
        new_lot = LOTS[new_lot_index] if LOTS[new_lot_index] != lot else LOTS[(new_lot_index + 1) % len(LOTS)]
        q = min(D(quantity), self.model.free(bin_code, lot))
        facts = await self.warehouse(wh.RegisterReclassification, {
            "document_no": self.number("RCL"), "location_code": self.location, "lines": [
                {"item_no": self.item, "from_bin": bin_code, "lot": lot, "quantity": str(q), "new_lot": new_lot}]},
            wh.ReclassificationRegistered)
        [fact] = facts[wh.ReclassificationRegistered.TYPE]
        self.expect([(x["from_lot"], x["to_lot"], x["from_bin"], x["to_bin"], D(x["quantity"])) for x in fact["lines"]],
                    [(lot, new_lot, bin_code, bin_code, q)], "ReclassificationRegistered lines")
        self.model.reclassify(bin_code, lot, new_lot, q)
        return f"reclassify {q} of {lot} in {bin_code} as {new_lot}"

    async def _adjust(self, bin_code: str, lot: str, q: Decimal) -> None:
        facts = await self.warehouse(wh.RegisterWarehouseAdjustment, {
            "document_no": self.number("ADJ"), "location_code": self.location,
            "lines": [{"item_no": self.item, "bin_code": bin_code, "lot": lot, "quantity": str(q)}]},
            wh.WarehouseAdjustmentRegistered)
        [fact] = facts[wh.WarehouseAdjustmentRegistered.TYPE]
        self.expect([(x["lot"], x["bin_code"], D(x["quantity"])) for x in fact["lines"]], [(lot, bin_code, q)],
                    "WarehouseAdjustmentRegistered lines")
        self.model.adjust(bin_code, lot, q)

    async def do_found(self, lot_index: int, quantity: int, bin_code: str) -> str:
        await self._adjust(bin_code, LOTS[lot_index], D(quantity))
        return f"found {quantity} of {LOTS[lot_index]} in {bin_code}"

    async def do_lost(self, choice: int, quantity: int) -> str | None:
        """Only what nobody has promised: no reservation has to be cancelled (see reference.py)."""
        stored = self.stored()
        room = self.model.breakdown()["available_to_reserve"]
        if not stored or room <= 0:
            return None
        bin_code, lot = stored[choice % len(stored)]
        q = min(D(quantity), self.model.free(bin_code, lot), room)
        await self._adjust(bin_code, lot, -q)
        return f"lost {q} of {lot} in {bin_code}"

    async def do_calculate(self) -> str | None:
        if not any(self.model.adjustment.values()):
            return None
        facts = await self.warehouse(wh.CalculateWarehouseAdjustment, {
            "document_no": self.number("CALC"), "location_code": self.location, "item_nos": [self.item]},
            wh.WarehouseAdjustmentPosted)
        [fact] = facts[wh.WarehouseAdjustmentPosted.TYPE]
        expected = self.model.post_adjustment()
        self.expect({x["lot"]: D(x["quantity"]) for x in fact["lines"]}, expected, "WarehouseAdjustmentPosted lines")
        return f"calculate adjustment {expected}"

    async def do_reserve(self, choice: int, quantity: int) -> str:
        m = self.model
        open_demands = [s.demand for s in m.shipments.values() if not s.posted]
        demand = (open_demands + [self.number("SO-R")])[choice % (len(open_demands) + 1)]
        q = D(quantity)
        available = m.available_to_reserve(demand)
        grant = m.reserve(demand, q)
        facts = await self.send(INVENTORY_COMMANDS, inv.Reserve, {
            "source_type": "sales_order", "source_no": demand, "source_line_no": 1, "item_no": self.item,
            "location_code": self.location, "quantity": str(q)},
            {inv.ReservationCreated.TYPE: 1} if grant else {inv.ReservationRejected.TYPE: 1},
            refusal_expected=not grant)
        if grant:
            [created] = facts[inv.ReservationCreated.TYPE]
            self.expect(D(created["quantity"]), q, "ReservationCreated quantity")
        else:
            [rejected] = facts[inv.ReservationRejected.TYPE]
            if rejected.get("available_quantity") is not None:
                # Raw, as the breakdown says: picks of found stock not yet posted (W10) can make it negative.
                self.expect(D(rejected["available_quantity"]), available, "ReservationRejected available")
        return f"reserve {q} for {demand}: {'granted' if grant else 'refused'} (available {available})"

    async def do_release(self, quantity: int) -> str:
        shipment, demand = self.number("SH"), self.number("SO")
        facts = await self.warehouse(wh.ReleaseOutboundRequest, {
            "shipment_no": shipment, "location_code": self.location, "source_no": demand,
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": self.item, "quantity": str(quantity)}]},
            wh.ShipmentReleased)
        [fact] = facts[wh.ShipmentReleased.TYPE]
        self.expect(D(fact["lines"][0]["quantity"]), D(quantity), "ShipmentReleased quantity")
        self.model.release(shipment, demand, D(quantity))
        return f"release shipment {shipment} of {quantity} for {demand}"

    async def do_pick(self, choice: int) -> str | None:
        m = self.model
        candidates = [s for s in m.shipments.values() if not s.posted and not s.pick_lines and s.to_pick > 0]
        if not candidates:
            return None
        shipment = candidates[choice % len(candidates)]
        expected = min(shipment.to_pick, m.available_to_pick(shipment.demand))
        pick_no = self.number("PK")
        facts = await self.warehouse(wh.CreatePick, {"pick_no": pick_no, "shipment_no": shipment.no}, wh.PickCreated,
                                     refusal_expected=expected == 0)
        if expected == 0:
            [refusal] = facts[wh.CommandRejected.TYPE]
            self.expect(refusal["reason_code"], "nothing_to_pick", "refusal of a pick with nothing to pick")
            return f"pick for {shipment.no}: nothing to pick, refused"
        [created] = facts[wh.PickCreated.TYPE]
        lines = [PickLine(x["line_no"], x["take_bin"], x["lot"], D(x["quantity"])) for x in created["lines"]]
        problems = m.check_pick(shipment, lines)
        if problems:
            raise Disagreement(f"PickCreated {created}: {problems}")
        m.create_pick(shipment, pick_no, lines)
        return f"pick {pick_no} for {shipment.no}: {[(x.bin, x.lot, str(x.quantity)) for x in lines]}"

    async def do_register(self, choice: int, swap: bool, swap_choice: int) -> str | None:
        m = self.model
        candidates = [s for s in m.shipments.values() if s.pick_lines]
        if not candidates:
            return None
        shipment = candidates[choice % len(candidates)]
        spare: dict[tuple[str, str], Decimal] = {(b, lot): m.free(b, lot) for b in PICK_BINS for lot in m.lots()}
        picked: list[tuple[PickLine, str, Decimal]] = []  # (line, lot really taken, quantity): a line in parts
        for line in shipment.pick_lines:
            others = [lot for lot in m.lots() if lot != line.lot and spare.get((line.bin, lot), ZERO) > 0]
            if swap and others:
                lot = others[swap_choice % len(others)]
                part = min(line.quantity, spare[(line.bin, lot)])
                spare[(line.bin, lot)] -= part  # taken now; the proposed lot's part stays free
                picked.append((line, lot, part))
                if part < line.quantity:
                    picked.append((line, line.lot, line.quantity - part))
            else:
                picked.append((line, line.lot, line.quantity))
        facts = await self.warehouse(wh.RegisterPick, {"pick_no": shipment.pick_no, "lines": [
            {"line_no": line.line_no, "quantity": str(q), **({"lot": lot} if lot != line.lot else {})}
            for line, lot, q in picked]}, wh.PickRegistered)
        [fact] = facts[wh.PickRegistered.TYPE]
        self.expect(sorted((x["line_no"], x["lot"], x["proposed_lot"], D(x["quantity"]), x["place_bin"])
                           for x in fact["lines"]),
                    sorted((line.line_no, lot, line.lot, q, "S-01") for line, lot, q in picked),
                    "PickRegistered lines")
        m.register_pick(shipment, picked)
        return f"register {shipment.pick_no}: {[(line.lot, lot, str(q)) for line, lot, q in picked]}"

    async def do_ship(self, choice: int) -> str | None:
        m = self.model
        candidates = [s for s in m.shipments.values() if not s.posted and not s.pick_lines and any(s.picked.values())]
        if not candidates:
            return None
        shipment = candidates[choice % len(candidates)]
        adjusts = any(m.adjustment.values())
        facts = await self.send(WAREHOUSE_COMMANDS, wh.PostShipment, {"shipment_no": shipment.no}, {
            wh.ShipmentPosted.TYPE: 1, **({wh.WarehouseAdjustmentPosted.TYPE: 1} if adjusts else {})})
        adjusted, shipped = m.post_shipment(shipment)
        if adjusts:
            [posted] = facts[wh.WarehouseAdjustmentPosted.TYPE]
            self.expect({x["lot"]: D(x["quantity"]) for x in posted["lines"]}, adjusted, "S4 adjustment lines")
        [fact] = facts[wh.ShipmentPosted.TYPE]
        got: dict[str, Decimal] = defaultdict(Decimal)
        for x in fact["lines"]:
            got[x["lot"]] += D(x["quantity"])
        self.expect(dict(got), shipped, "ShipmentPosted per lot")
        return f"ship {shipment.no}: {shipped} (S4 {adjusted})"

    async def do_fulfil(self, quantity: int, reserve_first: bool, swap: bool, choice: int) -> str:
        """A whole order: release, (reserve), pick, register (possibly another lot), ship, each checked."""
        done = [await self.do_release(quantity)]
        shipment = list(self.model.shipments.values())[-1]
        if reserve_first:
            open_demands = [s.demand for s in self.model.shipments.values() if not s.posted]
            done.append(await self.do_reserve(open_demands.index(shipment.demand), quantity))
        picks = [s for s in self.model.shipments.values() if not s.posted and not s.pick_lines and s.to_pick > 0]
        if shipment in picks:
            done.append(await self.do_pick(picks.index(shipment)))
        if shipment.pick_lines:
            registers = [s for s in self.model.shipments.values() if s.pick_lines]
            done.append(await self.do_register(registers.index(shipment), swap, choice))
            ships = [s for s in self.model.shipments.values()
                     if not s.posted and not s.pick_lines and any(s.picked.values())]
            done.append(await self.do_ship(ships.index(shipment)))
        return "fulfil: " + "; ".join(d for d in done if d)

    # --- agreement ------------------------------------------------------------------------------------
    def expect(self, actual, expected, what: str) -> None:
        if actual != expected:
            raise Disagreement(f"{what}: service says {actual}, model says {expected}")

    async def agree(self) -> None:
        """After every step: S7 reconciliation, then each read model against the reference model."""
        m, loc = self.model, self.location
        request_id = self.number("S7")
        facts = await self.warehouse(wh.ReportBinTotals, {"request_id": request_id, "location_code": loc,
                                                          "item_nos": [self.item]}, wh.BinTotalsReported)
        [report] = facts[wh.BinTotalsReported.TYPE]
        warehouse_totals = {x["lot"]: D(x["real_bins"]) + D(x["adjustment_bin"]) for x in report["lines"]}
        expected_totals = defaultdict(Decimal)
        for (_, lot), q in m.content().items():
            expected_totals[lot] += q
        self.expect({k: v for k, v in warehouse_totals.items() if v}, {k: v for k, v in expected_totals.items() if v},
                    "bin totals per lot (real bins + adjustment bin)")
        result = await self.until(self.inv_url, f"/reconciliations/{request_id}", lambda r: r["complete"])
        if not result["agreed"]:
            raise Disagreement(f"reconciliation (S7) differs: {result['items']}")
        contents = await self.until(self.wh_url, "/bin-contents", lambda rows: True, location_code=loc,
                                    item_no=self.item)
        self.expect({(r["bin_code"], r["lot"]): D(r["quantity"]) for r in contents}, m.content(), "bin contents")
        # Inventory has applied every warehouse fact of the item (the reconciliation came after them).
        [row] = (await self.until(self.inv_url, f"/availability/{self.item}", lambda a: len(a["locations"]) <= 1,
                                  location=loc))["locations"] or [{}]
        breakdown = {name: D(row.get(name, "0")) for name in m.breakdown()}
        self.expect(breakdown, m.breakdown(), "availability breakdown (I5)")
        self.expect({t["lot"]: D(t["inventory"]) for t in row.get("tracking", []) if D(t["inventory"])},
                    {lot: q for lot, q in m.ledger.items() if q}, "item ledger inventory per lot")
        reservations = await self.until(self.inv_url, f"/items/{self.item}/reservations", lambda rows: True,
                                        location=loc)
        per_demand: dict[str, Decimal] = defaultdict(Decimal)
        for r in reservations:
            per_demand[r["source_no"]] += D(r["quantity"])
        self.expect(dict(per_demand), {d: q for d, q in m.reserved.items() if q}, "reservations per demand")
        wanted = {d: q for d, q in m.reserved.items() if q}
        await self.until(self.wh_url, f"/locations/{loc}/items/{self.item}/demands", lambda rows: {
            r["source_no"]: D(r["reserved"]) for r in rows if not r["serial"] and not r["lot"] and D(r["reserved"])
        } == wanted)


RECEIVE = st.tuples(st.just("receive"), st.integers(0, 3), st.integers(1, 9), st.sampled_from(PICK_BINS))
FULFIL = st.tuples(st.just("fulfil"), st.integers(1, 6), st.booleans(), st.booleans(), st.integers(0, 99))
STEPS = st.one_of(  # receipts and whole orders weigh more: without stock and picks there is little to swap or ship
    RECEIVE, RECEIVE, RECEIVE, FULFIL, FULFIL, FULFIL,
    st.tuples(st.just("move"), st.integers(0, 99), st.integers(1, 9)),
    st.tuples(st.just("reclassify"), st.integers(0, 99), st.integers(1, 9), st.integers(0, 3)),
    st.tuples(st.just("found"), st.integers(0, 3), st.integers(1, 5), st.sampled_from(STORAGE_BINS)),
    st.tuples(st.just("lost"), st.integers(0, 99), st.integers(1, 5)),
    st.tuples(st.just("calculate")),
    st.tuples(st.just("reserve"), st.integers(0, 99), st.integers(1, 12)),
    st.tuples(st.just("release"), st.integers(1, 10)),
    st.tuples(st.just("pick"), st.integers(0, 99)),
    st.tuples(st.just("register"), st.integers(0, 99), st.booleans(), st.integers(0, 99)),
    st.tuples(st.just("ship"), st.integers(0, 99)),
)
SEQUENCES = st.tuples(RECEIVE, st.lists(STEPS, min_size=2, max_size=14)).map(lambda t: [t[0], *t[1]])


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def wire(stack):
    client = Wire(stack.infra.bootstrap, [WAREHOUSE_EVENTS, INVENTORY_EVENTS], stash_types=None)
    await client.start()
    yield client
    await client.stop()


@pytest.mark.asyncio(loop_scope="session")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          print_blob=True,  # shrinking against real services takes minutes: on demand (HYPOTHESIS_MODEL_SHRINK=1)
          phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if os.environ.get("HYPOTHESIS_MODEL_SHRINK") else [])])
@given(steps=SEQUENCES)
async def test_random_command_sequences_agree_with_the_reference_model(stack, wire, steps):
    sequence = Sequence(wire, stack.warehouse.url, stack.inventory.url)
    await sequence.setup()
    try:
        for intent in steps:
            await sequence.step(intent)
    except Disagreement as error:
        raise Disagreement(f"{error}\nafter steps of item {sequence.item} at {sequence.location}:\n  "
                           + "\n  ".join(sequence.trace)) from None
    if os.environ.get("MODEL_TRACE"):
        print(f"\n{sequence.item}: " + "\n  ".join(sequence.trace))
