"""What `/readyz` checks, each check answering within its own timeout.

- database: `SELECT 1`; kafka: the broker answers a metadata request;
- subscriptions: no subscription has worked on one message longer than READY_STUCK_SECONDS, nor stood
  still that long while its partitions hold messages it has not taken (a fetch that keeps failing);
- relay: the oldest unpublished outbox row is younger than READY_OUTBOX_MAX_AGE_SECONDS.
Before the service has finished starting (database or broker not reachable yet) it answers `starting`.
"""

import asyncio
import time
from collections.abc import Sequence

import asyncpg
from faststream.kafka import KafkaBroker

from servicekit.consumer import MessageProcessor

_TIMEOUT = 2.0


async def database_answers(pool: asyncpg.Pool) -> bool:
    try:
        return await pool.fetchval("SELECT 1", timeout=_TIMEOUT) == 1
    except Exception:
        return False


async def relay_keeps_up(pool: asyncpg.Pool, max_age: float) -> bool:
    try:
        age = await pool.fetchval(
            "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox", timeout=_TIMEOUT)
    except Exception:
        return False
    return float(age) < max_age


async def stuck_subscriptions(broker: KafkaBroker, processors: Sequence[MessageProcessor],
                              threshold: float) -> list[str]:
    """The consumer groups whose subscription makes no progress."""
    now = time.monotonic()
    stuck = []
    for subscriber, processor in zip(broker.subscribers, processors, strict=True):
        if processor.busy_since is not None:
            blocked = now - processor.busy_since > threshold
        else:
            blocked = now - processor.last_done > threshold and await _waiting(subscriber)
        if blocked:
            stuck.append(getattr(subscriber, "group_id", None) or "")
    return stuck


async def _waiting(subscriber) -> bool:
    """Messages on an assigned partition beyond the consumer's fetch position (known after a fetch)."""
    consumer = subscriber.consumer
    try:
        for partition in consumer.assignment() if consumer else ():
            end = consumer.highwater(partition)
            if end is not None and end > await asyncio.wait_for(consumer.position(partition), _TIMEOUT):
                return True
    except Exception:  # a rebalance revoked it meanwhile
        return False
    return False
