"""Plain aiokafka clients for the CLI: a producer, and a reader that starts at a chosen position."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from contracts.envelope import H_ID, H_TYPE, causation_of, correlation_of
from servicekit.security import aiokafka_options
from servicekit.settings import KafkaClientSettings, settings_problems
from slt_cli.errors import INVALID_INPUT, CliError, KafkaUnreachable


@dataclass(frozen=True)
class Record:
    """A consumed record with its headers kept as sent: order and bytes matter for a replay."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, record: ConsumerRecord) -> "Record":
        return cls(
            record.topic,
            record.partition,
            record.offset,
            record.timestamp,
            record.key,
            record.value,
            tuple(record.headers or ()),
        )

    def header(self, name: str) -> str:
        return next((v.decode(errors="replace") for k, v in self.headers if k == name), "")

    @property
    def type(self) -> str:
        return self.header(H_TYPE)

    @property
    def id(self) -> str:
        return self.header(H_ID)

    @property
    def correlation_id(self) -> str:
        return correlation_of(self._text_headers())

    @property
    def causation_id(self) -> str:
        return causation_of(self._text_headers())

    def _text_headers(self) -> dict[str, str]:
        return {k: v.decode(errors="replace") for k, v in self.headers}

    def as_json(self) -> dict[str, Any]:
        """The record as one JSON object: where it sits, its headers, its decoded value (`value` when not JSON)."""
        data = self.json()
        return {
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "time": datetime.fromtimestamp(self.timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds"),
            "type": self.type,
            "key": (self.key or b"").decode(errors="replace"),
            "id": self.id,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "headers": {name: value.decode(errors="replace") for name, value in self.headers},
            "data": data,
            **({"value": (self.value or b"").decode(errors="replace")} if data is None else {}),
        }

    def json(self) -> Any | None:
        """The decoded value; None when it is not JSON (dead letters often are not)."""
        try:
            return json.loads(self.value or b"")
        except ValueError:
            return None


def connection(bootstrap: str) -> dict[str, Any]:
    """Where and how to connect: the brokers given, with the services' security settings from the
    environment (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_*)."""
    try:
        security = aiokafka_options(KafkaClientSettings())
    except ValidationError as invalid:
        raise CliError(f"Kafka security settings: {settings_problems(invalid)}", INVALID_INPUT) from None
    return {"bootstrap_servers": bootstrap, "client_id": "slt", **security}


@asynccontextmanager
async def producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(**connection(bootstrap), acks="all", enable_idempotence=True)
    await started(client.start, client.stop, bootstrap)
    try:
        yield client
    finally:
        await client.stop()


@asynccontextmanager
async def reader(bootstrap: str, topics: Sequence[str], from_beginning: bool) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer of every partition of `topics`, outside any consumer group (it commits nothing).

    The start offsets are looked up before this returns, so whatever is published afterwards is read.
    """
    partitions = await _partitions(bootstrap, topics)
    consumer = AIOKafkaConsumer(**connection(bootstrap), enable_auto_commit=False)
    await started(consumer.start, consumer.stop, bootstrap)
    try:
        consumer.assign(partitions)
        lookup = consumer.beginning_offsets if from_beginning else consumer.end_offsets
        for partition, offset in (await lookup(partitions)).items():
            consumer.seek(partition, offset)
        yield consumer
    finally:
        await consumer.stop()


async def started(start: Callable[[], Awaitable[None]], close: Callable[[], Awaitable[None]], bootstrap: str) -> None:
    """Start a client; when no broker answers, close it again (no "Unclosed ..." noise) and say where slt looked."""
    try:
        await start()
    except (KafkaConnectionError, OSError) as failure:
        await close()
        raise KafkaUnreachable(bootstrap, failure) from failure


async def _partitions(bootstrap: str, topics: Sequence[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(**connection(bootstrap))
    await started(admin.start, admin.close, bootstrap)
    try:
        # Described all at once: asking a broker about one unknown topic may create it.
        described = {t["topic"]: t["partitions"] for t in await admin.describe_topics()}
    finally:
        await admin.close()
    if missing := [t for t in topics if t not in described]:
        raise CliError(f"no such topic: {', '.join(missing)}", INVALID_INPUT)
    return [
        TopicPartition(t, p["partition"]) for t in topics for p in sorted(described[t], key=lambda p: p["partition"])
    ]


async def records(
    consumer: AIOKafkaConsumer, timeout: float | None = None, to_end: bool = False
) -> AsyncIterator[Record]:
    """Records as they come; stops after `timeout` seconds, or once the ends seen at the start are reached."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    ends = await consumer.end_offsets(list(consumer.assignment())) if to_end else {}
    while True:
        if to_end and all([await consumer.position(tp) >= end for tp, end in ends.items()]):
            return
        remaining = 1.0 if deadline is None else min(deadline - loop.time(), 1.0)
        if remaining <= 0:
            return
        batch = await consumer.getmany(timeout_ms=int(remaining * 1000))
        for partition_records in batch.values():
            for record in partition_records:
                yield Record.of(record)
