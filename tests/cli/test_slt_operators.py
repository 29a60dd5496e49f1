"""`slt` for programs and small terminals (issue 12): `--output json` as JSON lines, tables at 80 columns,
consumer-group lag from the broker, and errors that say what to change, against the running system."""

import json
import re
from decimal import Decimal

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from contracts import inventory as inv
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, dead_letter_topic
from tests.cli.operator import drifted_location, reserve, slt
from tests.support.services import free_port
from tests.support.warehouse import Warehouse, lot, serial, unique

NARROW = {"COLUMNS": "80"}


@pytest.fixture
def warehouse(stack, kafka) -> Warehouse:
    return Warehouse(stack.warehouse.url, kafka)


def json_lines(text: str) -> list[dict]:
    """Every stdout line must be one JSON object."""
    return [json.loads(line) for line in text.splitlines()]


async def test_watch_output_json_prints_one_record_per_line_with_headers_and_data(stack, kafka):
    item_no = unique("JSONW")
    command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE,
                                          {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "none"}, key=item_no)
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)

    run = await slt(stack, "watch", INVENTORY_EVENTS, INVENTORY_COMMANDS, "--from-beginning", "--item", item_no,
                    "--output", "json", "--timeout", "5")

    assert run.exit_code == 0, run
    records = json_lines(run.out)
    assert {r["type"] for r in records} == {inv.RegisterItem.TYPE, inv.ItemRegistered.TYPE}
    fact = next(r for r in records if r["type"] == inv.ItemRegistered.TYPE)
    assert fact["causation_id"] == command_id and fact["data"]["item_no"] == item_no
    assert fact["topic"] == INVENTORY_EVENTS and fact["key"] == item_no and fact["headers"]["ce_type"] == fact["type"]
    assert "2 record(s)" in run.err  # the count goes to stderr, stdout stays JSON


async def test_availability_and_trace_output_json_and_availability_fits_80_columns(warehouse, kafka, stack):
    item_no, location = unique("JSONA"), unique("WH")
    await warehouse.register_item(item_no, "lot")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [lot("LOT-2026-000001", 7), lot("LOT-2026-000002", 5)])
    await reserve(kafka, item_no, location, unique("SO"), 2, lot="LOT-2026-000001")

    run = await slt(stack, "availability", item_no, "--output", "json")
    assert run.exit_code == 0, run
    [at] = json_lines(run.out)
    assert (at["item_no"], at["location_code"]) == (item_no, location)
    assert Decimal(at["available_to_reserve"]) == 10 and Decimal(at["reserved"]) == 2
    assert {row["lot"]: Decimal(row["available_to_reserve"]) for row in at["tracking"]} == {
        "LOT-2026-000001": 5, "LOT-2026-000002": 5}

    narrow = await slt(stack, "availability", item_no, env=NARROW)
    assert narrow.exit_code == 0, narrow
    assert max(len(line) for line in narrow.out.splitlines()) <= 80, narrow.out
    # A lot-tracked item: no serial column; every header whole.
    [header] = [line for line in narrow.out.splitlines() if line.lstrip().startswith("lot ")]
    assert header.split() == ["lot", "inv.", "picks", "resv.", "outb.", "adj.+", "same", "blkd", "avail."]
    [row] = [line for line in narrow.out.splitlines() if "LOT-2026-000001" in line]
    assert row.split() == ["LOT-2026-000001", "7", "0", "2", "0", "0", "0", "0", "5"]

    traced = await slt(stack, "trace", "--lot", "LOT-2026-000002", "--item", item_no, "--output", "json")
    assert traced.exit_code == 0, traced
    [timeline] = json_lines(traced.out)
    assert timeline["item_no"] == item_no and "received" in [s["step"] for s in timeline["steps"]]


async def test_trace_with_kafka_down_offers_no_facts_and_the_read_apis_still_answer(warehouse, stack):
    item_no, location = unique("NOKAFKA"), unique("WH")
    await warehouse.register_item(item_no, "serial")
    await warehouse.configure(location)
    await warehouse.stock_up(location, item_no, [serial("SN-K1")])
    nowhere = f"127.0.0.1:{free_port()}"

    failed = await slt(stack, "trace", "--serial", "SN-K1", "--item", item_no, "--bootstrap", nowhere)

    assert failed.exit_code == 1
    assert f"cannot reach Kafka at {nowhere}" in failed.err and "--no-facts" in failed.err
    assert "Traceback" not in failed.err and "Unclosed" not in failed.err
    fallback = await slt(stack, "trace", "--serial", "SN-K1", "--item", item_no, "--bootstrap", nowhere, "--no-facts")
    assert fallback.exit_code == 0, fallback
    assert "received" in fallback.out and f"now in: {location}/P-0" in fallback.out


