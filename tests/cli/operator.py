"""`slt` as an operator runs it against the test stack: a process, with the brokers and the read APIs
in the environment (KAFKA_BOOTSTRAP_SERVERS, WAREHOUSE_URL, INVENTORY_URL)."""

import asyncio
import os
import sys
from dataclasses import dataclass
from decimal import Decimal

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_EVENTS
from tests.support.ids import unique
from tests.support.warehouse import lot


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


async def drifted_location(warehouse, kafka, prefix: str) -> tuple[str, str, str]:
    """(consistent item, drifted item, location): the first received as usual; for the second a receipt the
    warehouse never made, published by hand, so the item ledger holds 5 that the bins do not (S7)."""
    consistent, drifted, location = unique(prefix), unique(prefix), unique("WH")
    await warehouse.register_item(consistent, "lot")
    await warehouse.register_item(drifted, "lot")
    await warehouse.configure(location)
    await warehouse.stock_up(location, consistent, [lot("R1", 4)])
    fact = wh.ReceiptPosted(receipt_no=unique("GHOST"), put_away_no="", location_code=location, item_no=drifted,
                            posting_date="2030-01-01", lines=(wh.PostedLineFact(
                                document_line_no=1, source_type="purchase_order", source_no="PO-X", source_line_no=1,
                                variant="", bin_code="R-01", lot="R9", quantity=Decimal(5)),))
    ghost = await kafka.send_command(WAREHOUSE_EVENTS, fact.TYPE, fact.model_dump(mode="json"), key=fact.kafka_key(),
                                     source="/warehouse")
    await kafka.wait_until(lambda m: m.type == inv.LedgerEntriesPosted.TYPE and m.json()["posting_id"] == ghost,
                           describe="the ghost receipt posted")
    return consistent, drifted, location
