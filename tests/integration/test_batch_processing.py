"""Batch-native processing (issue 10, point 3) and partitions in parallel (point 4).

A subscription applies what one fetch delivers in one transaction: set-based inbox claims, the commands in
order (each in its own savepoint only once one of them was refused), one multi-row outbox insert, one commit,
one offset commit. A refusal inside the batch answers only that command; a poison message makes the batch fall back to one message per transaction, so
only it is dead-lettered. Test-only use cases (`Route`s of these tests) stand in for the services' own.
"""

import asyncio
import itertools
import time
import uuid
from contextlib import asynccontextmanager

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker

from contracts import warehouse as wh
from contracts.envelope import Envelope
from contracts.topics import WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from servicekit import locks
from servicekit.consumer import MessageProcessor, Rejections, Route
from servicekit.database import CORE_MIGRATIONS, apply_migrations, create_pool
from servicekit.metrics import ServiceMetrics
from servicekit.settings import Consumption
from servicekit.subscription import subscribe
from servicekit.unit_of_work import UnitOfWork
from tests.support.ids import unique
from tests.support.warehouse import lot
from warehouse.domain.errors import WarehouseError

CONSUMER = "batch-test"


class Refused(WarehouseError):
    reason_code = "refused_for_the_test"


@pytest_asyncio.fixture
async def pool(stack):
    pool = await create_pool(await stack.infra.create_database("batch"), 4)
    await apply_migrations(pool, "servicekit", CORE_MIGRATIONS)
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE done (receipt_no text PRIMARY KEY, done_at timestamptz DEFAULT clock_timestamp())")
    yield pool
    await pool.close()


async def release(uow: UnitOfWork, command: wh.ReleaseInboundRequest, envelope: Envelope) -> None:
    """Writes a row and queues a fact; refuses, fails or dawdles as the command's source_no says."""
    await uow.conn.execute("INSERT INTO done (receipt_no) VALUES ($1)", command.receipt_no)
    fact = wh.ReceiptReleased(receipt_no=command.receipt_no, location_code="L", source_type="PO", source_no="P", lines=[])
    uow.outbox.publish(WAREHOUSE_EVENTS, fact, envelope.caused(wh.ReceiptReleased.TYPE, "/t"))
    if command.source_no == "refuse":
        raise Refused(f"{command.receipt_no} is refused")
    if command.source_no == "fail":
        raise RuntimeError("a bug in the use case")
    if command.source_no.startswith("sleep"):
        await asyncio.sleep(float(command.source_no.removeprefix("sleep")))


def processor(pool: asyncpg.Pool | None, metrics: ServiceMetrics | None = None) -> MessageProcessor:
    rejections = Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, "/warehouse", (WarehouseError,))
    return MessageProcessor(pool, CONSUMER, [Route(wh.ReleaseInboundRequest, lambda m: m, release)], wh.COMMANDS,
                            metrics or ServiceMetrics(), rejections)


def command(receipt_no: str, source_no: str = "PO") -> bytes:
    return wh.ReleaseInboundRequest(receipt_no=receipt_no, location_code="L", source_no=source_no, lines=[
        {"line_no": 1, "source_line_no": 1, "item_no": "I", "quantity": "1"}]).model_dump_json().encode()


def record(body: bytes, offset: int, envelope: Envelope | None = None) -> ConsumerRecord:
    envelope = envelope or Envelope.new(wh.ReleaseInboundRequest.TYPE, "/tests")
    return ConsumerRecord(WAREHOUSE_COMMANDS, 0, offset, 0, 0, b"k", body, None, 1, len(body), envelope.to_headers())


async def outbox_types(pool: asyncpg.Pool) -> list[str]:
    rows = await pool.fetch("SELECT header_keys, header_values FROM outbox ORDER BY id")
    return [dict(zip(r["header_keys"], r["header_values"], strict=True)).get("ce_type", b"").decode() for r in rows]


def counted(metrics: ServiceMetrics, outcome: str) -> float:
    return metrics.registry.get_sample_value(
        "slt_messages_processed_total",
        {"consumer": CONSUMER, "message_type": wh.ReleaseInboundRequest.TYPE, "outcome": outcome}) or 0.0


