"""A lean wire client for load: publishes commands and routes every fact to whoever waits for it.

The benchmark driver shares the machine with the system under test, so it does as little as it
can per message: it reads only the headers it routes on (`causation_id`, `ce_type`) and parses
a value only when a waiter asks for it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

Fact = tuple[str, bytes, dict[str, str], float]
"""(ce_type, value, headers, time received by perf_counter)."""


def headers_of(ce_type: str, ce_id: str, correlation_id: str) -> list[tuple[str, bytes]]:
    return [("ce_id", ce_id.encode()), ("ce_type", ce_type.encode()), ("ce_source", b"/bench"),
            ("ce_specversion", b"1.0"), ("ce_time", datetime.now(UTC).isoformat().encode()),
            ("correlation_id", correlation_id.encode()), ("content-type", b"application/json")]


class Wire:
    def __init__(self, bootstrap: str, watched: list[str], stash_types: frozenset[str] | None = frozenset()) -> None:
        """Facts of `stash_types` (None: all) that arrive before anyone waits for their cause are kept until
        asked for (a fact caused by another fact may overtake it: they travel on different topics)."""
        self.bootstrap = bootstrap
        self.watched = watched
        self._stash_types = stash_types
        self._waiters: dict[str, Callable[[Fact], None]] = {}
        self._early: dict[str, list[Fact]] = defaultdict(list)
        self.received = 0
        self.taps: list[Callable[[str, Fact], None]] = []  # see every record: (topic, fact)

    async def start(self) -> None:
        self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=2)
        await self.producer.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                          max_partition_fetch_bytes=4 << 20, fetch_max_wait_ms=50)
        await self._consumer.start()
        partitions = [TopicPartition(t, p) for t in self.watched
                      for p in sorted(await self.producer.partitions_for(t))]
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:  # resolve the positions now, before anything is published
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._collect())

    async def stop(self) -> None:
        """Also after a start that failed half way."""
        if getattr(self, "_task", None):
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if getattr(self, "_consumer", None):
            await self._consumer.stop()
        if getattr(self, "producer", None):
            await self.producer.stop()

    async def _collect(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200, max_records=5000)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    self.received += 1
                    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
                    fact = (headers.get("ce_type", ""), record.value, headers, now)
                    for tap in self.taps:
                        tap(record.topic, fact)
                    cause = headers.get("causation_id", "")
                    waiter = self._waiters.get(cause)
                    if waiter is None:
                        if self._stash_types is None or fact[0] in self._stash_types:
                            self._early[cause].append(fact)
                    else:
                        waiter(fact)

    def on_caused_by(self, command_id: str, callback: Callable[[Fact], None]) -> None:
        """Call `callback` for every fact caused by `command_id` (also those that arrived already)."""
        self._waiters[command_id] = callback
        for fact in self._early.pop(command_id, ()):
            callback(fact)

    def forget(self, command_id: str) -> None:
        self._waiters.pop(command_id, None)
        self._early.pop(command_id, None)

    async def send(self, topic: str, ce_type: str, data: dict[str, Any], key: str,
                   ce_id: str | None = None, correlation_id: str = "") -> tuple[str, float]:
        """Publish without waiting for the broker's acknowledgement; returns (ce_id, time sent)."""
        ce_id = ce_id or str(uuid.uuid4())
        sent = time.perf_counter()
        await self.producer.send(topic, json.dumps(data).encode(), key=key.encode(),
                                 headers=headers_of(ce_type, ce_id, correlation_id or ce_id))
        return ce_id, sent
