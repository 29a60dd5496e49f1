"""`python -m tests.benchmarks` (`make bench`): every figure of issue 10 beside a baseline of the same run.

Starts its own Kafka and PostgreSQL (or uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL, like the tests),
runs both services as real processes on fresh databases per scenario, prints a table and writes
docs/benchmarks.md with the machine it ran on. Every wait is bounded: a scenario or step that fails
is reported as failed, with its reason, and the run goes on. A small run for trying the harness:
`python -m tests.benchmarks --seconds 10 --serials 100,1000 --decisions 400 --entries 100000 --no-write`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from slt_cli.readapi import ReadApis
from tests.benchmarks import availability, baseline, reservations, serials
from tests.benchmarks import recall as recalls
from tests.benchmarks.pipeline import Driver, Pipeline, PipelineResult, make_wire, prepare, wait_until_replicated
from tests.benchmarks.reservations import percentile
from tests.benchmarks.stack import BenchStack
from tests.support.infra import REPO, Infra, start_infra

DOC = REPO / "docs" / "benchmarks.md"
NOTES = Path(__file__).with_name("NOTES.md")


@dataclass
class Figure:
    name: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    conditions: str = ""
    measured: float | None = None  # the numbers behind `value` and `baseline`, for the harness's self-check
    base: float | None = None


def failed(name: str, reason: str, target: str = "") -> Figure:
    return Figure(name, f"**failed**: {reason[:300]}", target=target, met=False if target else None)


def ratio_figure(name: str, measured: float, base: float, unit: str, base_text: str, target: str,
                 met: bool | None, conditions: str = "") -> Figure:
    return Figure(name, f"{measured:.0f}{unit}", base_text, f"{measured / base:.2f}", target, met, conditions,
                  measured, base)


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    serial_runs: list[serials.SerialRun] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- pipeline --------------------------------------------------------------------------------------
async def run_pipeline(infra: Infra, args, instances: int, seconds: float, measure_writes: bool = True,
                       workers: int = 1) -> tuple[PipelineResult, float]:
    """Documents for `seconds` (at most --lines lines); returns the result and the row writes per line
    (both databases, from pg_stat_database)."""
    stack = await BenchStack.start(infra, instances, workers)
    wire = make_wire(infra.bootstrap)
    try:
        await wire.start()
        driver = Driver(wire, timeout=args.step_timeout)
        location = f"BENCH-{uuid.uuid4().hex[:6]}"
        item_nos = [f"IT-{uuid.uuid4().hex[:6]}-{n}" for n in range(args.items)]
        await prepare(driver, location, item_nos)
        await wait_until_replicated(stack.warehouse.url, stack.inventory.url, location, item_nos)
        warm = Pipeline(driver, location, item_nos, 10, args.items_per_document, reserve=False, seed=1)
        await warm.run(max(4, args.window // 4), args.window)  # caches, prepared statements, group assignments settle
        before = await stack.settled_row_writes() if measure_writes else 0
        pipeline = Pipeline(driver, location, item_nos, 10, args.items_per_document, reserve=False)
        progress = asyncio.create_task(_progress(pipeline))
        try:
            result = await pipeline.run(max(1, args.lines // 10), args.window, seconds)
        finally:
            progress.cancel()
        writes = ((await stack.settled_row_writes()) - before) / max(1, result.lines) if measure_writes else 0.0
        if result.failures:
            log(f"pipeline: {len(result.failures)} documents failed, e.g. {result.failures[0]}")
        return result, writes
    finally:
        await wire.stop()
        await stack.stop()


async def _progress(pipeline: Pipeline) -> None:
    started = time.perf_counter()
    while True:
        await asyncio.sleep(30)
        done = pipeline.documents_done * pipeline.lines_per_document
        log(f"  ... {done} lines after {time.perf_counter() - started:.0f}s")


async def baseline_dsn(infra: Infra) -> str:
    return await infra.create_database("bench_baseline")


async def pipeline_figures(infra: Infra, args, report: Report) -> None:
    log(f"pipeline: {args.seconds:.0f}s of documents of 10 lines over {args.items_per_document} item(s)")
    result, writes = await run_pipeline(infra, args, 1, args.seconds)
    log(f"pipeline: {result.lines_per_second:.0f} lines/s, {writes:.1f} row writes per line, "
        f"{result.commands} commands, {len(result.failures)} failures")
    conditions = (f"{result.lines} lines, {result.documents} documents in {result.seconds:.1f}s, {args.window} in "
                  f"flight, {args.items_per_document} item(s) per document, {writes:.1f} row writes per line")
    if not result.lines:
        report.figures.append(failed("pipeline: lines/s", f"no document completed: {result.failures[:1]}",
                                     ">= 600 lines/s"))
        return
    messages = min(result.lines, args.baseline_messages)
    base = await baseline.run_baseline(infra.bootstrap, await baseline_dsn(infra), messages, max(1, round(writes)))
    log(f"baseline relay: {base:.0f} messages/s with {round(writes)} row writes each")
    rate = result.lines_per_second
    report.figures += [
        Figure("pipeline: lines/s (documents of 10 lines)", f"{rate:.0f}", target=">= 600 lines/s", met=rate >= 600,
               conditions=conditions, measured=rate),
        ratio_figure("pipeline: lines/s against the bare relay", rate, base, "",
                     f"{base:.0f} msg/s ({round(writes)} writes/msg, {messages} msgs)", ">= 0.5 of the relay",
                     rate / base >= 0.5, conditions),
    ]
    if result.failures:
        report.figures.append(failed("pipeline: failed documents", f"{len(result.failures)}: {result.failures[0]}",
                                     "0"))
    if args.wide_lines:
        await wide_pipeline_figure(infra, args, report)


async def wide_pipeline_figure(infra: Infra, args, report: Report) -> None:
    log("pipeline, every line its own item")
    wide_args = argparse.Namespace(**{**vars(args), "items_per_document": 10, "lines": args.wide_lines})
    wide, wide_writes = await run_pipeline(infra, wide_args, 1, args.seconds)
    wide_base = await baseline.run_baseline(infra.bootstrap, await baseline_dsn(infra),
                                            max(1, min(wide.lines, args.baseline_messages)), round(wide_writes))
    log(f"pipeline, every line its own item: {wide.lines_per_second:.0f} lines/s, {wide_writes:.1f} row writes "
        f"per line, {len(wide.failures)} failures{', e.g. ' + wide.failures[0] if wide.failures else ''}")
    report.figures.append(ratio_figure(
        "pipeline, 10 items per document: lines/s", wide.lines_per_second, wide_base, "",
        f"{wide_base:.0f} msg/s ({round(wide_writes)} writes/msg)", "(shape comparison)", None,
        f"{wide.lines} lines, {wide_writes:.1f} row writes per line"))


async def scale_figures(infra: Infra, args, report: Report) -> None:
    rates = {}
    runs = [(1, 1), (2, 1)] + ([(1, args.what_if_workers)] if args.what_if_workers > 1 else [])
    for instances, workers in runs:
        log(f"scale: {args.scale_seconds:.0f}s with {instances} instance(s) of each service, "
            f"{workers} consumer(s) per subscription")
        result, _ = await run_pipeline(infra, args, instances, args.scale_seconds, measure_writes=False,
                                       workers=workers)
        if not result.lines:
            report.figures.append(failed(f"scale: {instances} instance(s), {workers} consumer(s)",
                                         f"no document completed: {result.failures[:1]}", ">= 1.6"))
            return
        rates[(instances, workers)] = result.lines_per_second
        log(f"scale: {result.lines_per_second:.0f} lines/s")
    one, two = rates[(1, 1)], rates[(2, 1)]
    report.figures.append(ratio_figure(
        "scale: 2 instances of each service against 1", two, one, " lines/s", f"{one:.0f} lines/s (1 instance)",
        ">= 1.6", two / one >= 1.6, f"{args.scale_seconds:.0f}s of documents each, same consumer groups"))
    if (1, args.what_if_workers) in rates:
        what_if = rates[(1, args.what_if_workers)]
        report.figures.append(ratio_figure(
            f"what-if: {args.what_if_workers} consumers per subscription, 1 instance", what_if, one, " lines/s",
            f"{one:.0f} lines/s", "(not the product)", None, "tests/benchmarks/launch.py"))


# --- one document of N serials ---------------------------------------------------------------------
async def serial_figures(infra: Infra, args, report: Report) -> None:
    sizes = [int(n) for n in args.serials.split(",") if n.strip()]
    log(f"serials: one document each of {', '.join(f'{n:,}' for n in sizes)} serial numbers")
    runs = await serials.measure_sizes(infra, sizes, args.part_lines, args.step_timeout)
    report.serial_runs += runs
    for run in runs:
        log(f"serials: {run.serials:,}: " + ", ".join(
            f"{name} {run.seconds[name]:.2f}s" if name in run.seconds else f"{name} FAILED ({run.failed[name][:160]})"
            for name in serials.STEPS))
        report.figures.append(serial_total(run))
    report.figures += serial_growth(runs)


TOTAL = "receipt command to the inventory's posting of the shipment"


def serial_total(run: serials.SerialRun) -> Figure:
    name = f"{run.serials:,} serials: {TOTAL} (s)"
    target = "<= 10 s" if run.serials == 10_000 else ""
    if run.total is None:
        first = next(iter(run.failed.items()))
        return failed(name, f"{first[0]}: {first[1]}", target)
    return Figure(name, f"{run.total:.2f} ({1000 * run.total / run.serials:.2f} ms/line)", target=target,
                  met=run.total <= 10 if target else None, measured=run.total,
                  conditions=f"one item, one line of {run.serials:,} units, at most {run.lines_per_command:,} "
                             "serial lines per command")


def serial_growth(runs: list[serials.SerialRun]) -> list[Figure]:
    """Per-line cost at the largest size against the smallest; if the largest failed, also the largest
    that completed (not judged: the target is about the sizes asked for)."""
    small, large = runs[0], runs[-1]
    name = f"serials: per-line cost at {large.serials:,} against {small.serials:,}"
    if len(runs) < 2:
        return [failed(name, "needs two sizes (--serials)", "<= 1.5")]
    if small.total is not None and large.total is not None:
        return [growth(name, small, large, "<= 1.5 (10,000 against 100)")]
    figures = [failed(name, "a size did not complete (see its row)", "<= 1.5")]
    completed = [run for run in runs if run.total is not None]
    if len(completed) >= 2:
        first, last = completed[0], completed[-1]
        figures.append(growth(f"serials: per-line cost at {last.serials:,} against {first.serials:,} "
                              "(largest size that completed)", first, last, ""))
    return figures


def growth(name: str, small: serials.SerialRun, large: serials.SerialRun, target: str) -> Figure:
    assert small.total is not None and large.total is not None
    per_small, per_large = small.total / small.serials, large.total / large.serials
    return Figure(name, f"{1000 * per_large:.3f} ms/line", f"{1000 * per_small:.3f} ms/line",
                  f"{per_large / per_small:.2f}", target, per_large / per_small <= 1.5 if target else None,
                  f"{TOTAL}, divided by the serials", per_large, per_small)


# --- reservations ----------------------------------------------------------------------------------
async def reservation_latencies(infra: Infra, args, workers: int = 1, rate: float | None = None,
                                decisions: int | None = None) -> tuple[list[float], float]:
    """Latencies of `decisions` Reserve commands at `rate` (default: the arguments'), and row writes per decision."""
    rate, decisions = rate or args.rate, decisions or args.decisions
    stack = await BenchStack.start(infra, 1, workers)
    wire = make_wire(infra.bootstrap)
    try:
        await wire.start()
        driver = Driver(wire, timeout=args.step_timeout)
        location = f"RSV-{uuid.uuid4().hex[:6]}"
        items = [f"RS-{uuid.uuid4().hex[:6]}-{n}" for n in range(args.reservation_items)]
        await prepare(driver, location, items)
        await wait_until_replicated(stack.warehouse.url, stack.inventory.url, location, items, args.step_timeout)
        await reservations.stock_up(driver, location, items)
        # warm-up
        await reservations.offered_load(driver, location, items, rate, min(200, decisions), args.step_timeout)
        before = await stack.settled_row_writes()
        latencies = await reservations.offered_load(driver, location, items, rate, decisions, args.step_timeout)
        writes = ((await stack.settled_row_writes()) - before) / decisions
        service_ms = await handling_ms(stack.inventory.url, "reservation.reserve")
        log(f"reservations: service time per decision {service_ms:.1f}"
            f" ms on average (the inventory's handling_seconds: inbox to commit)")
    finally:
        await wire.stop()
        await stack.stop()
    return latencies, writes


async def handling_ms(url: str, message_type: str) -> float:
    """Mean handling time of a message type from the service's Prometheus metrics."""
    import re

    import httpx

    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{url}/metrics")).text
    sums, counts = 0.0, 0.0
    for line in text.splitlines():
        found = re.match(r'\w*handling_seconds_(sum|count)\{[^}]*message_type="[^"]*' + re.escape(message_type)
                         + r'[^"]*"[^}]*\} (\S+)', line)
        if found:
            if found.group(1) == "sum":
                sums += float(found.group(2))
            else:
                counts += float(found.group(2))
    return 1000 * sums / counts if counts else float("nan")


def late(ms: float, args) -> str:
    return f"{ms:.1f}" if math.isfinite(ms) else f"> {1000 * args.step_timeout:.0f} (not answered in time)"


async def reservation_figures(infra: Infra, args, report: Report) -> None:
    log(f"reservations: {args.decisions} decisions offered at {args.rate}/s")
    latencies, writes = await reservation_latencies(infra, args)
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    log(f"reservations: p50 {p50:.1f} ms, p99 {p99:.1f} ms, {writes:.1f} row writes per decision")
    base = await baseline.run_baseline_latency(infra.bootstrap, await baseline_dsn(infra), args.rate, args.decisions,
                                               max(1, round(writes)))
    b50, b99 = percentile(base, 50) * 1000, percentile(base, 99) * 1000
    log(f"baseline relay at the same rate: p50 {b50:.1f} ms, p99 {b99:.1f} ms")
    unanswered = sum(1 for latency in latencies if math.isinf(latency))
    conditions = (f"{args.decisions} Reserve commands at {args.rate}/s, open loop, "
                  f"over {args.reservation_items} items, {writes:.1f} row writes per decision, "
                  f"{unanswered} not answered within {args.step_timeout:.0f}s")
    figures = [
        Figure(f"reservation decisions at {args.rate:.0f}/s: p50 (ms)", late(p50, args), f"{b50:.1f} (relay)",
               f"{p50 / b50:.2f}", "", None, conditions, p50, b50),
        Figure(f"reservation decisions at {args.rate:.0f}/s: p99 (ms)", late(p99, args), f"{b99:.1f} (relay)",
               f"{p99 / b99:.2f}", "<= 50 ms", p99 <= 50, conditions, p99, b99),
    ]
    if args.low_rate:
        count = int(args.low_rate * 15)
        log(f"reservations: {count} decisions offered at {args.low_rate}/s")
        low, _ = await reservation_latencies(infra, args, rate=args.low_rate, decisions=count)
        l50, l99 = percentile(low, 50) * 1000, percentile(low, 99) * 1000
        log(f"reservations at {args.low_rate}/s: p50 {l50:.1f} ms, p99 {l99:.1f} ms")
        base_low = await baseline.run_baseline_latency(infra.bootstrap, await baseline_dsn(infra), args.low_rate,
                                                       count, max(1, round(writes)))
        bl99 = percentile(base_low, 99) * 1000
        figures.append(Figure(f"reservation decisions at {args.low_rate:.0f}/s: p99 (ms)", f"{l99:.1f} (p50 {l50:.1f})",
                              f"{bl99:.1f} (relay)", f"{l99 / bl99:.2f}", "(below saturation)", None,
                              f"{count} Reserve commands at {args.low_rate}/s, otherwise as above", l99, bl99))
    if args.what_if_workers > 1 and args.what_if_reservations:
        log(f"reservations, what-if {args.what_if_workers} consumers per subscription")
        what_if, _ = await reservation_latencies(infra, args, args.what_if_workers)
        w50, w99 = percentile(what_if, 50) * 1000, percentile(what_if, 99) * 1000
        log(f"reservations, what-if: p50 {w50:.1f} ms, p99 {w99:.1f} ms")
        figures.append(Figure(f"what-if: {args.what_if_workers} consumers per subscription: decision p99 (ms)",
                              f"{w99:.1f} (p50 {w50:.1f})", f"{b99:.1f}", f"{w99 / b99:.2f}", "(not the product)",
                              None, conditions + ", tests/benchmarks/launch.py", w99, b99))
    report.figures += figures


# --- availability ----------------------------------------------------------------------------------
async def availability_figures(infra: Infra, args, report: Report) -> None:
    per_item = 100
    small_items, all_items = 100, max(100, args.entries // per_item)
    stack = await BenchStack.start(infra, 1)
    try:
        url, dsn = stack.inventory.url, stack.inventory_db
        await availability.bulk_load(dsn, 0, small_items, reservations_per_item=args.reservations_per_item)
        entries, reserved = await availability.counts(dsn)
        log(f"availability: {entries} entries, {reserved} reservations loaded")
        await availability.check_answer(url, 0, reservations_per_item=args.reservations_per_item)
        health = await availability.query_latencies(url, lambda _: "/healthz", [0], args.queries)
        small = await availability.query_latencies(url, availability.availability_path, list(range(small_items)),
                                                   args.queries)
        started = time.perf_counter()
        await availability.bulk_load(dsn, small_items, all_items - small_items,
                                     reservations_per_item=args.reservations_per_item)
        big_entries, big_reserved = await availability.counts(dsn)
        log(f"availability: {big_entries} entries, {big_reserved} reservations loaded "
            f"({time.perf_counter() - started:.0f}s, set-based)")
        await availability.check_answer(url, all_items - 1, reservations_per_item=args.reservations_per_item)
        big = await availability.query_latencies(url, availability.availability_path, list(range(all_items)),
                                                 args.queries)
    finally:
        await stack.stop()
    h99 = percentile(health, 99) * 1000
    s50, s99 = percentile(small, 50) * 1000, percentile(small, 99) * 1000
    b50, b99 = percentile(big, 50) * 1000, percentile(big, 99) * 1000
    log(f"availability: {entries} entries p99 {s99:.2f} ms; {big_entries} entries p99 {b99:.2f} ms; healthz {h99:.2f}")
    shape = f"{per_item} entries over 20 lots per item, {args.reservations_per_item} reservations per item"
    conditions = f"{args.queries} sequential GETs, {shape}; seeded with INSERT ... SELECT generate_series"
    report.figures += [
        Figure(f"availability p50 (ms), {big_entries:,} entries", f"{b50:.2f}", f"{s50:.2f} ({entries:,} entries)",
               f"{b50 / s50:.2f}", "", None, conditions, b50, s50),
        Figure(f"availability p99 (ms), {big_entries:,} entries / {big_reserved:,} reservations", f"{b99:.2f}",
               f"{s99:.2f} ({entries:,} entries)", f"{b99 / s99:.2f}", "<= 5 ms", b99 <= 5, conditions, b99, s99),
        Figure("HTTP floor: GET /healthz p99 (ms)", f"{h99:.2f}", conditions="same service, same client",
               measured=h99),
    ]


# --- recall (R1) -----------------------------------------------------------------------------------
async def recall_figures(infra: Infra, args, report: Report) -> None:
    small_items, all_items = 100, max(100, args.entries // recalls.PER_ITEM)
    stack = await BenchStack.start(infra, 1)
    try:
        apis = ReadApis(stack.warehouse.url, stack.inventory.url)
        await recalls.bulk_load(stack.inventory_db, stack.warehouse_db, 0, small_items)
        await recalls.check_answer(apis, 0)
        entries, _ = await availability.counts(stack.inventory_db)
        small = await recalls.latencies(apis, recalls.numbers(small_items), args.queries)
        started = time.perf_counter()
        await recalls.bulk_load(stack.inventory_db, stack.warehouse_db, small_items, all_items - small_items)
        big_entries, _ = await availability.counts(stack.inventory_db)
        log(f"recall: {big_entries} entries loaded ({time.perf_counter() - started:.0f}s, set-based)")
        await recalls.check_answer(apis, all_items - 2)
        big = await recalls.latencies(apis, recalls.numbers(all_items), args.queries)
    finally:
        await stack.stop()
    s50, s99 = percentile(small, 50) * 1000, percentile(small, 99) * 1000
    b50, b99 = percentile(big, 50) * 1000, percentile(big, 99) * 1000
    log(f"recall: {entries} entries p50 {s50:.2f} ms p99 {s99:.2f} ms; {big_entries} entries p50 {b50:.2f} ms "
        f"p99 {b99:.2f} ms")
    conditions = (f"{args.queries} sequential recalls of a random lot or serial without the item, as `slt recall` "
                  f"makes them (inventory GET /recall, every page, and warehouse GET /recall, joined); {recalls.PER_ITEM} "
                  "entries per item (half lot-, half serial-tracked); seeded with INSERT ... SELECT generate_series")
    report.figures += [
        Figure(f"recall p50 (ms), {big_entries:,} entries", f"{b50:.2f}", f"{s50:.2f} ({entries:,} entries)",
               f"{b50 / s50:.2f}", "", None, conditions, b50, s50),
        Figure(f"recall p99 (ms), {big_entries:,} entries", f"{b99:.2f}", f"{s99:.2f} ({entries:,} entries)",
               f"{b99 / s99:.2f}", "<= 50 ms", b99 <= 50, conditions, b99, s99),
    ]


# --- report ----------------------------------------------------------------------------------------
def cpu_and_memory() -> tuple[str, int]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")), 0)
    return cpu, memory_kb


async def machine(infra: Infra) -> dict[str, str]:
    cpu, memory_kb = cpu_and_memory()
    conn = await asyncpg.connect(infra.server_dsn)
    try:
        postgres = await conn.fetchval("SHOW server_version")
        settings = {r["name"]: r["setting"] for r in await conn.fetch(
            "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers')")}
    finally:
        await conn.close()
    from localstack.kafka import KAFKA_VERSION

    load = os.getloadavg()
    return {
        "cores (nproc)": str(len(os.sched_getaffinity(0))), "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu, "python": platform.python_version(),
        "kafka": KAFKA_VERSION if infra.kind == "local processes" else infra.kind,
        "postgresql": f"{postgres} (fsync={settings.get('fsync')}, "
                      f"synchronous_commit={settings.get('synchronous_commit')})",
        "os": platform.platform(), "load before the run (1/5/15 min)": f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        "infrastructure": infra.kind,
    }


def table(figures: list[Figure]) -> str:
    rows = ["| figure | measured | baseline (same run) | ratio | target | met |", "|---|---|---|---|---|---|"]
    for f in figures:
        met = "" if f.met is None else ("met" if f.met else "**missed**")
        rows.append(f"| {f.name} | {f.value} | {f.baseline} | {f.ratio} | {f.target} | {met} |")
    return "\n".join(rows)


def serial_table(runs: list[serials.SerialRun]) -> str:
    """Seconds per step (and ms per serial line) for each size; a failed step with its reason."""
    def cell(run: serials.SerialRun, step: str) -> str:
        if step in run.seconds:
            return f"{run.seconds[step]:.2f} s ({1000 * run.seconds[step] / run.serials:.2f} ms/line)"
        return f"**failed**: {run.failed.get(step, '?')[:200]}"

    rows = ["| step: command -> the fact that answers it | " + " | ".join(f"{r.serials:,} serials" for r in runs)
            + " |", "|---|" + "---|" * len(runs)]
    rows += [f"| {step} | " + " | ".join(cell(r, step) for r in runs) + " |" for step in serials.STEPS]
    rows.append(f"| {TOTAL} | " + " | ".join(f"{r.total:.2f} s" if r.total is not None else "**failed**"
                                            for r in runs) + " |")
    return "\n".join(rows)


def console(report: Report) -> str:
    return table(report.figures) + ("\n\n" + serial_table(report.serial_runs) if report.serial_runs else "")


RUN_START, RUN_END = "<!-- bench run: start -->", "<!-- bench run: end -->"


def command_line(argv: list[str]) -> str:
    """The sizes the run was asked for; where it wrote its files is left out (no paths of a machine)."""
    shown, skip = [], False
    for arg in argv:
        if skip or arg.startswith(("--doc=", "--json=")):
            skip = False
            continue
        skip = arg in ("--doc", "--json")
        if not skip:
            shown.append(arg)
    return " ".join(["python -m tests.benchmarks", *shown])


def run_section(report: Report, host: dict[str, str], seconds: float, when: datetime | None = None,
                argv: list[str] | None = None) -> str:
    conditions = "\n".join(f"- **{f.name}**: {f.conditions}" for f in report.figures if f.conditions)
    fit = (f"At most {serials.lines_that_fit('receipt'):,} serial lines fit in one `PostReceipt` and "
           f"{serials.lines_that_fit('pick'):,} pick lines in one `RegisterPick` (JSON as the bench writes it, "
           f"within {serials.COMMAND_BUDGET:,} bytes of a {serials.BROKER_LIMIT:,}-byte request); bigger "
           "documents go in parts.")
    started = (when or datetime.now(UTC)).strftime('%Y-%m-%d %H:%M UTC')
    command = command_line(sys.argv[1:] if argv is None else argv)
    return f"""{RUN_START}
Run of {started}: `{command}`,
{seconds / 60:.1f} minutes. Every figure was measured in the same run as its baseline, on the same broker and
PostgreSQL server. The machine is shared: other developers' test suites ran on it at the same time (see the
load average).

### Machine

| | |
|---|---|
{chr(10).join(f"| {k} | {v} |" for k, v in host.items())}

### Figures

{table(report.figures)}

### One document of N serials

{serial_table(report.serial_runs) if report.serial_runs else "(not run)"}

{fit}

Conditions:
{conditions}
{RUN_END}"""


def previous_run(doc: Path) -> str:
    """The latest run of the document being replaced, kept as the previous one (two runs side by side)."""
    text = doc.read_text() if doc.exists() else ""
    if RUN_START not in text or RUN_END not in text:
        return ""
    section = text[text.index(RUN_START):text.index(RUN_END) + len(RUN_END)]
    return "\n\n## Previous run\n\n" + section


def document(report: Report, host: dict[str, str], seconds: float, doc: Path, when: datetime | None = None,
             argv: list[str] | None = None) -> str:
    return f"""# Benchmarks

Written by `make bench` (tests/benchmarks/). Each run replaces the latest run below and keeps the one
before it, so the file always shows the figures of two runs; how each figure is measured, the profile
and what changed follow them.

## Latest run

{run_section(report, host, seconds, when, argv)}{previous_run(doc)}

{NOTES.read_text()}"""


Scenario = Callable[[Infra, argparse.Namespace, Report], Awaitable[None]]


async def guarded(name: str, scenario: Scenario, infra: Infra, args, report: Report) -> None:
    """Run a scenario within --scenario-timeout; a failure becomes a failed figure and the run goes on."""
    try:
        await asyncio.wait_for(scenario(infra, args, report), args.scenario_timeout)
    except Exception as error:  # reported in the table, with its reason
        reason = f"no result within {args.scenario_timeout:.0f}s" if isinstance(error, TimeoutError) else repr(error)
        log(f"{name}: FAILED: {reason}")
        report.figures.append(failed(f"{name}: scenario", reason, "completes"))


SCENARIOS: dict[str, Scenario] = {
    "pipeline": pipeline_figures, "serials": serial_figures, "reservations": reservation_figures,
    "availability": availability_figures, "recall": recall_figures, "scale": scale_figures,
}


async def main(args) -> int:
    started = time.perf_counter()
    infra = await asyncio.to_thread(start_infra)
    report = Report()
    try:
        host = await machine(infra)
        for name, scenario in SCENARIOS.items():
            if name not in args.skip:
                await guarded(name, scenario, infra, args, report)
    finally:
        await asyncio.to_thread(infra.stop)
    seconds = time.perf_counter() - started
    print()
    print(console(report))
    print(f"\n{len(report.figures)} figures in {seconds / 60:.1f} minutes")
    save(report, host, seconds, args)
    return 0


def save(report: Report, host: dict[str, str], seconds: float, args) -> None:
    if args.json:
        Path(args.json).write_text(json.dumps({"seconds": seconds, "machine": host, **asdict(report)}, indent=1))
    if args.write:
        args.doc.write_text(document(report, host, seconds, args.doc))
        print(f"written to {args.doc}")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--seconds", type=float, default=60.0, help="seconds of pipeline documents (no new one starts after)")
    add("--lines", type=int, default=200_000, help="at most this many lines through the pipeline")
    add("--items-per-document", type=int, default=1, choices=range(1, 11), metavar="1..10",
        help="items the 10 lines of a document are spread over (facts are split per item)")
    add("--wide-lines", type=int, default=0, help="also a pipeline run with 10 items per document, at most N lines")
    add("--window", type=int, default=64, help="documents in flight")
    add("--items", type=int, default=200, help="items the documents draw from")
    add("--baseline-messages", type=int, default=5000, help="messages the throughput baseline relays (at most)")
    add("--serials", default="100,1000,10000", help="sizes of the one-document runs, comma separated")
    add("--part-lines", type=int, default=0,
        help="serial lines per command of a one-document run (0: as many as fit the broker's message limit)")
    add("--step-timeout", type=float, default=60.0, help="seconds a step may take before it counts as failed")
    add("--scenario-timeout", type=float, default=420.0, help="seconds a scenario may take before it counts as failed")
    add("--rate", type=float, default=200.0, help="offered reservation commands per second")
    add("--decisions", type=int, default=3000, help="reservation commands offered")
    add("--reservation-items", type=int, default=100, help="items the reservations spread over")
    add("--low-rate", type=float, default=50.0, help="also offer reservations at this lower rate for 15 s (0: skip)")
    add("--entries", type=int, default=1_000_000, help="ledger entries for the availability query")
    add("--reservations-per-item", type=int, default=10,
        help="reservations per item of 100 entries (10: 100,000 per 1,000,000 entries)")
    add("--queries", type=int, default=1000, help="availability requests per measurement")
    add("--scale-seconds", type=float, default=20.0, help="seconds of documents per run of the scale comparison")
    add("--what-if-workers", type=int, default=0,
        help="also measure the pipeline with N Kafka consumers per subscription (launch.py; 0: skip)")
    add("--what-if-reservations", action="store_true",
        help="the what-if for reservation decisions too (saturated at 200/s either way)")
    add("--skip", nargs="*", default=[], choices=list(SCENARIOS))
    add("--no-write", dest="write", action="store_false", help="do not write docs/benchmarks.md")
    add("--doc", type=Path, default=DOC, help="where to write the report")
    add("--json", help="also write every figure as JSON to this file (the harness's self-check reads it)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