def batches(metrics: ServiceMetrics, applied: str, reason: str) -> float:
    return metrics.registry.get_sample_value(
        "slt_batches_total", {"consumer": CONSUMER, "applied": applied, "reason": reason}) or 0.0


async def test_a_later_message_of_a_batch_never_waits_for_a_lock_below_those_of_earlier_ones(pool):
    low, high = sorted([locks.key("test", unique("A")), locks.key("test", unique("B"))])
    async with pool.acquire() as other, other.transaction():
        await other.execute("SELECT pg_advisory_xact_lock($1)", low)  # another batch holds the lower key
        async with UnitOfWork(pool) as uow:
            await locks.take(uow.conn, [high])  # the batch's first message
            locks.begin_message()
            await locks.take(uow.conn, [high])  # taken again: no wait
            with pytest.raises(locks.LockOutOfOrder):
                await asyncio.wait_for(locks.take(uow.conn, [low, high]), 5)  # would wait in a circle: refused
        async with UnitOfWork(pool) as uow:  # a message in a transaction of its own waits in order, as before
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(locks.take(uow.conn, [low]), 0.5)


async def test_a_refused_command_inside_a_batch_gets_its_own_rejection_and_the_others_apply(pool):
    metrics = ServiceMetrics()
    await processor(pool, metrics).process_batch(
        [record(command("A"), 0), record(command("B", "refuse"), 1), record(command("C"), 2)])

    assert sorted(r["receipt_no"] for r in await pool.fetch("SELECT receipt_no FROM done")) == ["A", "C"]
    assert await outbox_types(pool) == [wh.ReceiptReleased.TYPE, wh.CommandRejected.TYPE, wh.ReceiptReleased.TYPE]
    # One transaction: the three inbox rows carry the same transaction time.
    assert await pool.fetchval("SELECT count(DISTINCT processed_at) FROM inbox") == 1
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 3
    assert (counted(metrics, "applied"), counted(metrics, "refused")) == (2, 1)
    assert batches(metrics, "together", "") == 1


async def test_a_batch_takes_savepoints_only_when_a_command_is_refused(pool):
    sent: list[str] = []

    async def watched(uow: UnitOfWork, command: wh.ReleaseInboundRequest, envelope: Envelope) -> None:
        if command.receipt_no in ("A", "D"):  # the batch's one connection, from its first command on
            uow.conn.add_query_logger(lambda query: sent.append(query.query.split()[0].upper()))
        await release(uow, command, envelope)

    def statements() -> list[str]:
        """What the batch's connection was sent, by first word (a connection the pool lends again keeps the
        loggers added to it before: repeats are folded)."""
        return [word for word, _ in itertools.groupby(sent)]

    rejections = Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, "/warehouse", (WarehouseError,))
    watching = MessageProcessor(pool, CONSUMER, [Route(wh.ReleaseInboundRequest, lambda m: m, watched)], wh.COMMANDS,
                                ServiceMetrics(), rejections)
    await watching.process_batch([record(command("A"), 0), record(command("B"), 1), record(command("C"), 2)])
    assert "SAVEPOINT" not in statements() and "COMMIT;" in statements()
    assert sorted(r["receipt_no"] for r in await pool.fetch("SELECT receipt_no FROM done")) == ["A", "B", "C"]

    sent.clear()
    await watching.process_batch([record(command("D"), 3), record(command("E", "refuse"), 4), record(command("F"), 5)])
    # The refusal rolled the first attempt back; the batch ran again, each command in its own savepoint.
    first_attempt, second_attempt = " ".join(statements()).split("ROLLBACK; ", 1)
    assert "SAVEPOINT" not in first_attempt
    assert [word for word in second_attempt.split() if word in ("SAVEPOINT", "RELEASE", "ROLLBACK")] == [
        "SAVEPOINT", "RELEASE", "SAVEPOINT", "ROLLBACK", "SAVEPOINT", "RELEASE"]
    assert sorted(r["receipt_no"] for r in await pool.fetch("SELECT receipt_no FROM done")) == list("ABCDF")
    assert await outbox_types(pool) == [wh.ReceiptReleased.TYPE] * 4 + [wh.CommandRejected.TYPE, wh.ReceiptReleased.TYPE]


