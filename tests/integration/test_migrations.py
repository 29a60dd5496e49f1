"""Migrations carry checksums: an applied file edited later stops the service at start, clearly."""

import asyncpg
import pytest

from servicekit.database import CORE_MIGRATIONS, MigrationChanged, apply_migrations, checksum, migrate_service
from tests.support.infra import REPO
from tests.support.services import ServiceProcess

INVENTORY_MIGRATIONS = REPO / "services" / "inventory" / "migrations"


@pytest.fixture
async def pool(infra):
    created = await asyncpg.create_pool(await infra.create_database("migrations"), min_size=1, max_size=2)
    yield created
    await created.close()


def migration_dir(tmp_path, *sql: str):
    for number, statement in enumerate(sql, start=1):
        (tmp_path / f"{number:03}_step.sql").write_text(statement)
    return tmp_path


async def recorded(pool, component: str) -> dict[str, str | None]:
    rows = await pool.fetch("SELECT name, checksum FROM schema_migrations WHERE component = $1", component)
    return {row["name"]: row["checksum"] for row in rows}


async def test_each_applied_file_is_recorded_with_its_sha256(pool, tmp_path):
    directory = migration_dir(tmp_path, "CREATE TABLE a (x int);", "CREATE TABLE b (y int);")
    assert await apply_migrations(pool, "demo", directory) == ["demo/001_step.sql", "demo/002_step.sql"]
    assert await recorded(pool, "demo") == {p.name: checksum(p) for p in sorted(directory.glob("*.sql"))}
    assert await apply_migrations(pool, "demo", directory) == []


async def test_an_applied_file_edited_later_is_refused_naming_the_file_and_nothing_new_is_applied(pool, tmp_path):
    directory = migration_dir(tmp_path, "CREATE TABLE a (x int);")
    await apply_migrations(pool, "demo", directory)
    (directory / "001_step.sql").write_text("CREATE TABLE a (x int, z int);")
    (directory / "002_more.sql").write_text("CREATE TABLE c (y int);")

    with pytest.raises(MigrationChanged, match=r"demo/001_step\.sql was changed after it was applied.*new migration"):
        await apply_migrations(pool, "demo", directory)
    assert await pool.fetchval("SELECT to_regclass('c')") is None


async def test_a_database_from_before_checksums_gets_them_recorded_on_first_start(pool):
    await pool.execute("""CREATE TABLE schema_migrations (
        component text NOT NULL, version int NOT NULL, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))""")
    for path in sorted(CORE_MIGRATIONS.glob("*.sql")):  # as the code before checksums applied it
        await pool.execute(path.read_text())
        await pool.execute("INSERT INTO schema_migrations (component, version, name) VALUES ('servicekit', $1, $2)",
                           int(path.name[:3]), path.name)

    applied = await migrate_service(pool, "inventory", INVENTORY_MIGRATIONS)

    assert not any(name.startswith("servicekit/") for name in applied)
    assert await recorded(pool, "servicekit") == {p.name: checksum(p) for p in sorted(CORE_MIGRATIONS.glob("*.sql"))}


async def test_the_service_refuses_to_start_when_an_applied_migration_changed(infra, tmp_path):
    dsn = await infra.create_database("inventory")
    conn = await asyncpg.connect(dsn)
    try:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
        await migrate_service(pool, "inventory", INVENTORY_MIGRATIONS)
        await pool.close()
        await conn.execute("UPDATE schema_migrations SET checksum = repeat('0', 64) "
                           "WHERE component = 'inventory' AND version = 2")
    finally:
        await conn.close()
    service = ServiceProcess("inventory", {"KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap, "DATABASE_URL": dsn}, tmp_path)

    with pytest.raises(RuntimeError, match="inventory exited"):
        service.start(timeout=60)
    assert "migration inventory/002_item_ledger.sql was changed after it was applied" in service.log_path.read_text()
