"""The console's HTTP side: the page, a Server-Sent Events stream of the fact topics, and two queries."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from slt_cli import kafka
from slt_cli.errors import INVALID_INPUT, CliError
from slt_cli.kafka import Record
from slt_cli.readapi import ReadApis
from slt_cli.trace import trace
from slt_cli.watch import Filter

from console.settings import ConsoleSettings
from contracts.catalog import REFUSALS
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_EVENTS

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
    async def events(request: Request, item: str | None = None) -> StreamingResponse:
        """Facts of both services from now on, one SSE `fact` event each; `item` narrows them."""
        only = Filter(fields={"item_no": item} if item else {})
        return StreamingResponse(_stream(request, bootstrap, only), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.get("/api/availability/{item_no}")
    async def availability(item_no: str, location: str | None = None) -> dict:
        async with read_apis.open() as read:
            return await _answer(read.inventory(f"/availability/{item_no}", location=location or None))

    @app.get("/api/trace")
    async def trace_of(serial: str = "", lot: str = "", item: str | None = None) -> dict:
        async with read_apis.open() as read:
            found = await _answer(trace(read, bootstrap, item or None, serial, lot))
        return found.as_json()

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


async def _answer(query):
    """A failed query as an HTTP error with the CLI's sentence."""
    try:
        return await query
    except CliError as failure:
        raise HTTPException(422 if failure.exit_code == INVALID_INPUT else 502, str(failure)) from failure


async def _stream(request: Request, bootstrap: str, only: Filter) -> AsyncIterator[str]:
    async with kafka.reader(bootstrap, FACT_TOPICS, from_beginning=False) as consumer:
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
