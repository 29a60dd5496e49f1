"""A private PostgreSQL server for the local stack and the tests, run from the distro's binaries.

PostgreSQL refuses to run as root, and the dev machines and CI run as root: then the server
runs as the unprivileged system user `slt-postgres`, created on first use, via runuser. Where
the binaries are missing (a fresh machine), Debian's `postgresql` package is installed.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

import asyncpg

from localstack import procs

PG_USER = "slt-postgres"
_SETTINGS_FILE = "localstack.conf"


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    versioned = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versioned, key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)],
                         reverse=True)
    for path in candidates:
        if all((path / tool).exists() for tool in ("pg_ctl", "initdb", "postgres")):
            return path
    return None


def ensure_postgres_binaries() -> Path:
    """The folder holding pg_ctl/initdb/postgres; installs Debian's `postgresql` if need be."""
    found = _bin_dir()
    if found is not None:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError("PostgreSQL binaries (pg_ctl, initdb) not found; install PostgreSQL "
                           "(Debian: apt-get install -y postgresql) or put pg_ctl on PATH")
    print("postgres: binaries missing, installing Debian's postgresql package ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    found = _bin_dir()
    if found is None:
        raise RuntimeError("installed postgresql but still found no pg_ctl under /usr/lib/postgresql")
    return found


def _ensure_pg_user() -> None:
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        PG_USER], check=True)


def unprivileged_can_use(path: Path) -> bool:
    """True unless we are root and `slt-postgres` could not reach `path`'s parent folder."""
    if os.geteuid() != 0:
        return True
    _ensure_pg_user()
    return subprocess.run(["runuser", "-u", PG_USER, "--", "test", "-x", str(path.parent)]).returncode == 0


class PostgresServer:
    """A server whose cluster lives in `data_dir`; an already running one there is reused."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or ensure_postgres_binaries()
        self.data_dir: Path | None = None
        self.port = 0
        self._as_root = os.geteuid() == 0

    @property
    def _data(self) -> Path:
        assert self.data_dir is not None, "start() names the data directory first"
        return self.data_dir

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / tool), *args]
        if self._as_root:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        result = subprocess.run(cmd, cwd=self.data_dir, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                               f"\n{procs.tail(self._data / 'postgres.log', 20)}")
        return result

    def _running_port(self) -> int | None:
        """Port of a live postmaster on data_dir, from postmaster.pid (pid line 1, port line 4)."""
        try:
            lines = (self._data / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        return port if procs.pid_alive(pid) and "postgres" in procs.cmdline(pid) else None

    def _init_cluster(self) -> None:
        self._data.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not unprivileged_can_use(self._data):
            raise RuntimeError(f"user {PG_USER} cannot reach {self._data.parent}; "
                               "use a data dir under a world-traversable folder")
        if self._as_root:
            shutil.chown(self._data, PG_USER, PG_USER)
        self._run("initdb", "-D", str(self._data), "--auth=trust", "-U", "postgres",
                  "--encoding=UTF8", "--no-locale", "--no-sync")
        with open(self._data / "postgresql.conf", "a") as conf:
            conf.write(f"\ninclude_if_exists = '{_SETTINGS_FILE}'\n")

    def start(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = Path(data_dir).resolve(), port
        running = self._running_port()
        if running is not None:
            if running != port:
                raise RuntimeError(f"PostgreSQL already runs on {self.data_dir} at port {running}, "
                                   f"not {port}; stop it first (python -m localstack down)")
            print(f"postgres: reusing running server on port {port}", flush=True)
            return
        if self._as_root:
            _ensure_pg_user()
        if not (self.data_dir / "PG_VERSION").exists():
            self._init_cluster()
        # Unix sockets live in the data dir unless that path is too long for a socket (TCP only then).
        sock_dir = str(self.data_dir) if len(str(self.data_dir)) < 90 else ""
        settings = (f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{sock_dir}'\nmax_connections = 200\n")
        (self.data_dir / _SETTINGS_FILE).write_text(settings)
        if self._as_root:
            shutil.chown(self.data_dir / _SETTINGS_FILE, PG_USER, PG_USER)
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.data_dir / "postgres.log"),
                  "-w", "-t", "60", "start")

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database `name` unless it exists; return its DSN."""
        async def create() -> None:
            conn = await asyncpg.connect(self.dsn(), timeout=10)
            try:
                if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                    await conn.execute('CREATE DATABASE "{}"'.format(name.replace('"', '""')))
            finally:
                await conn.close()

        procs.run_sync(create)
        return self.dsn(name)

    def stop(self) -> None:
        if self.data_dir is not None and self._running_port() is not None:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")


def stop_leftover(data_dir: Path) -> bool:
    """Stop a server left running on `data_dir` (for `down`). True if one was running."""
    if not (Path(data_dir) / "postmaster.pid").exists():
        return False
    server = PostgresServer()
    server.data_dir = Path(data_dir).resolve()
    if server._running_port() is None:
        return False
    server.stop()
    return True
