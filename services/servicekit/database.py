"""Connection pool and numbered SQL migrations.

Migrations are plain `NNN_name.sql` files per component (the reliability core first, then the
service's own). They run under an advisory lock, so several instances starting at once apply
each file exactly once.
"""

from pathlib import Path

import asyncpg
import structlog

log = structlog.get_logger(__name__)

_MIGRATION_LOCK = 7_316_001  # arbitrary constant shared by all instances of a service
CORE_MIGRATIONS = Path(__file__).parent / "migrations"


async def create_pool(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=1, max_size=max_size)


async def apply_migrations(pool: asyncpg.Pool, component: str, directory: Path) -> list[str]:
    """Apply the not yet applied files of `directory`, in order, each in its own transaction."""
    applied_now: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            await conn.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                       component text NOT NULL, version int NOT NULL, name text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now(),
                       PRIMARY KEY (component, version))"""
            )
            done = {
                r["version"]
                for r in await conn.fetch(
                    "SELECT version FROM schema_migrations WHERE component = $1", component
                )
            }
            for path in sorted(directory.glob("*.sql")):
                version = int(path.name.split("_", 1)[0])
                if version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(path.read_text())
                    await conn.execute(
                        "INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)",
                        component, version, path.name,
                    )
                applied_now.append(f"{component}/{path.name}")
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    if applied_now:
        log.info("migrations applied", migrations=applied_now)
    return applied_now


async def migrate_service(pool: asyncpg.Pool, service: str, directory: Path) -> list[str]:
    core = await apply_migrations(pool, "servicekit", CORE_MIGRATIONS)
    return core + await apply_migrations(pool, service, directory)
