"""`GET /metrics`: what operators alert on moves when messages flow through the running services."""

import asyncio
import random
import time
import uuid

import httpx
from aiokafka.structs import ConsumerRecord
from prometheus_client.parser import text_string_to_metric_families

from contracts import inventory as inv
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_COMMANDS, dead_letter_topic
from servicekit.consumer import MessageProcessor, Route
from servicekit.database import CORE_MIGRATIONS, apply_migrations, create_pool
from servicekit.metrics import ServiceMetrics
from tests.support.ids import unique
from tests.support.inventory import register_item

COMMANDS_GROUP = "inventory.commands"


def sample(exposition: str, name: str, **labels: str) -> float:
    """The value of one sample, 0 when it has not been recorded yet."""
    for family in text_string_to_metric_families(exposition):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


async def scrape(url: str) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return response.text


async def until(url: str, expected: dict[tuple, float], timeout: float = 20.0) -> str:
    """Scrape until each (name, labels) sample reached its value; counters are bumped just after commit."""
    deadline = time.monotonic() + timeout
    while True:
        text = await scrape(url)
        actual = {key: sample(text, key[0], **dict(key[1:])) for key in expected}
        if all(actual[key] >= value for key, value in expected.items()):
            return text
        assert time.monotonic() < deadline, f"metrics did not reach {expected}; last seen {actual}"
        await asyncio.sleep(0.2)


def key(name: str, **labels: str) -> tuple:
    return (name, *sorted(labels.items()))


async def test_processed_refused_duplicate_and_dead_lettered_messages_are_counted(stack, kafka):
    url = stack.inventory.url
    register = inv.RegisterItem.TYPE
    processed = "slt_messages_processed_total"
    outcome = {
        name: key(processed, consumer=COMMANDS_GROUP, message_type=register, outcome=name)
        for name in ("applied", "duplicate", "refused", "dead_lettered")
    }
    refusals = key("slt_refusals_total", consumer=COMMANDS_GROUP, message_type=register, reason_code="unknown_tracking_policy")
    letters = key("slt_dead_letters_total", consumer=COMMANDS_GROUP, topic=dead_letter_topic(INVENTORY_COMMANDS), reason="invalid_payload")
    handled = key("slt_message_handling_seconds_count", consumer=COMMANDS_GROUP, message_type=register)
    before_text = await scrape(url)
    before = {k: sample(before_text, k[0], **dict(k[1:])) for k in [*outcome.values(), refusals, letters, handled]}

    # One command applied and delivered twice, one refused, one that does not match its schema.
    item_no = unique("METRIC")
    command_id = str(uuid.uuid4())
    for _ in range(2):
        await kafka.send_command(INVENTORY_COMMANDS, register, register_item(item_no), key=item_no, ce_id=command_id)
    refused = await kafka.send_command(INVENTORY_COMMANDS, register, register_item(unique("METRIC"), "batch"), key=item_no)
    await kafka.send(INVENTORY_COMMANDS, b'{"item_no": 7}', [(k, v) for k, v in Envelope.new(register, "/tests").to_headers()],
                     key=item_no.encode())
    await kafka.wait_for(type=inv.CommandRejected.TYPE, causation_id=refused)

    expected = {k: before[k] + 1 for k in [*outcome.values(), refusals, letters]}
    after = await until(url, {**expected, handled: before[handled] + 4})
    assert sample(after, "slt_message_handling_seconds_sum", consumer=COMMANDS_GROUP, message_type=register) > 0


async def test_consumer_lag_and_outbox_backlog_are_reported_and_drain_to_zero(stack, kafka):
    item_no = unique("LAG")
    command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, register_item(item_no), key=item_no)
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)

    text = await scrape(stack.inventory.url)
    lags = [s for f in text_string_to_metric_families(text) for s in f.samples
            if s.name == "slt_consumer_lag_messages" and s.labels["topic"] == INVENTORY_COMMANDS]
    assert lags, "no lag reported for the partitions of the command topic"
    assert {s.labels["group"] for s in lags} == {COMMANDS_GROUP}, "the lag names the consumer group"
    assert all(s.value == 0 for s in lags), "an idle consumer has taken everything"
    assert sample(text, "slt_outbox_backlog_rows") == 0
    assert sample(text, "slt_outbox_oldest_row_age_seconds") == 0


