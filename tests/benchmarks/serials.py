"""One document of N serial numbers, step by step: from each command to the fact that answers it.

One serial-tracked item; an inbound and an outbound request of one line of N units each (not
timed: they are one line). Then, timed from the first command of a step to the last fact that
answers it: receipt posted (`PostReceipt` -> `ReceiptPosted`), the inventory's ledger posting of it
(same start -> `LedgerEntriesPosted` caused by each `ReceiptPosted`, concurrent with the next
steps), put-away (`RegisterPutAway` -> `PutAwayRegistered`), create pick (`CreatePick` ->
`PickCreated`), register pick (`RegisterPick` -> `PickRegistered`), post shipment (`PostShipment` ->
`ShipmentPosted`) and the inventory's posting of the shipment (same start -> `LedgerEntriesPosted`).

Commands must fit the broker's message limit: a command carries at most `lines_per_command` serial
lines (the most that fit, see `lines_that_fit`, unless a smaller part size is asked for); a bigger
receipt, pick registration or shipment goes in parts (partial posting, README). Every wait is
bounded: a step fails after `timeout` seconds, or at once when a service's outbox holds a fact the
broker will never take (its relay then retries it forever and publishes nothing after it).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field

import asyncpg

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, WAREHOUSE_COMMANDS
from tests.benchmarks.pipeline import Driver, StepFailed, bench_layout, make_wire, wait_until_replicated
from tests.benchmarks.stack import BenchStack
from tests.benchmarks.wire import Wire
from tests.support.infra import Infra

BROKER_LIMIT = 1_048_576
"""Bytes: the producer's default `max_request_size` (the broker's `message.max.bytes` default is 1,048,588)."""
COMMAND_BUDGET = BROKER_LIMIT - 16_384
"""What a command's JSON value may use: the record batch also carries the key, the headers and framing."""

STEPS = ("receipt posted", "inventory posting of the receipt", "put-away", "create pick", "register pick",
         "post shipment", "inventory posting of the shipment")


@dataclass
class SerialRun:
    serials: int
    lines_per_command: int
    seconds: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    total: float | None = None

    @property
    def complete(self) -> bool:
        return not self.failed and len(self.seconds) == len(STEPS)


def serial_no(run: str, k: int) -> str:
    return f"SN-{run}-{k:07}"


def lines_that_fit(kind: str) -> int:
    """How many serial lines one command of `kind` ("receipt" or "pick") carries within COMMAND_BUDGET."""
    widest = 9_999_999
    if kind == "receipt":
        line = {"line_no": 1, "serial": serial_no("x" * 6, widest), "quantity": "1"}
        base = {"receipt_no": "RC-" + "x" * 47, "put_away_no": "RC-" + "x" * 47, "lines": []}
    else:
        line = {"line_no": widest, "quantity": "1"}
        base = {"pick_no": "PK-" + "x" * 47, "lines": []}
    per_line = len(json.dumps(line)) + 2  # ", " between lines
    return (COMMAND_BUDGET - len(json.dumps(base))) // per_line


class OutboxWatch:
    """Tells when a service's outbox holds a row the broker refuses: nothing after it will be published."""

    def __init__(self, dsns: dict[str, str]) -> None:
        self.dsns = dsns

    async def oversized(self) -> str | None:
        for service, dsn in self.dsns.items():
            conn = await asyncpg.connect(dsn)
            try:
                row = await conn.fetchrow(
                    """SELECT octet_length(value) AS size,
                              header_values[array_position(header_keys, 'ce_type')] AS type
                       FROM outbox WHERE octet_length(value) > $1 ORDER BY id LIMIT 1""", BROKER_LIMIT)
            except asyncpg.PostgresError:  # the outbox's shape changed: only the timeout will tell
                row = None
            finally:
                await conn.close()
            if row is not None:
                return (f"the {service} outbox holds a {bytes(row['type'] or b'?').decode()} of "
                        f"{row['size']:,} bytes, over the broker's limit of {BROKER_LIMIT:,}: "
                        f"its relay retries it and publishes nothing after it")
        return None

    async def stuck(self) -> str:
        while (reason := await self.oversized()) is None:
            await asyncio.sleep(1.0)
        return reason


