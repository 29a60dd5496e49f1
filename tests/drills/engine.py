"""Fault drills: a stream of warehouse and inventory commands while processes and infrastructure die.

Every flow is one item at the drill location, so its end state is known in advance exactly:
receive lots A (expires first) and B, put both away into P-01, reserve `t` for a standing demand
D2 and `s` for the shipment's demand D1, pick `s` (FEFO takes A first), register the pick in
full, post the shipment. Expected afterwards, per item: bins and ledger hold A: a - min(s, a),
B: b - max(0, s - a); D2 still has `t` reserved, D1 nothing; a fixed number of warehouse entries
and item ledger entries; no parked posting.

Meanwhile the faults: kill -9 of each service at a random moment (then a restart), a broker
restart, a PostgreSQL restart, second instances joining and dying (rebalances), and a few
malformed messages that must end in a dead-letter topic, and nothing else there. The client
resends a command (same ce_id) that got no answer in time, as a real client would: the inbox
must make that harmless. Checks: every fact once (by ce_id) per command, no refusal, bin
contents, ledger, reservations, warehouse entries, reconciliation (S7) agreed, DLQ exact.

Issue 11 sharpened them: every publication on the fact topics is counted per ce_id (a re-publication
after a crash between publish and delete is allowed, is reported, must carry the same bytes, and only the
inbox may absorb it; more than a few of one ce_id is the relay looping), the facts of each key arrive in
the order of the commands that caused them, outages outlast the maximum backoff (10 s) and the consumers'
poll timeout (KAFKA_MAX_POLL_INTERVAL_MS of the test stack), and the relay meets a row too large for the
broker, which must be quarantined while everything else flows.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import (
    ALL_TOPICS,
    INVENTORY_COMMANDS,
    INVENTORY_EVENTS,
    WAREHOUSE_COMMANDS,
    WAREHOUSE_EVENTS,
)
from tests.benchmarks.wire import Fact, Wire, headers_of
from tests.support.infra import Infra
from tests.support.services import ServiceProcess

D = Decimal
TODAY = datetime.now(UTC).date()
SOON, LATER = TODAY + timedelta(days=60), TODAY + timedelta(days=120)
REJECTIONS = {wh.CommandRejected.TYPE, inv.CommandRejected.TYPE, inv.ReservationRejected.TYPE,
              inv.PostingParked.TYPE}
DLQ_TOPICS = [t.name for t in ALL_TOPICS if t.name.endswith(".dlq")]
LONG_KAFKA_OUTAGE = 15.0  # > the services' maximum backoff (10 s)
LONG_POSTGRES_OUTAGE = 20.0  # > the maximum backoff and the test stack's poll timeout (15 s)
MOST_PUBLICATIONS = 3  # of one ce_id: a crash may re-publish a batch once or twice, a loop does it over and over


def layout(code: str) -> dict:
    return {"location_code": code,
            "zones": [{"code": "DOCK"}, {"code": "STORE"}, {"code": "VIRTUAL"}],
            "bins": [{"code": "R-01", "zone": "DOCK", "types": ["receive"]},
                     {"code": "S-01", "zone": "DOCK", "types": ["ship"]},
                     {"code": "P-01", "zone": "STORE", "types": ["put_away", "pick"], "ranking": 10},
                     {"code": "ADJ", "zone": "VIRTUAL", "types": []}],
            "receive_bin": "R-01", "ship_bin": "S-01", "adjustment_bin": "ADJ", "pick_by_fefo": True}


@dataclass(frozen=True)
class Flow:
    n: int
    item: str
    a: int
    b: int
    s: int
    t: int

    @property
    def lot_a(self) -> str:
        return f"A{self.n}"

    @property
    def lot_b(self) -> str:
        return f"B{self.n}"

    def remaining(self) -> dict[str, Decimal]:
        """What bins and ledger hold per lot afterwards (lots at zero are absent)."""
        left = {self.lot_a: D(self.a - min(self.s, self.a)), self.lot_b: D(self.b - max(0, self.s - self.a))}
        return {lot: q for lot, q in left.items() if q}

    def lots_picked(self) -> int:
        return 1 if self.s <= self.a else 2


@dataclass
class Sent:
    topic: str
    ce_type: str
    data: dict
    key: str
    answer: str
    count: int


@dataclass
class DrillReport:
    flows: int = 0
    commands: int = 0
    resends: int = 0
    faults: list[str] = field(default_factory=list)
    bad_messages: int = 0
    seconds: float = 0.0
    publications: int = 0
    republished: int = 0  # publications of a ce_id beyond its first, absorbed by the consumers' inboxes

    def summary(self) -> str:
        return (f"{self.flows} flows, {self.commands} commands ({self.resends} resent), {self.bad_messages} bad "
                f"messages, {self.publications} fact publications ({self.republished} re-published), "
                f"{len(self.faults)} faults in {self.seconds:.0f}s: {', '.join(self.faults)}")


class Drill:
    def __init__(self, infra: Infra, warehouse: ServiceProcess, inventory: ServiceProcess, *, seed: int,
                 answer_timeout: float = 40.0, give_up_after: float = 400.0) -> None:
        self.infra = infra
        self.warehouse = warehouse
        self.inventory = inventory
        self.extra: list[ServiceProcess] = []
        self.rng = random.Random(seed)
        self.run = uuid.uuid4().hex[:6]
        self.location = f"DRL-{self.run}"
        self.answer_timeout = answer_timeout
        self.give_up_after = give_up_after
        self.report = DrillReport()
        self.sent: dict[str, Sent] = {}
        self.facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # cause -> type -> ce_ids
        self.dead_letters: dict[str, str] = {}  # ce_id -> topic
        self.published: Counter[tuple[str, str]] = Counter()  # (topic, ce_id) -> publications
        self.contents: dict[tuple[str, str], set[bytes]] = defaultdict(set)  # (topic, ce_id) -> value hashes
        self.per_key: dict[tuple[str, str], list[str]] = defaultdict(list)  # (topic, subject) -> causes, first seen
        self.oversized: list[str] = []  # ce_ids of rows too large for the broker, put in the outbox
        self.bad: dict[str, str] = {}  # ce_id -> dead-letter topic expected
        self.flows: list[Flow] = []
        self.failures: list[str] = []
        self.wire = Wire(infra.bootstrap, [WAREHOUSE_EVENTS, INVENTORY_EVENTS, *DLQ_TOPICS],
                         stash_types=frozenset({inv.LedgerEntriesPosted.TYPE, *REJECTIONS}))
        self.wire.taps.append(self._record)

    def log(self, message: str) -> None:
        print(f"[drill {time.strftime('%H:%M:%S')}] {message}", flush=True)

    def _record(self, topic: str, fact: Fact) -> None:
        headers = fact[2]
        if topic.endswith(".dlq"):
            self.dead_letters[headers.get("ce_id", "")] = topic
            return
        ce_id = headers.get("ce_id", "")
        self.facts[headers.get("causation_id", "")][fact[0]].add(ce_id)
        self.published[(topic, ce_id)] += 1
        self.contents[(topic, ce_id)].add(hashlib.sha256(fact[1] or b"").digest())
        if self.published[(topic, ce_id)] == 1:
            self.per_key[(topic, headers.get("ce_subject", ""))].append(headers.get("causation_id", ""))

    # --- sending, with resends of the same command --------------------------------------------------
    async def command(self, topic: str, model: type, data: dict, answer: str, count: int = 1,
                      key: str | None = None) -> list[Fact]:
        ce_id = f"drill-{self.run}-{uuid.uuid4().hex[:12]}"
        key = key if key is not None else "|".join(str(data[k]) for k in model.KEY)
        self.sent[ce_id] = Sent(topic, model.TYPE, data, key, answer, count)
        return await self._until_answered(ce_id, answer, count, send=lambda: self.wire.send(
            topic, model.TYPE, data, key, ce_id=ce_id, correlation_id=f"drill-{self.run}"))

    async def caused(self, ce_id: str, answer: str) -> list[Fact]:
        return await self._until_answered(ce_id, answer, 1, send=None)

    async def _until_answered(self, ce_id: str, answer: str, count: int, send) -> list[Fact]:
        loop = asyncio.get_running_loop()
        found: dict[str, Fact] = {}
        done = loop.create_future()

        def route(fact: Fact) -> None:
            if done.done():
                return
            if fact[0] in REJECTIONS:
                done.set_exception(AssertionError(f"{ce_id} answered {fact[0]}: {fact[1][:300]!r}"))
            elif fact[0] == answer:
                found[fact[2]["ce_id"]] = fact
                if len(found) >= count:
                    done.set_result(list(found.values()))

        self.wire.on_caused_by(ce_id, route)
        deadline = time.monotonic() + self.give_up_after
        try:
            while True:
                if send is not None:
                    self.report.commands += 1
                    try:
                        await asyncio.wait_for(send(), self.answer_timeout)
                    except Exception as error:  # broker away: the same command goes again
                        self.log(f"send of {ce_id} failed ({error!r}), will resend")
                try:
                    return await asyncio.wait_for(asyncio.shield(done), self.answer_timeout)
                except TimeoutError:
                    if time.monotonic() > deadline:
                        raise AssertionError(f"no {answer} for {ce_id} after {self.give_up_after:.0f}s") from None
                    if send is not None:
                        self.report.resends += 1
        finally:
            self.wire.forget(ce_id)

    # --- set-up and flows ------------------------------------------------------------------------
    async def start(self) -> None:
        await self.wire.start()

    async def stop(self) -> None:
        await self.wire.stop()

    async def setup(self) -> None:
        await self.command(WAREHOUSE_COMMANDS, wh.ConfigureLocation, layout(self.location), wh.LocationConfigured.TYPE)
        await self.until_http(self.inventory, "/locations", lambda rows: self.location in {
            r["location_code"] for r in rows})

    async def until_http(self, service: ServiceProcess, path: str, holds, timeout: float = 600) -> None:
        """GET until `holds(answer)`; a service that is down right now (a drill) is asked again."""
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                try:
                    answer = await client.get(f"{service.url}{path}")
                    if answer.status_code == 200 and holds(answer.json()):
                        return
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"GET {path} never satisfied"
                await asyncio.sleep(0.2)

    def plan(self, n: int) -> Flow:
        a, b = self.rng.randint(2, 9), self.rng.randint(2, 9)
        s = self.rng.randint(1, a + b - 1)
        t = self.rng.randint(0, a + b - s)
        return Flow(n, f"DI-{self.run}-{n}", a, b, s, t)

    async def flow(self, f: Flow) -> None:
        loc, run = self.location, self.run
        receipt, shipment, pick = f"RC-{run}-{f.n}", f"SH-{run}-{f.n}", f"PK-{run}-{f.n}"
        d1, d2 = f"SO1-{run}-{f.n}", f"SO2-{run}-{f.n}"
        await self.command(INVENTORY_COMMANDS, inv.RegisterItem, {
            "item_no": f.item, "base_unit": "PCS", "tracking_policy": "lot", "expiration_required": True},
            inv.ItemRegistered.TYPE)
        # The warehouse replicates items from inventory's facts: wait until it knows this one (T1).
        await self.until_http(self.warehouse, f"/items/{f.item}/tracking", lambda answer: True)
        await self.command(WAREHOUSE_COMMANDS, wh.ReleaseInboundRequest, {
            "receipt_no": receipt, "location_code": loc, "source_no": f"PO-{run}-{f.n}",
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": f.item, "quantity": str(f.a + f.b)}]},
            wh.ReceiptReleased.TYPE)
        [posted] = await self.command(WAREHOUSE_COMMANDS, wh.PostReceipt, {
            "receipt_no": receipt, "put_away_no": f"{receipt}-PA", "lines": [
                {"line_no": 1, "lot": f.lot_a, "expiration": SOON.isoformat(), "quantity": str(f.a)},
                {"line_no": 1, "lot": f.lot_b, "expiration": LATER.isoformat(), "quantity": str(f.b)}]},
            wh.ReceiptPosted.TYPE)
        await self.command(WAREHOUSE_COMMANDS, wh.RegisterPutAway, {"put_away_no": f"{receipt}-PA", "lines": [
            {"line_no": 1, "quantity": str(f.a), "place_bin": "P-01"},
            {"line_no": 2, "quantity": str(f.b), "place_bin": "P-01"}]}, wh.PutAwayRegistered.TYPE)
        await self.caused(posted[2]["ce_id"], inv.LedgerEntriesPosted.TYPE)
        stock = {"item_no": f.item, "location_code": loc}
        if f.t:
            await self.command(INVENTORY_COMMANDS, inv.Reserve, {
                "source_type": "sales_order", "source_no": d2, "source_line_no": 1, **stock, "quantity": str(f.t)},
                inv.ReservationCreated.TYPE)
        await self.command(INVENTORY_COMMANDS, inv.Reserve, {
            "source_type": "sales_order", "source_no": d1, "source_line_no": 1, **stock, "quantity": str(f.s)},
            inv.ReservationCreated.TYPE)
        await self.command(WAREHOUSE_COMMANDS, wh.ReleaseOutboundRequest, {
            "shipment_no": shipment, "location_code": loc, "source_no": d1,
            "lines": [{"line_no": 1, "source_line_no": 1, "item_no": f.item, "quantity": str(f.s)}]},
            wh.ShipmentReleased.TYPE)
        [created] = await self.command(WAREHOUSE_COMMANDS, wh.CreatePick, {"pick_no": pick, "shipment_no": shipment},
                                       wh.PickCreated.TYPE)
        lines = [{"line_no": line["line_no"], "quantity": line["quantity"]} for line in json.loads(created[1])["lines"]]
        await self.command(WAREHOUSE_COMMANDS, wh.RegisterPick, {"pick_no": pick, "lines": lines},
                           wh.PickRegistered.TYPE)
        [shipped] = await self.command(WAREHOUSE_COMMANDS, wh.PostShipment, {"shipment_no": shipment},
                                       wh.ShipmentPosted.TYPE)
        await self.caused(shipped[2]["ce_id"], inv.LedgerEntriesPosted.TYPE)
        self.flows.append(f)

    async def send_bad_message(self) -> None:
        """Meant to be bad: each must end in its topic's dead-letter topic, once, and nothing else must."""
        ce_id = f"drill-bad-{self.run}-{uuid.uuid4().hex[:8]}"
        kind = self.rng.choice(["json", "schema", "type"])
        topic = self.rng.choice([WAREHOUSE_COMMANDS, INVENTORY_COMMANDS])
        ce_type = {WAREHOUSE_COMMANDS: wh.PostReceipt.TYPE, INVENTORY_COMMANDS: inv.Reserve.TYPE}[topic]
        value = {"json": b"{not json", "schema": b'{"quantity": "-1.5e99", "lines": 7}',
                 "type": b"{}"}[kind]
        if kind == "type":
            ce_type = "drill.unknown.v1"
        self.bad[ce_id] = topic + ".dlq"
        self.report.bad_messages += 1
        await self.wire.producer.send_and_wait(topic, value, key=b"bad", headers=headers_of(ce_type, ce_id, ce_id))

    # --- faults ------------------------------------------------------------------------------------
    async def kill_and_restart(self, service: ServiceProcess) -> None:
        await asyncio.to_thread(service.kill)
        await asyncio.sleep(self.rng.uniform(0.2, 2.0))
        await asyncio.to_thread(service.start, 120)

    async def fault(self, name: str) -> None:
        self.log(f"fault: {name}")
        self.report.faults.append(name)
        if name == "kill -9 warehouse":
            await self.kill_and_restart(self.warehouse)
        elif name == "kill -9 inventory":
            await self.kill_and_restart(self.inventory)
        elif name == "restart kafka":
            await asyncio.to_thread(self.infra.kafka_down)
            await asyncio.sleep(self.rng.uniform(1, 4))
            await asyncio.to_thread(self.infra.kafka_up)
        elif name == "restart postgresql":
            await asyncio.to_thread(self.infra.postgres_down)
            await asyncio.sleep(self.rng.uniform(0.5, 3))
            await asyncio.to_thread(self.infra.postgres_up)
        elif name == "rebalance":
            await self.rebalance()
        elif name == "long kafka outage":
            await asyncio.to_thread(self.infra.kafka_down)
            await asyncio.sleep(LONG_KAFKA_OUTAGE)
            await asyncio.to_thread(self.infra.kafka_up)
        elif name == "long postgresql outage":
            await asyncio.to_thread(self.infra.postgres_down)
            await asyncio.sleep(LONG_POSTGRES_OUTAGE)
            await asyncio.to_thread(self.infra.postgres_up)
        elif name == "too-large outbox row":
            await self.too_large_outbox_row()
        else:
            raise ValueError(name)

    async def too_large_outbox_row(self) -> None:
        """A row the broker refuses, written straight into the warehouse's outbox (as if the broker's limit
        had been lowered): the relay must quarantine it and go on with the rows after it."""
        ce_id = f"drill-oversized-{self.run}-{uuid.uuid4().hex[:8]}"
        headers = headers_of(wh.LocationConfigured.TYPE, ce_id, ce_id)
        conn = await asyncpg.connect(self.warehouse.env["DATABASE_URL"])
        try:
            await conn.execute(
                "INSERT INTO outbox (topic, key, value, header_keys, header_values) VALUES ($1, $2, $3, $4, $5)",
                WAREHOUSE_EVENTS, b"oversized", b'{"x": "' + b"x" * 1_500_000 + b'"}',
                [k for k, _ in headers], [v for _, v in headers])
        finally:
            await conn.close()
        self.oversized.append(ce_id)

    async def rebalance(self) -> None:
        """Second instances join both services' groups; later one dies hard, the other leaves politely."""
        second = [ServiceProcess(s.module, {k: v for k, v in s.env.items() if k != "INSTANCE_ID"}, s.log_path.parent)
                  for s in (self.warehouse, self.inventory)]
        self.extra += second
        await asyncio.gather(*(asyncio.to_thread(s.start, 120) for s in second))
        await asyncio.sleep(self.rng.uniform(2, 6))
        first, last = self.rng.sample(second, 2)
        await asyncio.to_thread(first.kill)
        await asyncio.sleep(self.rng.uniform(1, 4))
        await asyncio.to_thread(last.stop)

    def available_faults(self) -> list[str]:
        names = ["kill -9 warehouse", "kill -9 inventory", "rebalance", "too-large outbox row"]
        if self.infra.kafka_down and self.infra.kafka_up:
            names += ["restart kafka", "long kafka outage"]
        if self.infra.postgres_down and self.infra.postgres_up:
            names += ["restart postgresql", "long postgresql outage"]
        return names

    # --- the stream ---------------------------------------------------------------------------------
    async def stream(self, faults: Callable[[], asyncio.Future], min_flows: int, window: int,
                     bad_messages: int, max_flows: int = 1_000_000) -> None:
        """Flows keep `window` in flight until the faults are over and `min_flows` have started."""
        started = time.monotonic()
        fault_task = asyncio.ensure_future(faults())
        next_flow = 0
        bad_at = sorted(self.rng.sample(range(max(min_flows, 20 * bad_messages)), bad_messages))
        running: set[asyncio.Task] = set()

        async def one(f: Flow) -> None:
            try:
                await self.flow(f)
            except AssertionError as error:
                self.failures.append(f"flow {f.n} ({f}): {error}")

        while next_flow < max_flows and (next_flow < min_flows or not fault_task.done()):
            while len(running) >= window:
                _, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            if bad_at and next_flow >= bad_at[0]:
                bad_at.pop(0)
                await self.send_bad_message()
            running.add(asyncio.create_task(one(self.plan(next_flow))))
            next_flow += 1
            await asyncio.sleep(self.rng.uniform(0, 0.05))
        for _ in bad_at:
            await self.send_bad_message()
        await fault_task
        if running:
            await asyncio.wait(running)
        self.report.flows = next_flow
        self.report.seconds = time.monotonic() - started

    async def restore(self) -> None:
        """Whatever the faults left: the primary instances run and are ready, extra ones are gone."""
        for extra in self.extra:
            await asyncio.to_thread(extra.kill)
        for service in (self.warehouse, self.inventory):
            if service.process is None or service.process.poll() is not None:
                await asyncio.to_thread(service.start, 120)
            await asyncio.to_thread(service.wait_ready, 120)

    # --- verification -------------------------------------------------------------------------------
    async def verify(self) -> list[str]:
        """Every difference from the expected result, as sentences (empty: all agreed)."""
        problems = list(self.failures)
        async with httpx.AsyncClient(timeout=30) as client:
            for f in self.flows:
                problems += await self._verify_flow(client, f)
            problems += await self._verify_reconciliation(client)
            parked = (await client.get(f"{self.inventory.url}/parked-postings",
                                       params={"location": self.location})).json()
            if parked:
                problems.append(f"parked postings left: {parked}")
        await asyncio.sleep(2)  # a duplicate publication would have arrived by now
        problems += self._verify_facts()
        problems += self._verify_publications()
        problems += self._verify_order_per_key()
        problems += await self._verify_oversized()
        missing = set(self.bad) - set(self.dead_letters)
        unexpected = {ce: t for ce, t in self.dead_letters.items() if ce not in self.bad}
        if missing:
            problems.append(f"bad messages not dead-lettered: {sorted(missing)}")
        if unexpected:
            problems.append(f"dead letters nobody meant: {unexpected}")
        wrong_topic = {ce: t for ce, t in self.dead_letters.items() if ce in self.bad and self.bad[ce] != t}
        if wrong_topic:
            problems.append(f"dead letters on the wrong topic: {wrong_topic}")
        return problems

    async def _verify_flow(self, client: httpx.AsyncClient, f: Flow) -> list[str]:
        loc, problems = self.location, []
        expected = f.remaining()
        contents = (await client.get(f"{self.warehouse.url}/bin-contents",
                                     params={"location_code": loc, "item_no": f.item})).json()
        bins = {(r["bin_code"], r["lot"]): D(r["quantity"]) for r in contents}
        if bins != {("P-01", lot): q for lot, q in expected.items()}:
            problems.append(f"{f}: bin contents {bins}, expected {expected} in P-01")
        entries = (await client.get(f"{self.warehouse.url}/warehouse-entries",
                                    params={"location_code": loc, "item_no": f.item, "limit": 1000})).json()["entries"]
        if len(entries) != 2 + 4 + 3 * f.lots_picked():
            problems.append(f"{f}: {len(entries)} warehouse entries, expected {2 + 4 + 3 * f.lots_picked()}")
        ledger = (await client.get(f"{self.inventory.url}/items/{f.item}/ledger-entries",
                                   params={"location": loc, "limit": 1000})).json()["entries"]
        per_lot: dict[str, Decimal] = defaultdict(Decimal)
        for entry in ledger:
            per_lot[entry["lot_no"]] += D(entry["quantity"])
        remaining = {lot: sum(D(e["remaining_quantity"]) for e in ledger if e["lot_no"] == lot) for lot in per_lot}
        if {k: v for k, v in per_lot.items() if v} != expected or {k: v for k, v in remaining.items() if v} != expected:
            problems.append(f"{f}: ledger {dict(per_lot)} remaining {remaining}, expected {expected}")
        if len(ledger) != 2 + f.lots_picked():
            problems.append(f"{f}: {len(ledger)} item ledger entries, expected {2 + f.lots_picked()}")
        reserved: dict[str, Decimal] = defaultdict(Decimal)
        for row in (await client.get(f"{self.inventory.url}/items/{f.item}/reservations",
                                     params={"location": loc})).json():
            reserved[row["source_no"]] += D(row["quantity"])
        want = {f"SO2-{self.run}-{f.n}": D(f.t)} if f.t else {}
        if dict(reserved) != want:
            problems.append(f"{f}: reservations {dict(reserved)}, expected {want}")
        [row] = (await client.get(f"{self.inventory.url}/availability/{f.item}", params={"location": loc})).json()[
            "locations"]
        if (D(row["inventory"]), D(row["reserved"]), D(row["available_to_reserve"])) != (
                D(f.a + f.b - f.s), D(f.t), D(f.a + f.b - f.s - f.t)):
            problems.append(f"{f}: availability {row}")
        return problems

    async def _verify_reconciliation(self, client: httpx.AsyncClient) -> list[str]:
        request_id = f"drill-{self.run}-{uuid.uuid4().hex[:6]}"
        await self.command(WAREHOUSE_COMMANDS, wh.ReportBinTotals,
                           {"request_id": request_id, "location_code": self.location}, wh.BinTotalsReported.TYPE,
                           count=len(self.flows))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            answer = await client.get(f"{self.inventory.url}/reconciliations/{request_id}")
            if answer.status_code == 200 and answer.json()["complete"]:
                result = answer.json()
                if not result["agreed"]:
                    return [f"reconciliation (S7) differs: {[i for i in result['items'] if i['differences']]}"]
                if result["items_compared"] < len(self.flows):
                    return [f"reconciliation compared {result['items_compared']} items, {len(self.flows)} expected"]
                return []
            await asyncio.sleep(0.5)
        return [f"reconciliation {request_id} never completed"]

    def _verify_facts(self) -> list[str]:
        """Each command answered by exactly its facts, each fact once (a resend or redelivery adds none)."""
        problems = []
        for ce_id, sent in self.sent.items():
            caused = self.facts.get(ce_id, {})
            refused = {t: ids for t, ids in caused.items() if t in REJECTIONS}
            if refused:
                problems.append(f"{sent.ce_type} {ce_id} was refused: {refused}")
            got = len(caused.get(sent.answer, ()))
            if got != sent.count:
                problems.append(f"{sent.ce_type} {ce_id}: {got} distinct {sent.answer} facts, expected {sent.count}")
        return problems

    def _verify_publications(self) -> list[str]:
        """Every publication counted: a re-published ce_id carries the same bytes and is no loop."""
        self.report.publications = sum(self.published.values())
        self.report.republished = sum(n - 1 for n in self.published.values())
        looping = {ce: n for (_, ce), n in self.published.items() if n > MOST_PUBLICATIONS}
        changed = [ce for (_, ce), digests in self.contents.items() if len(digests) > 1]
        problems = [f"published more than {MOST_PUBLICATIONS} times: {looping}"] if looping else []
        return problems + ([f"re-published with other bytes: {changed}"] if changed else [])

    def _verify_order_per_key(self) -> list[str]:
        """Per topic and key, the facts of the drill's commands appear in the order the commands were sent.
        Keys of one flow only (a flow sends one command at a time); the location's key is shared by
        concurrent flows, whose commands travel on other keys, so no order between them is promised."""
        sent_order = {ce_id: n for n, ce_id in enumerate(self.sent)}
        problems = []
        for (topic, key), causes in self.per_key.items():
            if key in ("", self.location):
                continue
            positions = [sent_order[c] for c in causes if c in sent_order]
            if positions != sorted(positions):
                problems.append(f"{topic} key {key}: facts out of the commands' order {positions}")
        return problems

    async def _verify_oversized(self) -> list[str]:
        if not self.oversized:
            return []
        conn = await asyncpg.connect(self.warehouse.env["DATABASE_URL"])
        try:
            quarantined = {(r["ce_id"] or b"").decode() for r in await conn.fetch(
                "SELECT header_values[array_position(header_keys, 'ce_id')] AS ce_id FROM relay_quarantine")}
        finally:
            await conn.close()
        problems = [f"oversized row {ce} not quarantined" for ce in self.oversized if ce not in quarantined]
        return problems + [f"oversized row {ce} was published" for (_, ce) in self.published if ce in self.oversized]
