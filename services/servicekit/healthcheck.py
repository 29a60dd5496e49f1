"""`python -m servicekit.healthcheck`: the container HEALTHCHECK of the one image.

Asks `/healthz` of the process this container runs, on `HTTP_PORT` or, when that is unset, on the
default port of the settings of the module PID 1 runs (`python -m warehouse` -> 8081, inventory
8082, console 8083). Exit 0 healthy, 1 not.
"""

import importlib
import os
import sys
import urllib.request
from pathlib import Path

from pydantic_settings import BaseSettings


def running_module(cmdline: list[str]) -> str:
    """The module of a `python -m MODULE` command line; empty when it is not one."""
    return cmdline[cmdline.index("-m") + 1] if "-m" in cmdline[:-1] else ""


def default_port(module: str) -> int:
    """`http_port`'s default in the settings class of `module` (`<module>.settings`)."""
    settings = importlib.import_module(f"{module}.settings")
    for candidate in vars(settings).values():
        defined_here = isinstance(candidate, type) and candidate.__module__ == settings.__name__
        if defined_here and issubclass(candidate, BaseSettings):
            field = candidate.model_fields.get("http_port")
            if field is not None and isinstance(field.default, int):
                return field.default
    raise LookupError(f"{module}.settings has no settings class with a default http_port")


def port(environ: dict[str, str], cmdline: list[str]) -> int:
    return int(environ["HTTP_PORT"]) if environ.get("HTTP_PORT") else default_port(running_module(cmdline))


def main() -> int:
    cmdline = Path("/proc/1/cmdline").read_bytes().decode().split("\0")
    url = f"http://127.0.0.1:{port(dict(os.environ), cmdline)}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return 0 if answer.status == 200 else 1
    except OSError as failure:
        print(f"{url}: {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
