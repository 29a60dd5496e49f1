"""OpenTelemetry across both services: FastStream's middleware opens a consumer span that continues the
message's W3C trace context, and every fact leaves through the outbox carrying that span as its parent.
Logs name the trace too."""

import json
import secrets
import time

from faststream.kafka import KafkaBroker, TestKafkaBroker
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_COMMANDS, WAREHOUSE_COMMANDS
from servicekit import tracing
from servicekit.outbox import OutboxWriter
from servicekit.settings import ServiceSettings
from tests.support.kafka import command_headers
from tests.support.warehouse import Warehouse, lot, unique


def traceparent() -> tuple[str, str, str]:
    """A new W3C trace context: (header value, trace id, parent span id)."""
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return f"00-{trace_id}-{span_id}-01", trace_id, span_id


def context_of(headers: dict[str, str]) -> tuple[str, str]:
    _, trace_id, span_id, _ = headers["traceparent"].split("-")
    return trace_id, span_id


async def test_spans_continue_the_message_trace_and_the_outbox_hands_it_on():
    exporter = InMemorySpanExporter()
    settings = ServiceSettings(database_url="postgresql://unused", http_port=0, instance_id="test")
    provider = tracing.tracer_provider("warehouse", settings)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    broker = KafkaBroker(middlewares=[tracing.middleware(provider)])
    outbox = OutboxWriter(conn=None)

    @broker.subscriber("tracing.test.v1")
    async def handle(body: dict) -> None:
        outbox.publish("facts.v1", wh.LocationConfigured(location_code="X", zones=(), bins=(), receive_bin="R",
                                                         ship_bin="S", adjustment_bin="A", pick_by_fefo=False),
                       Envelope.new(wh.LocationConfigured.TYPE, "/warehouse"))

    # A client publishes within its own span; FastStream's middleware puts it in the headers.
    async with TestKafkaBroker(broker) as test_broker:
        with provider.get_tracer("client").start_as_current_span("client") as client:
            await test_broker.publish({"any": "thing"}, "tracing.test.v1")

    [span] = [s for s in exporter.get_finished_spans() if s.name == "tracing.test.v1 process"]
    assert span.context.trace_id == client.get_span_context().trace_id
    assert span.parent is not None and span.parent.trace_id == client.get_span_context().trace_id
    assert span.resource.attributes["service.name"] == "warehouse"
    trace_id = format(span.context.trace_id, "032x")
    [record] = outbox.pending
    assert context_of({k: v.decode() for k, v in record.headers}) == (trace_id, format(span.context.span_id, "016x"))


async def test_one_trace_runs_from_a_warehouse_command_through_the_inventory_and_into_the_logs(stack, kafka):
    warehouse = Warehouse(stack.warehouse.url, kafka)
    item_no, location, receipt_no = unique("OTEL"), unique("WH"), unique("RC")
    await warehouse.register_item(item_no, "lot")
    await warehouse.configure(location)
    await warehouse.run(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": location, "source_no": unique("PO"),
        "lines": [{"line_no": 1, "source_line_no": 1, "item_no": item_no, "quantity": "2"}]}, wh.ReceiptReleased)

    # An outside client that traces sends the receipt posting within its own trace.
    header, trace_id, client_span = traceparent()
    headers = command_headers(wh.PostReceipt.TYPE) + [("traceparent", header.encode())]
    command = {"receipt_no": receipt_no, "lines": [{"line_no": 1, **lot("OT-1", 2)}]}
    await kafka.send(WAREHOUSE_COMMANDS, json.dumps(command).encode(), headers, key=receipt_no.encode())
    command_id = dict(headers)["ce_id"].decode()

    # The warehouse's fact continues the trace from the warehouse's span...
    [posted] = await kafka.wait_for(type=wh.ReceiptPosted.TYPE, causation_id=command_id)
    warehouse_trace, warehouse_span = context_of(posted.headers)
    assert warehouse_trace == trace_id and warehouse_span != client_span
    # ...and the inventory's, caused by that fact, from the inventory's span: one trace, both services.
    [entries] = await kafka.wait_until(
        lambda m: m.type == inv.LedgerEntriesPosted.TYPE and m.json()["posting_id"] == posted.headers["ce_id"])
    inventory_trace, inventory_span = context_of(entries.headers)
    assert inventory_trace == trace_id and inventory_span not in (client_span, warehouse_span)

    # A refused command's log line carries its correlation id and its trace id.
    header, trace_id, _ = traceparent()
    correlation_id = unique("corr")
    refused = command_headers(inv.RegisterItem.TYPE, correlation_id=correlation_id) + [("traceparent", header.encode())]
    await kafka.send(INVENTORY_COMMANDS, json.dumps({"item_no": unique("OTEL"), "base_unit": "PCS",
                                                     "tracking_policy": "batch"}).encode(), refused)
    await kafka.wait_for(type=inv.CommandRejected.TYPE, correlation_id=correlation_id)
    deadline = time.monotonic() + 10
    while not (lines := [json.loads(line) for line in stack.inventory.log_path.read_text().splitlines()
                         if correlation_id in line]):
        assert time.monotonic() < deadline, "no log line names the correlation id"
        time.sleep(0.1)
    [line] = [line for line in lines if line.get("event") == "command refused"]
    assert line["trace_id"] == trace_id and line["causation_id"] == "" and line["service"] == "inventory"
    assert line["correlation_id"] == correlation_id and line["reason_code"] == "unknown_tracking_policy"
