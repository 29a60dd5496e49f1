"""`slt` as an operator runs it against the test stack: a process, with the brokers and the read APIs
in the environment (KAFKA_BOOTSTRAP_SERVERS, WAREHOUSE_URL, INVENTORY_URL)."""

import asyncio
import os
import sys
from dataclasses import dataclass


@dataclass
class Run:
    exit_code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


async def slt(stack, *args: str, env: dict[str, str] | None = None, timeout: float = 180) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "slt_cli", *args,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": stack.infra.bootstrap, "WAREHOUSE_URL": stack.warehouse.url,
             "INVENTORY_URL": stack.inventory.url, "COLUMNS": "200", **(env or {})},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return Run(process.returncode, out.decode(), err.decode())
