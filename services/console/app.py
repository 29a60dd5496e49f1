"""The console's HTTP side: the page, a Server-Sent Events stream of the fact topics (the latest facts
first, then live), and queries: availability, trace (JSON and CSV), consumer-group lag and
transfer orders."""

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles

from console.settings import ConsoleSettings
from contracts.catalog import REFUSALS
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_EVENTS
from slt_cli import kafka, transfers
from slt_cli import lag as consumer_lag
from slt_cli.errors import INVALID_INPUT, CliError
from slt_cli.kafka import Record
from slt_cli.readapi import ReadApis
from slt_cli.recall import csv_text as recall_csv
from slt_cli.recall import recall
from slt_cli.trace import Step, trace
from slt_cli.watch import Filter

STATIC = Path(__file__).parent / "static"
FACT_TOPICS = [WAREHOUSE_EVENTS, INVENTORY_EVENTS]
KEEP_ALIVE_SECONDS = 15.0


def create_app(settings: ConsoleSettings) -> FastAPI:
    app = FastAPI(title="serial and lot tracking: operator console")
    token = settings.read_api_token.get_secret_value() if settings.read_api_token else None
    read_apis = ReadApis(settings.warehouse_url, settings.inventory_url, token)
    bootstrap = settings.kafka_bootstrap_servers

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok", "service": "console"}

    @app.get("/api/events")
    async def events(request: Request, item: str | None = None, recent: int | None = None) -> StreamingResponse:
        """Facts of both services, one SSE `fact` event each: the latest `recent` first (default: the console's
        setting), then `ready`, then live ones; `item` narrows them."""
        only = Filter(fields={"item_no": item} if item else {})
        latest = settings.recent_facts if recent is None else max(recent, 0)
        return StreamingResponse(
            _stream(request, bootstrap, only, latest),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    _add_queries(app, read_apis, bootstrap)
    _add_transfer_queries(app, read_apis)
    _add_recall(app, read_apis)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _add_queries(app: FastAPI, read_apis: ReadApis, bootstrap: str) -> None:
    """What the page asks: availability, a trace (JSON for drawing, CSV for a spreadsheet), consumer-group lag."""

    @app.get("/api/availability/{item_no}")
    async def availability(item_no: str, location: str | None = None) -> dict:
        async with read_apis.open() as read:
            return await _answer(read.inventory(f"/availability/{item_no}", location=location or None))

    @app.get("/api/trace")
    async def trace_of(serial: str = "", lot: str = "", item: str | None = None) -> dict:
        async with read_apis.open() as read:
            found = await _answer(trace(read, bootstrap, item or None, serial, lot))
        return found.as_json()

    @app.get("/api/trace.csv")
    async def trace_csv(serial: str = "", lot: str = "", item: str | None = None) -> Response:
        """The trace's steps as CSV, one row per step, for a spreadsheet."""
        async with read_apis.open() as read:
            found = await _answer(trace(read, bootstrap, item or None, serial, lot))
        name = "-".join(part for part in ("trace", found.item_no, serial, lot) if part)
        return Response(
            _csv(found.steps),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    @app.get("/api/tracking-information/{item_no}")
    async def tracking_information(item_no: str, serial: str = "", lot: str = "") -> list:
        """Q1: quality status, certificate and comment of the item's serial and lot (all of the item's if none)."""
        async with read_apis.open() as read:
            return await _answer(read.inventory(f"/tracking-information/{item_no}", serial=serial, lot=lot))

    @app.get("/api/lag")
    async def lag() -> list[dict]:
        """Per consumer group, topic and partition: committed offset, end offset and lag (as `slt lag`)."""
        return [asdict(row) for row in await _answer(consumer_lag.lags(bootstrap, []))]


def _add_transfer_queries(app: FastAPI, read_apis: ReadApis) -> None:
    """Transfer orders between locations (X1-X6), as `slt transfer` reads them."""

    @app.get("/api/transfers")
    async def transfer_orders(location: str | None = None, in_transit: bool = False) -> list[dict]:
        """Route, shipped, received, in transit per transfer order."""
        async with read_apis.open() as read:
            found: list[dict] = await _answer(transfers.transfer_orders(read, location or None, in_transit))
        return found

    @app.get("/api/transfers/{transfer_no}")
    async def transfer_order(transfer_no: str) -> dict:
        """A transfer order's predefined tracking: per receipt line and serial/lot, shipped, received, in transit."""
        async with read_apis.open() as read:
            found: dict = await _answer(transfers.transfer_order(read, transfer_no))
        return found


def _add_recall(app: FastAPI, read_apis: ReadApis) -> None:
    """R1: the recall view as `slt recall` joins it (JSON for the page, CSV for a spreadsheet)."""

    @app.get("/api/recall")
    async def recall_of(lot: str = "", serial: str = "", item: str | None = None) -> dict:
        async with read_apis.open() as read:
            return (await _answer(recall(read, item or None, serial, lot))).as_json()

    @app.get("/api/recall.csv")
    async def recall_as_csv(lot: str = "", serial: str = "", item: str | None = None) -> Response:
        async with read_apis.open() as read:
            found = await _answer(recall(read, item or None, serial, lot))
        name = "-".join(part for part in ("recall", item or "", lot, serial) if part)
        return Response(recall_csv(found), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


async def _answer(query):
    """A failed query as an HTTP error with its sentence (the CLI's hint about options is left out)."""
    try:
        return await query
    except CliError as failure:
        raise HTTPException(422 if failure.exit_code == INVALID_INPUT else 502, str(failure)) from failure


def _csv(steps: list[Step]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(Step.__dataclass_fields__))
    writer.writeheader()
    writer.writerows(asdict(step) for step in steps)
    return out.getvalue()


async def _latest(consumer, only: Filter, count: int) -> list[Record]:
    """The newest `count` matching facts among the last `count` records of every partition. The consumer is
    at the ends when called and is there again afterwards, so the live stream misses nothing."""
    partitions = sorted(consumer.assignment())
    ends = await consumer.end_offsets(partitions)
    starts = await consumer.beginning_offsets(partitions)
    for tp in partitions:
        consumer.seek(tp, max(starts[tp], ends[tp] - count))
    found = [record async for record in kafka.records(consumer, to_end=True) if only.matches(record)]
    return sorted(found, key=lambda r: r.timestamp_ms)[-count:] if count else []


async def _stream(request: Request, bootstrap: str, only: Filter, recent: int) -> AsyncIterator[str]:
    async with kafka.reader(bootstrap, FACT_TOPICS, from_beginning=False) as consumer:
        for record in await _latest(consumer, only, recent) if recent else []:
            yield f"event: fact\ndata: {json.dumps({**_event(record), 'recent': True})}\n\n"
        yield "event: ready\ndata: {}\n\n"  # the stream is positioned: whatever is published now arrives
        quiet_since = asyncio.get_running_loop().time()
        while not await request.is_disconnected():
            batch = await consumer.getmany(timeout_ms=1000)
            records = sorted((Record.of(r) for rs in batch.values() for r in rs), key=lambda r: r.timestamp_ms)
            for record in records:
                if only.matches(record):
                    yield f"event: fact\ndata: {json.dumps(_event(record))}\n\n"
            now = asyncio.get_running_loop().time()
            if records:
                quiet_since = now
            elif now - quiet_since > KEEP_ALIVE_SECONDS:
                yield ": keep-alive\n\n"
                quiet_since = now


def _event(record: Record) -> dict:
    return {**record.as_json(), "refusal": record.type in REFUSALS}
