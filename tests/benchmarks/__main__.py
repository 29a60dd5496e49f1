"""`python -m tests.benchmarks` (`make bench`): every figure of issue 6 beside a baseline of the same run.

Starts its own Kafka and PostgreSQL (or uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL, like the tests),
runs both services as real processes on fresh databases per scenario, prints a table and writes
docs/benchmarks.md with the machine it ran on. Smaller runs for trying the harness:
`python -m tests.benchmarks --lines 1000 --scale-lines 500 --decisions 400 --entries 100000 --no-write`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from tests.benchmarks import availability, baseline, reservations
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
    baseline: str
    ratio: str
    target: str
    met: bool | None
    conditions: str = ""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- pipeline --------------------------------------------------------------------------------------
async def run_pipeline(infra: Infra, lines: int, instances: int, items_per_document: int, window: int,
                       items: int, measure_writes: bool = True, workers: int = 1) -> tuple[PipelineResult, float]:
    """Returns the result and the row writes per line (both databases, from pg_stat_database)."""
    stack = await BenchStack.start(infra, instances, workers)
    wire = make_wire(infra.bootstrap)
    try:
        await wire.start()
        driver = Driver(wire)
        location, item_nos = f"BENCH-{uuid.uuid4().hex[:6]}", [f"IT-{uuid.uuid4().hex[:6]}-{n}" for n in range(items)]
        await prepare(driver, location, item_nos)
        await wait_until_replicated(stack.warehouse.url, stack.inventory.url, location, item_nos)
        warm = Pipeline(driver, location, item_nos, 10, items_per_document, reserve=False, seed=1)
        await warm.run(max(4, window // 4), window)  # caches, prepared statements, group assignments settle
        before = await stack.settled_row_writes() if measure_writes else 0
        pipeline = Pipeline(driver, location, item_nos, 10, items_per_document, reserve=False)
        progress = asyncio.create_task(_progress(pipeline, lines))
        try:
            result = await pipeline.run(max(1, lines // 10), window)
        finally:
            progress.cancel()
        writes = ((await stack.settled_row_writes()) - before) / result.lines if measure_writes else 0.0
        if result.failures:
            log(f"pipeline: {len(result.failures)} documents failed, e.g. {result.failures[0]}")
        return result, writes
    finally:
        await wire.stop()
        await stack.stop()


async def _progress(pipeline: Pipeline, lines: int) -> None:
    started = time.perf_counter()
    while True:
        await asyncio.sleep(30)
        done = pipeline.documents_done * pipeline.lines_per_document
        log(f"  ... {done} of {lines} lines after {time.perf_counter() - started:.0f}s")


async def baseline_dsn(infra: Infra) -> str:
    return await infra.create_database("bench_baseline")


async def pipeline_figures(infra: Infra, args) -> list[Figure]:
    log(f"pipeline: {args.lines} lines, documents of 10 lines over {args.items_per_document} item(s)")
    result, writes = await run_pipeline(infra, args.lines, 1, args.items_per_document, args.window, args.items)
    log(f"pipeline: {result.lines_per_second:.0f} lines/s, {writes:.1f} row writes per line, "
        f"{result.commands} commands, {len(result.failures)} failures")
    messages = min(args.lines, args.baseline_messages)
    base = await baseline.run_baseline(infra.bootstrap, await baseline_dsn(infra), messages, max(1, round(writes)))
    log(f"baseline relay: {base:.0f} messages/s with {round(writes)} row writes each")
    conditions = (f"{result.lines} lines, {result.documents} documents, {args.window} in flight, "
                  f"{args.items_per_document} item(s) per document, {writes:.1f} row writes per line")
    figures = [
        Figure("pipeline: lines/s end to end", f"{result.lines_per_second:.0f}",
               f"{base:.0f} msg/s ({round(writes)} writes/msg)", f"{result.lines_per_second / base:.2f}",
               ">= 0.5 of baseline", result.lines_per_second / base >= 0.5, conditions),
        Figure("pipeline: lines/s absolute", f"{result.lines_per_second:.0f}", "", "", ">= 2,000 lines/s",
               result.lines_per_second >= 2000, conditions),
    ]
    if result.failures:
        figures.append(Figure("pipeline: failed documents", str(len(result.failures)), "", "", "0", False))
    if args.wide_lines:
        log(f"pipeline, every line its own item: {args.wide_lines} lines")
        wide, wide_writes = await run_pipeline(infra, args.wide_lines, 1, 10, args.window, args.items)
        wide_base = await baseline.run_baseline(infra.bootstrap, await baseline_dsn(infra),
                                                min(args.wide_lines, args.baseline_messages), round(wide_writes))
        log(f"pipeline, every line its own item: {wide.lines_per_second:.0f} lines/s, {wide_writes:.1f} row writes "
            f"per line, {len(wide.failures)} failures{', e.g. ' + wide.failures[0] if wide.failures else ''}")
        figures.append(Figure(
            "pipeline, 10 items per document: lines/s", f"{wide.lines_per_second:.0f}",
            f"{wide_base:.0f} msg/s ({round(wide_writes)} writes/msg)", f"{wide.lines_per_second / wide_base:.2f}",
            "(shape comparison)", None, f"{wide.lines} lines, {wide_writes:.1f} row writes per line"))
    return figures


async def scale_figures(infra: Infra, args) -> list[Figure]:
    rates = {}
    runs = [(1, 1), (2, 1)] + ([(1, args.what_if_workers)] if args.what_if_workers > 1 else [])
    for instances, workers in runs:
        log(f"scale: {args.scale_lines} lines with {instances} instance(s) of each service, "
            f"{workers} consumer(s) per subscription")
        result, _ = await run_pipeline(infra, args.scale_lines, instances, args.items_per_document, args.window,
                                       args.items, measure_writes=False, workers=workers)
        rates[(instances, workers)] = result.lines_per_second
        log(f"scale: {result.lines_per_second:.0f} lines/s")
    one = rates[(1, 1)]
    figures = [Figure("scale: 2 instances of each service vs 1", f"{rates[(2, 1)]:.0f} lines/s", f"{one:.0f} lines/s",
                      f"{rates[(2, 1)] / one:.2f}", "reported", None,
                      f"{args.scale_lines} lines each, same consumer groups, one relay per database")]
    if (1, args.what_if_workers) in rates:
        what_if = rates[(1, args.what_if_workers)]
        figures.append(Figure(f"what-if: {args.what_if_workers} consumers per subscription, 1 instance",
                              f"{what_if:.0f} lines/s", f"{one:.0f} lines/s", f"{what_if / one:.2f}", "(not the product)",
                              None, f"{args.scale_lines} lines, tests/benchmarks/launch.py"))
    return figures


# --- reservations ----------------------------------------------------------------------------------
async def reservation_latencies(infra: Infra, args, workers: int = 1, rate: float | None = None,
                                decisions: int | None = None) -> tuple[list[float], float]:
    """Latencies of `decisions` Reserve commands at `rate` (default: the arguments'), and row writes per decision."""
    rate, decisions = rate or args.rate, decisions or args.decisions
    stack = await BenchStack.start(infra, 1, workers)
    wire = make_wire(infra.bootstrap)
    try:
        await wire.start()
        driver = Driver(wire)
        location = f"RSV-{uuid.uuid4().hex[:6]}"
        items = [f"RS-{uuid.uuid4().hex[:6]}-{n}" for n in range(args.reservation_items)]
        await prepare(driver, location, items)
        await wait_until_replicated(stack.warehouse.url, stack.inventory.url, location, items)
        await reservations.stock_up(driver, location, items)
        await reservations.offered_load(driver, location, items, rate, min(200, decisions))  # warm-up
        before = await stack.settled_row_writes()
        latencies = await reservations.offered_load(driver, location, items, rate, decisions)
        writes = ((await stack.settled_row_writes()) - before) / decisions
        log(f"reservations: service time per decision {await handling_ms(stack.inventory.url, 'reservation.reserve'):.1f}"
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


async def reservation_figures(infra: Infra, args) -> list[Figure]:
    log(f"reservations: {args.decisions} decisions offered at {args.rate}/s")
    latencies, writes = await reservation_latencies(infra, args)
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    log(f"reservations: p50 {p50:.1f} ms, p99 {p99:.1f} ms, {writes:.1f} row writes per decision")
    base = await baseline.run_baseline_latency(infra.bootstrap, await baseline_dsn(infra), args.rate, args.decisions,
                                               max(1, round(writes)))
    b50, b99 = percentile(base, 50) * 1000, percentile(base, 99) * 1000
    log(f"baseline relay at the same rate: p50 {b50:.1f} ms, p99 {b99:.1f} ms")
    conditions = (f"{args.decisions} Reserve commands at {args.rate}/s, open loop, over {args.reservation_items} items, "
                  f"{writes:.1f} row writes per decision")
    figures = [
        Figure("reservation decision p50 (ms)", f"{p50:.1f}", f"{b50:.1f}", f"{p50 / b50:.2f}", "", None, conditions),
        Figure("reservation decision p99 (ms)", f"{p99:.1f}", f"{b99:.1f}", f"{p99 / b99:.2f}", "<= 50 ms",
               p99 <= 50, conditions),
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
        figures.append(Figure(f"reservation decision p99 (ms) at {args.low_rate:.0f}/s", f"{l99:.1f} (p50 {l50:.1f})",
                              f"{bl99:.1f}", f"{l99 / bl99:.2f}", "(below saturation)", None,
                              f"{count} Reserve commands at {args.low_rate}/s, otherwise as above"))
    if args.what_if_workers > 1 and args.what_if_reservations:
        log(f"reservations, what-if {args.what_if_workers} consumers per subscription")
        what_if, _ = await reservation_latencies(infra, args, args.what_if_workers)
        w50, w99 = percentile(what_if, 50) * 1000, percentile(what_if, 99) * 1000
        log(f"reservations, what-if: p50 {w50:.1f} ms, p99 {w99:.1f} ms")
        figures.append(Figure(f"what-if: {args.what_if_workers} consumers per subscription: decision p99 (ms)",
                              f"{w99:.1f} (p50 {w50:.1f})", f"{b99:.1f}", f"{w99 / b99:.2f}", "(not the product)",
                              None, conditions + ", tests/benchmarks/launch.py"))
    return figures


# --- availability ----------------------------------------------------------------------------------
async def availability_figures(infra: Infra, args) -> list[Figure]:
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
    return [
        Figure(f"availability p50 (ms), {big_entries:,} entries", f"{b50:.2f}", f"{s50:.2f} ({entries:,} entries)",
               f"{b50 / s50:.2f}", "", None, f"{args.queries} sequential GETs, {shape}"),
        Figure(f"availability p99 (ms), {big_entries:,} entries / {big_reserved:,} reservations", f"{b99:.2f}",
               f"{s99:.2f} ({entries:,} entries)", f"{b99 / s99:.2f}", "p99 <= 5 ms and ratio <= 1.5",
               b99 <= 5 and b99 / s99 <= 1.5, f"{args.queries} sequential GETs, {shape}"),
        Figure("HTTP floor: GET /healthz p99 (ms)", f"{h99:.2f}", "", "", "", None, "same service, same client"),
    ]


# --- report ----------------------------------------------------------------------------------------
async def machine(infra: Infra) -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")), 0)
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
        "cores": str(os.cpu_count()), "memory": f"{memory_kb / 1024 / 1024:.1f} GiB", "cpu": cpu,
        "python": platform.python_version(), "kafka": KAFKA_VERSION if infra.kind == "local processes" else infra.kind,
        "postgresql": f"{postgres} (fsync={settings.get('fsync')}, synchronous_commit={settings.get('synchronous_commit')})",
        "os": platform.platform(), "load before the run": f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        "infrastructure": infra.kind,
    }


def table(figures: list[Figure]) -> str:
    rows = ["| figure | measured | baseline (same run) | ratio | target | met |", "|---|---|---|---|---|---|"]
    for f in figures:
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        rows.append(f"| {f.name} | {f.value} | {f.baseline} | {f.ratio} | {f.target} | {met} |")
    return "\n".join(rows)


def report(figures: list[Figure], host: dict[str, str], args, seconds: float) -> str:
    conditions = "\n".join(f"- **{f.name}**: {f.conditions}" for f in figures if f.conditions)
    return f"""# Benchmarks

Written by `make bench` (`python -m tests.benchmarks {' '.join(sys.argv[1:])}`) on
{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, in {seconds / 60:.1f} minutes. Every figure was measured in
the same run as its baseline, on the same broker and PostgreSQL server.

## Machine

| | |
|---|---|
{chr(10).join(f"| {k} | {v} |" for k, v in host.items())}

## Figures

{table(figures)}

Conditions:
{conditions}

{NOTES.read_text()}"""


async def main(args) -> int:
    started = time.perf_counter()
    infra = await asyncio.to_thread(start_infra)
    figures: list[Figure] = []
    try:
        host = await machine(infra)
        if "pipeline" not in args.skip:
            figures += await pipeline_figures(infra, args)
        if "reservations" not in args.skip:
            figures += await reservation_figures(infra, args)
        if "availability" not in args.skip:
            figures += await availability_figures(infra, args)
        if "scale" not in args.skip:
            figures += await scale_figures(infra, args)
    finally:
        await asyncio.to_thread(infra.stop)
    seconds = time.perf_counter() - started
    print()
    print(table(figures))
    print(f"\n{len(figures)} figures in {seconds / 60:.1f} minutes")
    if args.write:
        DOC.write_text(report(figures, host, args, seconds))
        print(f"written to {DOC.relative_to(REPO)}")
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000, help="tracked lines through the pipeline")
    parser.add_argument("--items-per-document", type=int, default=1, choices=range(1, 11), metavar="1..10",
                        help="items the 10 lines of a document are spread over (facts are split per item)")
    parser.add_argument("--wide-lines", type=int, default=0,
                        help="lines of a second, smaller pipeline run with 10 items per document (0: skip)")
    parser.add_argument("--window", type=int, default=64, help="documents in flight")
    parser.add_argument("--items", type=int, default=200, help="items the documents draw from")
    parser.add_argument("--baseline-messages", type=int, default=5000, help="messages the throughput baseline relays")
    parser.add_argument("--rate", type=float, default=200.0, help="offered reservation commands per second")
    parser.add_argument("--decisions", type=int, default=3000, help="reservation commands offered")
    parser.add_argument("--reservation-items", type=int, default=100, help="items the reservations spread over")
    parser.add_argument("--low-rate", type=float, default=50.0,
                        help="also offer reservations at this lower rate for 15 s (0: skip)")
    parser.add_argument("--entries", type=int, default=1_000_000, help="ledger entries for the availability query")
    parser.add_argument("--reservations-per-item", type=int, default=10,
                        help="reservations per item of 100 entries (10: 100,000 per 1,000,000 entries)")
    parser.add_argument("--queries", type=int, default=1000, help="availability requests per measurement")
    parser.add_argument("--scale-lines", type=int, default=1500, help="lines per run of the scale comparison")
    parser.add_argument("--what-if-workers", type=int, default=6,
                        help="also measure the pipeline with N Kafka consumers per subscription (launch.py; 0: skip)")
    parser.add_argument("--what-if-reservations", action="store_true",
                        help="the what-if for reservation decisions too (saturated at 200/s either way)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["pipeline", "reservations", "availability", "scale"])
    parser.add_argument("--no-write", dest="write", action="store_false", help="do not write docs/benchmarks.md")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
