"""Inbox pruning: the inbox forgets a message id after INBOX_RETENTION_DAYS, longer than any topic keeps
the message (a redelivery older than that cannot happen). Runs hourly in every instance, in small batches."""

import asyncio

import asyncpg
import structlog

log = structlog.get_logger(__name__)

_BATCH = 5000


async def prune_once(pool: asyncpg.Pool, retention_days: float) -> int:
    """Delete inbox rows and record claims older than the retention; returns how many went."""
    removed = 0
    for table in ("inbox", "record_claims"):
        while True:
            status = await pool.execute(
                f"""DELETE FROM {table} WHERE ctid = ANY(ARRAY(
                       SELECT ctid FROM {table} WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2))""",
                retention_days * 86400, _BATCH)
            count = int(status.split()[-1])
            removed += count
            if count < _BATCH:
                break
    return removed


async def prune_forever(pool: asyncpg.Pool, retention_days: float, every: float = 3600.0) -> None:
    while True:
        try:
            if removed := await prune_once(pool, retention_days):
                log.info("inbox pruned", rows=removed, retention_days=retention_days)
        except Exception as error:  # the database away: next time
            log.warning("inbox pruning failed", error=repr(error))
        await asyncio.sleep(every)
