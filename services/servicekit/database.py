"""Connection pool and numbered SQL migrations.

Migrations are plain `NNN_name.sql` files per component (the reliability core first, then the
service's own). They run under an advisory lock, so several instances starting at once apply
each file exactly once. Each applied file's SHA-256 is recorded: a file edited after it was
applied stops the service at start (`MigrationChanged`), since the database no longer matches
what the repository says it is. Databases from before checksums get theirs recorded on their
first start, from the files as they are then.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import structlog

log = structlog.get_logger(__name__)

_MIGRATION_LOCK = 7_316_001  # arbitrary constant shared by all instances of a service
CORE_MIGRATIONS = Path(__file__).parent / "migrations"
Connection = asyncpg.Connection | asyncpg.pool.PoolConnectionProxy


class MigrationChanged(RuntimeError):
    """An applied migration file differs from the one that was applied."""


async def create_pool(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=1, max_size=max_size)


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Migration:
    """One `NNN_name.sql` file as read at start."""

    version: int
    name: str
    sql: str
    checksum: str

    @classmethod
    def read(cls, path: Path) -> "Migration":
        return cls(int(path.name.split("_", 1)[0]), path.name, path.read_text(), checksum(path))


def read_migrations(directory: Path) -> list[Migration]:
    return [Migration.read(path) for path in sorted(directory.glob("*.sql"))]


async def apply_migrations(pool: asyncpg.Pool, component: str, directory: Path) -> list[str]:
    """Apply the not yet applied files of `directory`, in order, each in its own transaction;
    raises MigrationChanged, before applying anything, when an applied file was edited."""
    migrations = read_migrations(directory)
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            await _ensure_table(conn)
            applied = await _verify_applied(conn, component, migrations)
            applied_now = [await _apply(conn, component, m) for m in migrations if m.version not in applied]
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    if applied_now:
        log.info("migrations applied", migrations=applied_now)
    return applied_now


async def _ensure_table(conn: Connection) -> None:
    await conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               component text NOT NULL, version int NOT NULL, name text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now(),
               PRIMARY KEY (component, version));
           ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text"""
    )


async def _verify_applied(conn: Connection, component: str, migrations: list[Migration]) -> set[int]:
    """The versions already applied; records missing checksums, refuses changed files."""
    rows = await conn.fetch("SELECT version, checksum FROM schema_migrations WHERE component = $1", component)
    files = {m.version: m for m in migrations}
    for row in rows:
        migration = files.get(row["version"])
        if migration is None:
            continue  # a file removed after it was applied changes nothing in the database
        if row["checksum"] is None:
            await conn.execute("UPDATE schema_migrations SET checksum = $3 WHERE component = $1 AND version = $2",
                               component, migration.version, migration.checksum)
            log.info("migration checksum recorded", migration=f"{component}/{migration.name}")
        elif row["checksum"] != migration.checksum:
            raise MigrationChanged(
                f"migration {component}/{migration.name} was changed after it was applied to this database "
                f"(applied sha256 {row['checksum'][:12]}, file now {migration.checksum[:12]}): restore the file "
                f"as it was and put the change into a new migration file with the next number")
    return {row["version"] for row in rows}


async def _apply(conn: Connection, component: str, migration: Migration) -> str:
    async with conn.transaction():
        await conn.execute(migration.sql)
        await conn.execute(
            "INSERT INTO schema_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)",
            component, migration.version, migration.name, migration.checksum,
        )
    return f"{component}/{migration.name}"


async def migrate_service(pool: asyncpg.Pool, service: str, directory: Path) -> list[str]:
    core = await apply_migrations(pool, "servicekit", CORE_MIGRATIONS)
    return core + await apply_migrations(pool, service, directory)