async def bounded(awaitable: Awaitable, watch: OutboxWatch, timeout: float):
    """The awaitable's result, or StepFailed after `timeout` or as soon as an outbox is stuck."""
    step, stuck = asyncio.ensure_future(awaitable), asyncio.ensure_future(watch.stuck())
    done, _ = await asyncio.wait({step, stuck}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for task in (step, stuck):
        task.cancel()
    await asyncio.gather(step, stuck, return_exceptions=True)
    if step in done:
        return step.result()
    if stuck in done:
        raise StepFailed(stuck.result())
    raise StepFailed(f"no answer within {timeout:.0f}s ({await watch.oversized() or 'no oversized outbox row'})")


def parts(lines: list[dict], size: int) -> list[list[dict]]:
    return [lines[start:start + size] for start in range(0, len(lines), size)]


class SerialDocument:
    """The steps of one document of `serials` serial numbers of a new item."""

    def __init__(self, bench: SerialBench, serials: int, lines_per_command: int) -> None:
        self.bench, self.d = bench, bench.driver
        # A warehouse step waits on the warehouse's outbox; an inventory posting follows warehouse facts the
        # bench already received, so it waits on the inventory's outbox only.
        self.warehouse_outbox = OutboxWatch({"warehouse": bench.stack.warehouse_db})
        self.inventory_outbox = OutboxWatch({"inventory": bench.stack.inventory_db})
        self.serials, self.size, self.timeout = serials, lines_per_command, bench.timeout
        self.run_id = uuid.uuid4().hex[:6]
        self.result = SerialRun(serials, lines_per_command)

    async def measure(self) -> SerialRun:
        """Every step once; a failed step is recorded with its reason, the steps that need it are not run."""
        receipt_no, shipment_no = f"RC-{self.run_id}", f"SH-{self.run_id}"
        try:
            self.item = await self.bench.new_item()
            await self._release(receipt_no, shipment_no)
        except StepFailed as failure:
            self.result.failed = dict.fromkeys(STEPS, f"not run: the preparation failed: {failure}")
            return self.result
        started = time.perf_counter()
        chain = {"receipt posted": self._receipt, "put-away": self._put_away, "create pick": self._create_pick,
                 "register pick": self._register_pick, "post shipment": self._post_shipment}
        context: dict = {"receipt_no": receipt_no, "shipment_no": shipment_no, "pending": [], "finished": started}
        for name, step in chain.items():
            try:
                await step(context)
            except StepFailed as failure:
                self.result.failed[name] = str(failure)
                break
        for name, pending in context["pending"]:  # the inventory's postings, awaited alongside
            try:
                await pending
            except StepFailed as failure:
                self.result.failed[name] = str(failure)
        for name in STEPS:
            if name not in self.result.seconds and name not in self.result.failed:
                self.result.failed[name] = "not run: an earlier step failed"
        if self.result.complete:
            self.result.total = context["finished"] - started
        return self.result

    async def _release(self, receipt_no: str, shipment_no: str) -> None:
        line = [{"line_no": 1, "source_line_no": 1, "item_no": self.item, "quantity": str(self.serials)}]
        await asyncio.gather(
            self.d.command(WAREHOUSE_COMMANDS, wh.ReleaseInboundRequest, {
                "receipt_no": receipt_no, "location_code": self.bench.location, "source_no": f"PO-{self.run_id}",
                "lines": line}, wh.ReceiptReleased.TYPE),
            self.d.command(WAREHOUSE_COMMANDS, wh.ReleaseOutboundRequest, {
                "shipment_no": shipment_no, "location_code": self.bench.location, "source_no": f"SO-{self.run_id}",
                "lines": line}, wh.ShipmentReleased.TYPE))

    async def _step(self, name: str, commands: list[tuple[type, dict]], answer: str) -> list:
        """Send every part of a step at once (one key: they apply in order); the time to the last answer."""
        started = time.perf_counter()
        answered = await bounded(asyncio.gather(*(
            self.d.command(WAREHOUSE_COMMANDS, model, data, answer) for model, data in commands)),
            self.warehouse_outbox, self.timeout)
        self.result.seconds[name] = time.perf_counter() - started
        return [fact for facts in answered for fact in facts]

    def _follow(self, context: dict, name: str, facts: list, started: float) -> None:
        """The inventory's LedgerEntriesPosted for each fact, timed from `started`, awaited at the end."""
        async def posted() -> None:
            await bounded(asyncio.gather(*(self.d.caused(fact[2]["ce_id"], inv.LedgerEntriesPosted.TYPE)
                                           for fact in facts)), self.inventory_outbox, self.timeout)
            finished = time.perf_counter()
            context["finished"] = max(context["finished"], finished)
            self.result.seconds[name] = finished - started

        context["pending"].append((name, asyncio.ensure_future(posted())))

    async def _receipt(self, context: dict) -> None:
        started = time.perf_counter()
        lines = [{"line_no": 1, "serial": serial_no(self.run_id, k), "quantity": "1"} for k in range(self.serials)]
        receipt_no = context["receipt_no"]
        context["put_aways"] = [(f"{receipt_no}-PA{n}", len(part)) for n, part in enumerate(parts(lines, self.size), 1)]
        posted = await self._step("receipt posted", [
            (wh.PostReceipt, {"receipt_no": receipt_no, "put_away_no": put_away_no, "lines": part})
            for (put_away_no, _), part in zip(context["put_aways"], parts(lines, self.size), strict=True)],
            wh.ReceiptPosted.TYPE)
        self._follow(context, "inventory posting of the receipt", posted, started)

    async def _put_away(self, context: dict) -> None:
        await self._step("put-away", [
            (wh.RegisterPutAway, {"put_away_no": no, "lines": [{"line_no": k, "quantity": "1"}
                                                                for k in range(1, count + 1)]})
            for no, count in context["put_aways"]], wh.PutAwayRegistered.TYPE)

    async def _create_pick(self, context: dict) -> None:
        context["pick_no"] = f"PK-{self.run_id}"
        [created] = await self._step("create pick", [(wh.CreatePick, {
            "pick_no": context["pick_no"], "shipment_no": context["shipment_no"]})], wh.PickCreated.TYPE)
        context["pick_lines"] = [{"line_no": line["line_no"], "quantity": line["quantity"]}
                                 for line in json.loads(created[1])["lines"]]

    async def _register_pick(self, context: dict) -> None:
        await self._step("register pick", [(wh.RegisterPick, {"pick_no": context["pick_no"], "lines": part})
                                           for part in parts(context["pick_lines"], self.size)],
                         wh.PickRegistered.TYPE)

    async def _post_shipment(self, context: dict) -> None:
        started = time.perf_counter()
        if self.size >= self.serials:  # one command ships everything picked
            commands = [(wh.PostShipment, {"shipment_no": context["shipment_no"]})]
        else:
            sizes = [len(part) for part in parts(context["pick_lines"], self.size)]
            commands = [(wh.PostShipment, {"shipment_no": context["shipment_no"],
                                           "lines": [{"line_no": 1, "quantity": str(size)}]}) for size in sizes]
        shipped = await self._step("post shipment", commands, wh.ShipmentPosted.TYPE)
        self._follow(context, "inventory posting of the shipment", shipped, started)


async def measure_sizes(infra: Infra, sizes: list[int], part_lines: int, timeout: float) -> list[SerialRun]:
    """One document per size, smallest first, on one stack after a 10-serial warm-up; after a failed
    size the stack is replaced (a stuck outbox would fail every later step too)."""
    lines_per_command = part_lines or min(lines_that_fit("receipt"), lines_that_fit("pick"))
    runs: list[SerialRun] = []
    bench: SerialBench | None = None
    try:
        for size in sorted(sizes):
            if bench is None:
                bench = await SerialBench.start(infra, timeout)
                await bench.document(10, lines_per_command).measure()  # warm-up, not reported
            runs.append(await bench.document(size, lines_per_command).measure())
            if runs[-1].failed:
                await bench.stop()
                bench = None
    finally:
        if bench is not None:
            await bench.stop()
    return runs


@dataclass
class SerialBench:
    stack: BenchStack
    wire: Wire
    driver: Driver
    location: str
    timeout: float

    @classmethod
    async def start(cls, infra: Infra, timeout: float) -> SerialBench:
        stack = await BenchStack.start(infra, 1)
        wire = make_wire(infra.bootstrap)
        bench = cls(stack, wire, Driver(wire, timeout=timeout + 5), f"SER-{uuid.uuid4().hex[:6]}", timeout)
        try:
            await wire.start()
            await bench.driver.command(WAREHOUSE_COMMANDS, wh.ConfigureLocation, bench_layout(bench.location),
                                       wh.LocationConfigured.TYPE)
        except BaseException:
            await bench.stop()
            raise
        return bench

    def document(self, serials: int, lines_per_command: int) -> SerialDocument:
        return SerialDocument(self, serials, lines_per_command)

    async def new_item(self) -> str:
        """A serial-tracked item of its own for each document, known to both services."""
        item = f"SER-{uuid.uuid4().hex[:8]}"
        await self.driver.command(INVENTORY_COMMANDS, inv.RegisterItem,
                                  {"item_no": item, "base_unit": "PCS", "tracking_policy": "serial"},
                                  inv.ItemRegistered.TYPE)
        await wait_until_replicated(self.stack.warehouse.url, self.stack.inventory.url, self.location, [item],
                                    self.timeout)
        return item

    async def stop(self) -> None:
        await self.wire.stop()
        await self.stack.stop()