async def test_outbox_backlog_counts_unpublished_rows_and_the_age_of_the_oldest(stack):
    # A database with the outbox table and no relay: rows stay where they are.
    dsn = await stack.infra.create_database("metrics")
    pool = await create_pool(dsn, 2)
    try:
        await apply_migrations(pool, "servicekit", CORE_MIGRATIONS)
        await pool.execute(
            "INSERT INTO outbox (topic, value, header_keys, header_values, created_at) VALUES"
            " ('t', 'x', '{}', '{}', now() - interval '90 seconds'), ('t', 'y', '{}', '{}', now())"
        )
        metrics = ServiceMetrics()
        metrics.watch_outbox(pool)
        text = (await metrics.exposition()).decode()
    finally:
        await pool.close()
    assert sample(text, "slt_outbox_backlog_rows") == 2
    assert 90 <= sample(text, "slt_outbox_oldest_row_age_seconds") < 120


async def test_poison_message_is_dead_lettered_after_retries_and_counted(stack, kafka):
    async def failing_use_case(uow, payload, envelope):
        raise RuntimeError("a bug in a use case")

    metrics = ServiceMetrics()
    pool = await create_pool(stack.inventory_db, 2)
    offset = random.randrange(10**12, 10**13)  # a position no real record of the topic has
    envelope = Envelope.new(inv.RegisterItem.TYPE, "/tests")
    record = ConsumerRecord(INVENTORY_COMMANDS, 0, offset, 0, 0, b"POISON",
                            b'{"item_no":"P","base_unit":"PCS","tracking_policy":"lot"}', None, 6, 0, envelope.to_headers())
    route = Route(inv.RegisterItem, lambda message: message, failing_use_case)
    processor = MessageProcessor(pool, "poison-drill", [route], inv.COMMANDS, metrics)
    try:
        await asyncio.wait_for(processor.process(record), 30)
    finally:
        await pool.close()

    # The running inventory relay publishes the dead letter written by this processor.
    [letter] = await kafka.wait_for(topic=dead_letter_topic(INVENTORY_COMMANDS), dlq_original_offset=str(offset))
    assert letter.headers["dlq_reason"] == "processing failed: RuntimeError('a bug in a use case')"
    # Dead letters count when published (issue 11): by the relay that sent it, the inventory service's.
    async with httpx.AsyncClient() as client:
        published = (await client.get(f"{stack.inventory.url}/metrics")).text
    assert sample(published, "slt_dead_letters_total", consumer="poison-drill", reason="processing_failed") == 1
    text = (await metrics.exposition()).decode()
    assert sample(text, "slt_messages_processed_total", consumer="poison-drill",
                  message_type=inv.RegisterItem.TYPE, outcome="dead_lettered") == 1


async def test_a_service_adds_its_own_gauge_refreshed_by_a_probe_at_each_scrape():
    metrics = ServiceMetrics()
    parked = metrics.gauge("parked_postings", "Postings waiting for their location", ["location_code"])
    readings = iter([3, 5])

    async def count_parked() -> None:
        parked.labels("MAIN").set(next(readings))

    async def broken_probe() -> None:
        raise ConnectionError("database away")

    metrics.add_probe(broken_probe)  # a failing probe does not take the others down
    metrics.add_probe(count_parked)
    assert sample((await metrics.exposition()).decode(), "slt_parked_postings", location_code="MAIN") == 3
    assert sample((await metrics.exposition()).decode(), "slt_parked_postings", location_code="MAIN") == 5