async def test_a_poison_message_in_a_batch_is_dead_lettered_alone_and_the_rest_applies(pool):
    metrics = ServiceMetrics()
    batch = [record(command("A"), 0), record(b"{not json", 1), record(command("B", "fail"), 2),
             record(command("C"), 3)]
    await asyncio.wait_for(processor(pool, metrics).process_batch(batch), 30)

    assert sorted(r["receipt_no"] for r in await pool.fetch("SELECT receipt_no FROM done")) == ["A", "C"]
    dead = await pool.fetch("SELECT topic FROM outbox WHERE topic = $1", WAREHOUSE_COMMANDS + ".dlq")
    assert len(dead) == 2, "the undecodable record and the one whose use case fails, nothing else"
    claims = await pool.fetch('SELECT "offset", outcome FROM record_claims ORDER BY "offset"')
    assert [(c["offset"], c["outcome"]) for c in claims] == [(1, "dead_lettered"), (2, "dead_lettered")]
    assert counted(metrics, "applied") == 2
    assert batches(metrics, "one_by_one", "DeadLetter") == 1


async def test_duplicates_inside_one_batch_and_across_batches_are_applied_once(pool):
    metrics = ServiceMetrics()
    again = Envelope.new(wh.ReleaseInboundRequest.TYPE, "/tests")
    batch = [record(command("A"), 0, again), record(command("B"), 1), record(command("A"), 2, again)]
    await processor(pool, metrics).process_batch(batch)
    await processor(pool, metrics).process_batch(batch)  # redelivered after a lost acknowledgement

    assert sorted(r["receipt_no"] for r in await pool.fetch("SELECT receipt_no FROM done")) == ["A", "B"]
    assert await outbox_types(pool) == [wh.ReceiptReleased.TYPE] * 2
    assert (counted(metrics, "applied"), counted(metrics, "duplicate")) == (2, 4)


async def test_facts_the_consumer_ignores_cost_no_database_work():
    metrics = ServiceMetrics()
    ignoring = MessageProcessor(None, CONSUMER, [], wh.EVENTS, metrics, ignore_unknown_types=True)  # no pool at all
    fact = Envelope.new(wh.ReceiptReleased.TYPE, "/warehouse")
    await ignoring.process_batch([record(b"{}", 0, fact), record(b"{}", 1, fact)])

    assert metrics.registry.get_sample_value("slt_messages_processed_total", {
        "consumer": CONSUMER, "message_type": wh.ReceiptReleased.TYPE, "outcome": "ignored"}) == 2


