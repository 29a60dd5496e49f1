"""`python -m localstack up|infra|down`: the whole system on this machine, without Docker.

State lives in `<repo>/.stack` (broker log dir, PostgreSQL cluster, pid files), the resolved
Kafka jars in `<repo>/.cache`; both survive between runs, so a second `up` takes seconds.
Every part runs in its own process group: Ctrl-C reaches only this process, which then stops
the parts in reverse order (services, broker, PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from contracts.topics import ALL_TOPICS
from localstack import kafka, postgres, procs

REPO = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("STACK_STATE_DIR", REPO / ".stack"))
CACHE = REPO / ".cache"
DATABASES = {"warehouse": "warehouse", "inventory": "inventory"}


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


KAFKA_PORT = _port("STACK_KAFKA_PORT", 19092)
CONTROLLER_PORT = _port("STACK_KAFKA_CONTROLLER_PORT", 19093)
POSTGRES_PORT = _port("STACK_POSTGRES_PORT", 15432)
HTTP_PORTS = {"warehouse": _port("STACK_WAREHOUSE_HTTP_PORT", 8081),
              "inventory": _port("STACK_INVENTORY_HTTP_PORT", 8082)}


class _Stop(Exception):
    """Raised by the SIGINT/SIGTERM handler to unwind into the ordered shutdown."""


def _on_signal(signum: int, _frame: object) -> None:
    raise _Stop(signal.Signals(signum).name)


class Stack:
    """The parts started so far, so that they can be stopped in reverse order."""

    def __init__(self) -> None:
        self.broker: kafka.KafkaBroker | None = None
        self.pg: postgres.PostgresServer | None = None
        self.services: dict[str, subprocess.Popen] = {}

    def start_infra(self) -> None:
        t0 = time.monotonic()
        libs = kafka.ensure_kafka_libs(CACHE)
        self.broker = kafka.KafkaBroker(libs)
        self.broker.start(STATE / "kafka", KAFKA_PORT, CONTROLLER_PORT)
        t1 = time.monotonic()
        self.pg = postgres.PostgresServer()
        self.pg.start(STATE / "postgres", POSTGRES_PORT)  # while the JVM boots
        for database in DATABASES.values():
            self.pg.create_database(database)
        print(f"postgres: ready on port {POSTGRES_PORT} ({time.monotonic() - t1:.1f}s)", flush=True)
        self.broker.wait_ready()
        print(f"kafka: ready at {self.broker.bootstrap} ({time.monotonic() - t1:.1f}s)", flush=True)
        asyncio.run(kafka.create_topics(self.broker.bootstrap, [(t.name, t.partitions) for t in ALL_TOPICS]))
        print(f"infra ready in {time.monotonic() - t0:.1f}s", flush=True)

    def service_env(self, name: str) -> dict[str, str]:
        assert self.broker and self.pg
        return {"KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap,
                "DATABASE_URL": self.pg.dsn(DATABASES[name]), "HTTP_PORT": str(HTTP_PORTS[name])}

    def start_service(self, name: str) -> None:
        if importlib.util.find_spec(name) is None or importlib.util.find_spec(f"{name}.__main__") is None:
            raise RuntimeError(f"cannot start service {name}: module `{name}.__main__` not found "
                               f"(`python -m {name}` is not implemented yet?)")
        popen = subprocess.Popen([sys.executable, "-m", name], cwd=REPO, start_new_session=True,
                                 env={**os.environ, **self.service_env(name)}, stdin=subprocess.DEVNULL)
        self.services[name] = popen
        (STATE / f"{name}.pid").write_text(f"{popen.pid}\n")

    def wait_http(self, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.services[name].poll() is not None:
                raise RuntimeError(f"service {name} exited with code {self.services[name].returncode}")
            try:
                socket.create_connection(("127.0.0.1", HTTP_PORTS[name]), timeout=1).close()
                return
            except OSError:
                time.sleep(0.3)
        print(f"warning: {name} does not listen on port {HTTP_PORTS[name]} after {timeout:.0f}s", flush=True)

    def stop(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the ordered shutdown finish
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for name, popen in reversed(list(self.services.items())):
            print(f"stopping {name} ...", flush=True)
            procs.terminate(popen.pid, 15.0, popen)
            (STATE / f"{name}.pid").unlink(missing_ok=True)
        if self.broker is not None:
            print("stopping kafka ...", flush=True)
            self.broker.stop()
        if self.pg is not None:
            print("stopping postgres ...", flush=True)
            self.pg.stop()
        print("stopped", flush=True)


def _print_table(stack: Stack, with_services: bool) -> None:
    assert stack.broker and stack.pg
    rows = [("Kafka bootstrap", stack.broker.bootstrap)]
    rows += [(f"PostgreSQL {db}", stack.pg.dsn(db)) for db in DATABASES.values()]
    if with_services:
        rows += [(f"{name} HTTP", f"http://127.0.0.1:{port}") for name, port in HTTP_PORTS.items()]
    width = max(len(label) for label, _ in rows)
    print("\n" + "\n".join(f"  {label:<{width}}  {where}" for label, where in rows) + "\n", flush=True)


def _print_service_environments(stack: Stack) -> None:
    """What each service reads (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, HTTP_PORT), as a line to start it with,
    and what `make test` reads to use this infrastructure instead of starting its own."""
    assert stack.broker and stack.pg
    print("start a service against it (these are the variables it reads):")
    for name in DATABASES:
        variables = " ".join(f"{key}={value}" for key, value in stack.service_env(name).items())
        print(f"  {variables} .venv/bin/python -m {name}")
    print("run the tests against it (they create their own databases on this server):")
    print(f"  KAFKA_BOOTSTRAP_SERVERS={stack.broker.bootstrap} DATABASE_URL={stack.pg.dsn()} make test", flush=True)


def _run(with_services: bool) -> int:
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    STATE.mkdir(parents=True, exist_ok=True)
    stack, code = Stack(), 0
    try:
        stack.start_infra()
        if with_services:
            for name in DATABASES:
                stack.start_service(name)
            for name in DATABASES:
                stack.wait_http(name)
        _print_table(stack, with_services)
        if not with_services:
            _print_service_environments(stack)
        print("running; Ctrl-C stops everything", flush=True)
        while True:
            for name, popen in stack.services.items():
                if popen.poll() is not None:
                    raise RuntimeError(f"service {name} exited with code {popen.returncode}")
            time.sleep(0.5)
    except _Stop as stop:
        print(f"\n{stop}: shutting down", flush=True)
    except Exception as exc:  # report clearly, still stop what was started
        print(f"error: {exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        stack.stop()
    return code


def down() -> int:
    """Stop whatever a previous run left behind, found through the pid files in .stack/."""
    for name in reversed(list(DATABASES)):
        pid_file = STATE / f"{name}.pid"
        pid = procs.read_pid(pid_file, f"-m {name}")
        if pid is not None and procs.terminate(pid):
            print(f"stopped {name} (pid {pid})")
        pid_file.unlink(missing_ok=True)
    if kafka.stop_leftover(STATE / "kafka"):
        print("stopped kafka")
    if postgres.stop_leftover(STATE / "postgres"):
        print("stopped postgres")
    print("nothing left running")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localstack", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "infra", "down"],
                        help="up: infra + both services; infra: Kafka + PostgreSQL only; down: stop leftovers")
    args = parser.parse_args(argv)
    if args.command == "down":
        return down()
    return _run(with_services=args.command == "up")