async def test_dlq_list_output_json_names_origin_and_reason(stack, kafka):
    headers = Envelope.new(inv.RegisterItem.TYPE, "/tests").to_headers()
    ce_id = dict(headers)["ce_id"].decode()
    await kafka.send(INVENTORY_COMMANDS, b'{"item_no": 8}', headers, key=unique("BAD").encode())
    await kafka.wait_for(topic=dead_letter_topic(INVENTORY_COMMANDS), ce_id=ce_id)

    run = await slt(stack, "dlq", "list", INVENTORY_COMMANDS, "--output", "json")

    assert run.exit_code == 0, run
    [letter] = [line for line in json_lines(run.out) if line["id"] == ce_id]
    assert letter["topic"] == dead_letter_topic(INVENTORY_COMMANDS)
    assert letter["headers"]["dlq_original_topic"] == INVENTORY_COMMANDS and letter["headers"]["dlq_reason"]
    assert letter["data"] == {"item_no": 8}


async def test_reconcile_output_json_one_line_per_item_and_its_table_fits_80_columns(warehouse, kafka, stack):
    consistent, drifted, location = await drifted_location(warehouse, kafka, "RECJ")
    items = ("--item", consistent, "--item", drifted)

    run = await slt(stack, "reconcile", "--location", location, *items, "--output", "json")

    assert run.exit_code == 1, run
    lines = {line["item_no"]: line for line in json_lines(run.out)}
    assert lines[consistent]["agreed"] is True and lines[consistent]["differences"] == []
    [difference] = lines[drifted]["differences"]
    assert (difference["lot"], Decimal(difference["ledger_inventory"]), Decimal(difference["difference"])) == ("R9", 5, -5)
    assert "asked" in run.err  # progress on stderr

    narrow = await slt(stack, "reconcile", "--location", location, *items, env=NARROW)
    assert narrow.exit_code == 1, narrow
    assert max(len(line) for line in narrow.out.splitlines()) <= 80, narrow.out
    [header] = [line for line in narrow.out.splitlines() if line.lstrip().startswith("item")]
    assert header.split() == ["item", "variant", "serial", "lot", "real", "bins", "adj.", "bin", "ledger", "diff."]


async def test_lag_per_group_topic_and_partition_from_committed_and_end_offsets(stack, kafka):
    # A consumer group of its own that committed offset 0 on partition 0 of the fact topic: its lag is the end.
    group = unique("slt-lag-test")
    item_no = unique("LAG")
    command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE,
                                          {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "none"}, key=item_no)
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)
    consumer = AIOKafkaConsumer(bootstrap_servers=stack.infra.bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(INVENTORY_EVENTS, p) for p in range(6)]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        await consumer.commit({partitions[0]: OffsetAndMetadata(0, ""), partitions[1]: OffsetAndMetadata(ends[partitions[1]], "")})
    finally:
        await consumer.stop()

    run = await slt(stack, "lag", "--group", group, "--output", "json")

    assert run.exit_code == 0, run
    rows = {row["partition"]: row for row in json_lines(run.out)}
    assert set(rows) == set(range(6)) and {row["group"] for row in rows.values()} == {group}
    assert {row["topic"] for row in rows.values()} == {INVENTORY_EVENTS}
    assert rows[0] == {"group": group, "topic": INVENTORY_EVENTS, "partition": 0, "committed": 0,
                       "end": rows[0]["end"], "lag": rows[0]["end"]}
    assert rows[0]["end"] >= ends[partitions[0]]
    assert rows[1]["committed"] == ends[partitions[1]] and rows[1]["lag"] == rows[1]["end"] - ends[partitions[1]]
    assert rows[2]["committed"] is None  # nothing committed there: the lag counts from the oldest record kept

    # The services' groups are there too, caught up once idle; the table names group, topic and partition.
    table = await slt(stack, "lag", env=NARROW)
    assert table.exit_code == 0, table
    assert max(len(line) for line in table.out.splitlines()) <= 80, table.out
    assert re.search(r"^inventory\.commands: \d+ record\(s\) behind$", table.out, re.MULTILINE), table.out
    assert re.search(rf"^\s*{re.escape(INVENTORY_COMMANDS)}\s+0\s+\d+\s+\d+\s+\d+\s*$", table.out, re.MULTILINE)
    assert f"{group}: {sum(row['lag'] for row in rows.values())} record(s) behind" in table.out

    unknown = await slt(stack, "lag", "--group", "no-such-group")
    assert unknown.exit_code == 2 and "no consumer group no-such-group" in unknown.err and group in unknown.err