class Recording(MessageProcessor):
    """Notes each batch it is handed and when it is done (test only)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        rejections = Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, "/warehouse", (WarehouseError,))
        super().__init__(pool, CONSUMER, [Route(wh.ReleaseInboundRequest, lambda m: m, release)], wh.COMMANDS,
                         ServiceMetrics(), rejections)
        self.batches: list[tuple[int, int]] = []  # (partition, records)

    async def process_batch(self, records) -> None:
        await super().process_batch(records)
        self.batches.append((records[0].partition, len(records)))


@asynccontextmanager
async def subscription(infra, topic: str, processors: list[MessageProcessor]):
    """The subscription running, once each of its consumers owns a partition."""
    broker = KafkaBroker(infra.bootstrap)
    subscribe(broker, topic, f"{topic}-group", processors, "test", Consumption(batch_max_records=50))
    await broker.start()
    try:
        await until(lambda: all(s.consumer and s.consumer.assignment() for s in broker.subscribers))
        yield
    finally:
        await broker.stop()


async def until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (await result if asyncio.iscoroutine(result := condition()) else result):
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.1)


async def new_topic(infra, partitions: int) -> str:
    from localstack.kafka import create_topics

    topic = f"batch.test.{uuid.uuid4().hex[:8]}"
    await create_topics(infra.bootstrap, [(topic, partitions)])
    return topic


async def send(infra, topic: str, bodies: list[tuple[int, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infra.bootstrap)
    await producer.start()
    try:
        for partition, body in bodies:
            headers = Envelope.new(wh.ReleaseInboundRequest.TYPE, "/tests").to_headers()
            await producer.send(topic, body, partition=partition, headers=headers)
        await producer.flush()
    finally:
        await producer.stop()


async def committed(infra, topic: str, partition: int) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.bootstrap, group_id=f"{topic}-group")
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, partition))
    finally:
        await consumer.stop()


async def test_records_waiting_on_a_partition_are_applied_in_batches_with_one_offset_commit_each(stack, pool):
    topic = await new_topic(stack.infra, 1)
    recording = Recording(pool)
    async with subscription(stack.infra, topic, [recording]):
        await send(stack.infra, topic, [(0, command(unique("RC"))) for _ in range(120)])
        await until(lambda: pool.fetchval("SELECT count(*) = 120 FROM done"))
    assert await committed(stack.infra, topic, 0) == 120
    assert sum(n for _, n in recording.batches) == 120
    assert len(recording.batches) < 120 and max(n for _, n in recording.batches) > 1, recording.batches
    assert await pool.fetchval("SELECT count(DISTINCT processed_at) FROM inbox") == len(recording.batches)


async def test_a_slow_partition_does_not_hold_up_another(stack, pool):
    topic = await new_topic(stack.infra, 2)
    workers = [Recording(pool), Recording(pool)]
    async with subscription(stack.infra, topic, workers):
        await send(stack.infra, topic, [(0, command("SLOW", "sleep4")), (1, command("QUICK"))])
        await until(lambda: pool.fetchval("SELECT count(*) = 2 FROM done"))  # rows show at their commit
    times = {r["receipt_no"]: r["done_at"] for r in await pool.fetch("SELECT * FROM done")}
    # QUICK's row was written while SLOW's use case was still asleep (written before its sleep).
    assert (times["QUICK"] - times["SLOW"]).total_seconds() < 3, times
    assert {p for w in workers for p, _ in w.batches} == {0, 1}
    assert all(len({p for p, _ in w.batches}) == 1 for w in workers), "each consumer owns its own partition"
    assert [await committed(stack.infra, topic, p) for p in (0, 1)] == [1, 1]


async def test_movements_locking_two_items_in_opposite_orders_at_once_neither_deadlock_nor_lose_stock(warehouse):
    """Movements of A then B and of B then A, on partitions processed in parallel (and in batches): the stock
    locks are taken in one global order, so each is carried out, none answers with a deadlock."""
    loc, first, second = await warehouse.configure(unique("WH")), unique("ITA"), unique("ITB")
    for item_no in (first, second):
        await warehouse.register_item(item_no, "none")
        await warehouse.stock_up(loc, item_no, [lot("", 100)])
    orders = [(first, second), (second, first)] * 8
    movements = [unique("MV") for _ in orders]
    created = await asyncio.gather(*(warehouse.send(wh.CreateMovement, {
        "movement_no": number, "location_code": loc, "lines": [
            {"item_no": item_no, "from_bin": "P-01", "to_bin": "P-02", "quantity": "1"} for item_no in items]})
        for number, items in zip(movements, orders, strict=True)))
    assert {(await warehouse.first_answer(c)).type for c in created} == {wh.MovementCreated.TYPE}

    registered = await asyncio.gather(*(warehouse.send(wh.RegisterMovement, {
        "movement_no": number, "lines": [{"line_no": 1, "quantity": "1"}, {"line_no": 2, "quantity": "1"}]})
        for number in movements))

    assert {(await warehouse.first_answer(r)).type for r in registered} == {wh.MovementRegistered.TYPE}
    for item_no in (first, second):
        assert await warehouse.content(loc, item_no=item_no) == {("P-01", "", ""): 84, ("P-02", "", ""): 16}
