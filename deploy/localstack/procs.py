"""Small process helpers shared by the local-stack modules.

Children are started in their own session (process group) so that a Ctrl-C in the terminal
reaches only the stack's Python process, which then stops the parts in a chosen order. Pid
files let `python -m localstack down` find parts left over by a process that died hard; the
command line is checked before signalling so that a recycled pid is never killed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def pid_alive(pid: int) -> bool:
    """True if `pid` runs and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def read_pid(path: Path, must_contain: str) -> int | None:
    """The pid in `path` if that process still runs and its command line has `must_contain`."""
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) and must_contain in cmdline(pid) else None


def _signal(pid: int, sig: int) -> None:
    try:
        if os.getpgid(pid) == pid:  # leader of its own group: reach its children too
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_exit(pid: int, timeout: float, popen: subprocess.Popen | None) -> bool:
    if popen is not None:
        try:
            popen.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)


def terminate(pid: int, timeout: float = 15.0, popen: subprocess.Popen | None = None) -> bool:
    """SIGTERM, wait up to `timeout` s, then SIGKILL. Returns False if nothing was running."""
    if popen is not None and popen.poll() is not None:
        return False
    if popen is None and not pid_alive(pid):
        return False
    _signal(pid, signal.SIGTERM)
    if not _wait_exit(pid, timeout, popen):
        print(f"  pid {pid} ignored SIGTERM for {timeout:.0f}s, sending SIGKILL", flush=True)
        _signal(pid, signal.SIGKILL)
        _wait_exit(pid, 5.0, popen)
    return True


def run_sync(factory: Callable[[], Coroutine[object, object, T]]) -> T:
    """Run a coroutine to completion from sync code, even when called inside a running loop.

    The test fixtures may call the sync API from an async fixture; asyncio.run would refuse
    there, so the coroutine then runs on its own loop in a helper thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    box: dict[str, object] = {}

    def worker() -> None:
        try:
            box["value"] = asyncio.run(factory())
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=worker, name="localstack-run-sync")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path})"
