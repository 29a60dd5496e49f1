"""Prometheus metrics of one service process, served at `GET /metrics`.

The reliability core records what every service shares: how each message ended (applied,
duplicate, refused, dead-lettered, ignored) and how long it took, refusals by reason code, dead
letters by reason, consumer lag and the outbox backlog. Values that live elsewhere (the outbox
table, the consumers' positions) are read by probes at each scrape, so they are never stale
and cost nothing between scrapes.

A service adds its own (parked postings, reservation refusals, ...) in its wiring:

    parked = runtime.metrics.gauge("parked_postings", "Postings waiting for their location")
    runtime.metrics.add_probe(lambda: refresh_parked(runtime.pool, parked))
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import structlog
from aiokafka.errors import IllegalStateError
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

log = structlog.get_logger(__name__)

PREFIX = "slt_"
Probe = Callable[[], Awaitable[None]]
_PROBE_TIMEOUT = 2.0


class ServiceMetrics:
    def __init__(self) -> None:
        """Declares every metric of the service: one statement per metric, so not split."""
        # One registry per service process: nothing global, so tests can build several.
        self.registry = CollectorRegistry()
        self._probes: list[Probe] = []
        self.handling_seconds = Histogram(
            f"{PREFIX}message_handling_seconds",
            "Time from taking a message to committing its effect, retries included",
            ["consumer", "message_type"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.processed = self.counter(
            "messages_processed", "Messages consumed, by how they ended", ["consumer", "message_type", "outcome"]
        )
        self.refusals = self.counter(
            "refusals", "Commands refused by a business rule", ["consumer", "message_type", "reason_code"]
        )
        self.batches = self.counter(
            "batches", "Batches of records taken from Kafka, by how they were applied: together (one transaction) "
            "or one_by_one (the fallback; `reason` names the error class)", ["consumer", "applied", "reason"]
        )
        self.dead_letters = self.counter(
            "dead_letters", "Dead letters published to a dead-letter topic (counted by the relay once sent)",
            ["consumer", "topic", "reason"]
        )
        self.consumer_quarantined = self.counter(
            "consumer_quarantined", "Records whose dead letter could not be written (see consumer_quarantine)",
            ["consumer", "topic"]
        )
        self.relay_quarantined = self.counter(
            "relay_quarantined", "Outbox rows the broker refused for good, moved to relay_quarantine", ["topic"]
        )
        self.relay_quarantine_rows = self.gauge("relay_quarantine_rows", "Rows waiting in relay_quarantine")
        self.consumer_lag = self.gauge(
            "consumer_lag_messages", "Messages on a partition this instance has not taken yet",
            ["group", "topic", "partition"]
        )
        self.outbox_backlog = self.gauge("outbox_backlog_rows", "Committed outbox rows not yet published")
        self.outbox_oldest_age = self.gauge(
            "outbox_oldest_row_age_seconds", "Age of the oldest unpublished outbox row (0 when empty)"
        )

    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        """A counter of this service; exposed as `slt_<name>_total`."""
        return Counter(f"{PREFIX}{name}", documentation, list(labels), registry=self.registry)

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(f"{PREFIX}{name}", documentation, list(labels), registry=self.registry)

    def add_probe(self, probe: Probe) -> None:
        """Run `probe` before each scrape; it sets the gauges it owns."""
        self._probes.append(probe)

    def watch_outbox(self, pool: asyncpg.Pool) -> None:
        async def probe() -> None:
            rows, age, quarantined = await pool.fetchrow(  # type: ignore[misc]  # one row: aggregates always answer
                """SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0),
                          (SELECT count(*) FROM relay_quarantine) FROM outbox"""
            )
            self.outbox_backlog.set(rows)
            self.outbox_oldest_age.set(float(age))
            self.relay_quarantine_rows.set(quarantined)

        self.add_probe(probe)

    def watch_consumer_lag(self, broker: KafkaBroker) -> None:
        """Lag per group and assigned partition: the last known end of the partition minus the committed offset.

        Each instance reports the partitions it owns, labelled with the consumer group, so summing over
        instances per group gives the group's lag (`slt lag` reads the same from the broker).
        """
        async def probe() -> None:
            self.consumer_lag.clear()  # partitions handed to another instance disappear
            for subscriber in broker.subscribers:
                # FastStream's Kafka subscribers carry the aiokafka consumer and group they run.
                consumer: Any = getattr(subscriber, "consumer", None)
                group = getattr(subscriber, "group_id", None) or ""
                for partition in consumer.assignment() if consumer else ():
                    try:
                        end = consumer.highwater(partition)
                        if end is not None:  # known after the first fetch
                            # From the committed offset: the fetch position runs ahead of a message in hand.
                            done = await consumer.committed(partition)
                            lag = end - (await consumer.position(partition) if done is None else done)
                            self.consumer_lag.labels(group, partition.topic, str(partition.partition)).set(max(lag, 0))
                    except (AssertionError, IllegalStateError):  # revoked meanwhile by a rebalance
                        continue

        self.add_probe(probe)

    async def exposition(self) -> bytes:
        """Refresh the probed values, then render every metric in the Prometheus text format."""
        for probe in self._probes:
            try:
                await asyncio.wait_for(probe(), _PROBE_TIMEOUT)
            except Exception as error:  # a slow database must not break the scrape of the rest
                log.warning("metrics probe failed", probe=getattr(probe, "__qualname__", repr(probe)),
                            error=repr(error))
        return generate_latest(self.registry)
