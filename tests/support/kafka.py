"""Plain aiokafka clients for tests: they speak the wire contract, not the services' code."""

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.producer import message_accumulator
from aiokafka.producer import producer as producer_module
from aiokafka.record.default_records import _DefaultRecordBatchBuilderPy


@dataclass(frozen=True)
class Received:
    topic: str
    key: bytes | None
    value: bytes
    headers: dict[str, str]
    raw_headers: tuple = ()
    partition: int = 0
    offset: int = 0

    @property
    def type(self) -> str:
        return self.headers.get("ce_type", "")

    def json(self) -> dict[str, Any]:
        return json.loads(self.value)


class RawKey(str):
    """A header key sent as the bytes given, UTF-8 or not (through aiokafka's pure-Python batch builder)."""

    def __new__(cls, raw: bytes) -> "RawKey":
        key = super().__new__(cls, raw.decode(errors="replace"))
        key.raw = raw
        return key

    def encode(self, *_: object, **__: object) -> bytes:
        return self.raw


@contextlib.contextmanager
def raw_header_keys():
    """While open, producers of this process build batches in Python, so a RawKey reaches the wire as is."""
    modules = (message_accumulator, producer_module)
    originals = [module.DefaultRecordBatchBuilder for module in modules]
    for module in modules:
        module.DefaultRecordBatchBuilder = _DefaultRecordBatchBuilderPy
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.DefaultRecordBatchBuilder = original


def command_headers(ce_type: str, *, ce_id: str | None = None, correlation_id: str | None = None,
                    subject: str = "", source: str = "/tests", causation_id: str = "") -> list[tuple[str, bytes]]:
    """CloudEvents binary-mode headers, written by hand as an outside client would."""
    ce_id = ce_id or str(uuid.uuid4())
    headers = {
        "ce_id": ce_id,
        "ce_type": ce_type,
        "ce_source": source,
        "ce_specversion": "1.0",
        "ce_time": datetime.now(UTC).isoformat(),
        "ce_subject": subject,
        "correlation_id": correlation_id or ce_id,
        "content-type": "application/json",
    }
    if causation_id:
        headers["ce_causationid"] = causation_id
    return [(k, v.encode()) for k, v in headers.items()]


class Client:
    """Publishes raw commands and records everything that appears on the watched topics."""

    def __init__(self, bootstrap: str, watched: list[str]) -> None:
        self._bootstrap = bootstrap
        self._watched = watched
        self.received: list[Received] = []
        self._changed = asyncio.Condition()

    async def start(self) -> None:
        self.producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap, acks="all")
        await self.producer.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False)
        await self._consumer.start()
        partitions = [
            TopicPartition(topic, p)
            for topic in self._watched
            for p in sorted(await self.producer.partitions_for(topic))
        ]
        assert partitions, f"none of {self._watched} exists on {self._bootstrap}"
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        self._task = asyncio.create_task(self._collect())

    async def _collect(self) -> None:
        async for record in self._consumer:
            received = Received(
                record.topic, record.key, record.value,
                {k: (v or b"").decode(errors="replace") for k, v in record.headers or ()},
                tuple(record.headers or ()), record.partition, record.offset,
            )
            async with self._changed:
                self.received.append(received)
                self._changed.notify_all()

    async def stop(self) -> None:
        self._task.cancel()
        await self._consumer.stop()
        await self.producer.stop()

    async def send(self, topic: str, value: bytes, headers: list[tuple[str, bytes]], key: bytes | None = None) -> None:
        await self.producer.send_and_wait(topic, value=value, key=key, headers=headers)

    async def send_command(self, topic: str, ce_type: str, data: dict[str, Any], *, key: str = "",
                           ce_id: str | None = None, correlation_id: str | None = None,
                           source: str = "/tests", causation_id: str = "") -> str:
        """Publish a command (or, with the source of a service, a fact) as JSON; returns its ce_id."""
        headers = command_headers(ce_type, ce_id=ce_id, correlation_id=correlation_id, source=source,
                                  causation_id=causation_id)
        await self.send(topic, json.dumps(data).encode(), headers, key.encode() or None)
        return dict(headers)["ce_id"].decode()

    @staticmethod
    def _fits(m: Received, criteria: dict[str, str]) -> bool:
        for name, expected in criteria.items():
            actual = m.topic if name == "topic" else m.type if name == "type" else m.headers.get(name)
            if actual != expected:
                return False
        return True

    def matching(self, **criteria: str) -> list[Received]:
        """Messages whose topic/type/headers equal the criteria (`type=`, `topic=`, `correlation_id=`...)."""
        return [m for m in self.received if self._fits(m, criteria)]

    async def wait_for(self, timeout: float = 30.0, count: int = 1, **criteria: str) -> list[Received]:
        """Wait until `count` messages match the criteria; returns all that match."""
        return await self.wait_until(lambda m: self._fits(m, criteria), timeout, count, describe=str(criteria))

    async def wait_until(self, predicate, timeout: float = 30.0, count: int = 1, describe: str = "") -> list[Received]:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while len(found := [m for m in self.received if predicate(m)]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} message(s) matching {describe or predicate}, saw {len(found)};"
                        f" last received types: {[m.type for m in self.received[-10:]]}"
                    )
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    pass
            return found
