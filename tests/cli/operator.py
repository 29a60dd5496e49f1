"""`slt` as an operator runs it against the test stack: a process, with the brokers and the read APIs
in the environment (KAFKA_BOOTSTRAP_SERVERS, WAREHOUSE_URL, INVENTORY_URL)."""

import asyncio
import os
import sys
from dataclasses import dataclass
from decimal import Decimal

from contracts import inventory as inv
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS


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


async def reserve(kafka, item_no: str, location: str, sales_order: str, quantity, **tracking: str) -> None:
    command = inv.Reserve(item_no=item_no, location_code=location, source_no=sales_order, source_line_no=1,
                          quantity=Decimal(quantity), **tracking)
    command_id = await kafka.send_command(INVENTORY_COMMANDS, command.TYPE, command.model_dump(mode="json"),
                                          key=command.kafka_key())
    answers = await kafka.wait_for(causation_id=command_id, topic=INVENTORY_EVENTS)
    assert inv.ReservationCreated.TYPE in {a.type for a in answers}, [a.json() for a in answers]
