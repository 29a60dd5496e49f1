"""`slt import-opening-balances FILE.csv`: initial bin contents, through the normal command path.

Columns: location,bin,item,variant,serial,lot,expiration,quantity (one row per bin and serial/lot).

How a row becomes stock, as a warehouse would count it in on day one (W9, W10):
1. each row is one `RegisterWarehouseAdjustment` (found stock: the bin gains the quantity, the
   location's adjustment bin the opposite), so a row the warehouse refuses (unknown bin, a serial
   already in stock, a lot with another expiration date, ...) refuses only itself;
2. per location, one `CalculateWarehouseAdjustment` for the file's items then hands the
   adjustment-bin balance to the inventory, which posts positive adjustment entries to the item ledger.

Idempotent: a row's document number is derived from its contents (`OB-` and a hash; identical rows
are told apart by their occurrence), so a row already loaded is recognised in the warehouse's entries
and skipped, and re-sending it would be refused as a duplicate document. The calculation's number is
derived from the balances it posts; with nothing left in the adjustment bin it is not sent at all.
Note that W10 posts the items' whole adjustment-bin balance at the location: run the import before
other corrections of the same items.
"""

import asyncio
import csv
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from slt_cli import kafka
from slt_cli.errors import FAILED, INVALID_INPUT, NO_ANSWER, CliError
from slt_cli.readapi import Session
from slt_cli.render import console

COLUMNS = ("location", "bin", "item", "variant", "serial", "lot", "expiration", "quantity")
DUPLICATE_DOCUMENT = "duplicate_document"
NOTHING_TO_ADJUST = "nothing_to_adjust"
_CHECKS_AT_ONCE = 16
_MAX_ROWS = 1000  # the read API's cap per answer


@dataclass
class Row:
    line: int  # in the file, the header being line 1
    values: dict[str, str]
    document_no: str = ""
    command: wh.RegisterWarehouseAdjustment | None = None

    def describe(self) -> str:
        v = self.values
        tracking = " ".join(f"{k} {v[k]}" for k in ("serial", "lot") if v.get(k))
        return f"{v.get('location')}/{v.get('bin')} {v.get('item')} {tracking} x{v.get('quantity')}".strip()


@dataclass
class Outcome:
    rows: int = 0
    loaded: list[Row] = field(default_factory=list)
    already: list[Row] = field(default_factory=list)
    rejected: list[tuple[Row, str, str]] = field(default_factory=list)  # row, reason code, message
    unanswered: list[Row] = field(default_factory=list)
    postings: dict[str, str] = field(default_factory=dict)  # location -> what the calculation did


def read_rows(path: Path) -> tuple[list[Row], list[tuple[Row, str, str]]]:
    """The rows as commands, and the rows that cannot become one (with why)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            if missing := [c for c in COLUMNS if c not in (reader.fieldnames or ())]:
                raise CliError(
                    f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}", INVALID_INPUT
                )
            raw = [
                Row(line, {c: (values.get(c) or "").strip() for c in COLUMNS})
                for line, values in enumerate(reader, start=2)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as problem:
        raise CliError(f"cannot read {path}: {problem}", INVALID_INPUT) from problem
    return _as_commands(raw)


def _as_commands(raw: list[Row]) -> tuple[list[Row], list[tuple[Row, str, str]]]:
    """Each row gets a document number from its content (and how often the same content came before), so
    importing the same file again registers nothing twice."""
    rows: list[Row] = []
    invalid: list[tuple[Row, str, str]] = []
    seen: Counter[str] = Counter()
    for row in raw:
        try:
            identity = _normalized(row.values)
            seen[identity] += 1
            row.document_no = "OB-" + hashlib.sha256(f"{identity}\x1e{seen[identity]}".encode()).hexdigest()[:16]
            row.command = _command(row)
        except ValidationError as problem:
            invalid.append(
                (row, "invalid_row", "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in problem.errors()))
            )
            continue
        except ValueError as problem:
            invalid.append((row, "invalid_row", str(problem)))
            continue
        rows.append(row)
    return rows, invalid


def _normalized(values: dict[str, str]) -> str:
    """The row's identity: the same stock written differently (`5` and `5.0`) is the same row."""
    for required in ("location", "bin", "item", "quantity"):
        if not values[required]:
            raise ValueError(f"{required} is empty")
    try:
        quantity = Decimal(values["quantity"])
    except InvalidOperation:
        raise ValueError(f"quantity {values['quantity']!r} is not a number") from None
    if not quantity.is_finite() or quantity <= 0:
        raise ValueError(f"quantity {values['quantity']} must be more than zero")
    if values["expiration"]:
        try:
            values["expiration"] = date.fromisoformat(values["expiration"]).isoformat()
        except ValueError:
            raise ValueError(f"expiration {values['expiration']!r} is not a date (YYYY-MM-DD)") from None
    values["quantity"] = format(quantity.normalize(), "f")
    return "\x1f".join(values[c] for c in COLUMNS)


def _command(row: Row) -> wh.RegisterWarehouseAdjustment:
    v = row.values
    line = {
        "item_no": v["item"],
        "variant": v["variant"],
        "bin_code": v["bin"],
        "serial": v["serial"],
        "lot": v["lot"],
        "expiration": v["expiration"] or None,
        "quantity": v["quantity"],
    }
    return wh.RegisterWarehouseAdjustment(document_no=row.document_no, location_code=v["location"], lines=(line,))


async def import_file(bootstrap: str, read: Session, path: Path, timeout: float) -> Outcome:
    rows, invalid = read_rows(path)
    outcome = Outcome(rows=len(rows) + len(invalid), rejected=list(invalid))
    with Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        pending = await _not_loaded(read, rows, outcome, progress)
        if pending:
            await _register(bootstrap, pending, outcome, progress, timeout)
        locations = sorted({row.values["location"] for row in outcome.loaded + outcome.already})
        task = progress.add_task("posting to the ledger", total=len(locations))
        for location in locations:
            items = sorted(
                {row.values["item"] for row in outcome.loaded + outcome.already if row.values["location"] == location}
            )
            outcome.postings[location] = await _post_balances(bootstrap, read, location, items, timeout)
            progress.advance(task)
    return outcome


async def _not_loaded(read: Session, rows: list[Row], outcome: Outcome, progress: Progress) -> list[Row]:
    """Rows whose document the warehouse has no entries of yet."""
    task = progress.add_task("checking what is loaded", total=len(rows))
    limit = asyncio.Semaphore(_CHECKS_AT_ONCE)

    async def loaded(row: Row) -> bool:
        async with limit:
            answer = await read.warehouse("/warehouse-entries", document_no=row.document_no, limit=1)
        progress.advance(task)
        return bool(answer["entries"])

    found = await asyncio.gather(*(loaded(row) for row in rows))
    outcome.already += [row for row, is_loaded in zip(rows, found, strict=True) if is_loaded]
    return [row for row, is_loaded in zip(rows, found, strict=True) if not is_loaded]


async def _register(bootstrap: str, rows: list[Row], outcome: Outcome, progress: Progress, timeout: float) -> None:
    task = progress.add_task("registering rows", total=len(rows))
    async with kafka.reader(bootstrap, [WAREHOUSE_EVENTS], from_beginning=False) as answers:
        waiting: dict[str, Row] = {}
        async with kafka.producer(bootstrap) as producer:
            sends = []
            for row in rows:
                assert row.command is not None, "only valid rows are registered"
                envelope = Envelope.new(row.command.TYPE, "/slt/import-opening-balances")
                waiting[envelope.id] = row
                sends.append(await _send(producer, row.command, envelope))
            await asyncio.gather(*sends)
        async for record in kafka.records(answers, timeout=timeout):
            if (answered := waiting.pop(record.causation_id, None)) is None:
                continue
            if record.type == wh.CommandRejected.TYPE:
                refusal = record.json() or {}
                if refusal.get("reason_code") == DUPLICATE_DOCUMENT:
                    outcome.already.append(answered)
                else:
                    outcome.rejected.append((answered, refusal.get("reason_code", ""), refusal.get("message", "")))
            else:
                outcome.loaded.append(answered)
            progress.advance(task)
            if not waiting:
                break
        outcome.unanswered += waiting.values()


async def _send(producer, command: Message, envelope: Envelope) -> asyncio.Future:
    return await producer.send(
        WAREHOUSE_COMMANDS,
        command.model_dump_json().encode(),
        key=command.kafka_key().encode(),
        headers=envelope.to_headers(),
    )


async def _post_balances(bootstrap: str, read: Session, location: str, items: list[str], timeout: float) -> str:
    """W10 for the file's items at `location`, and wait until the inventory has posted what it published."""
    balances = await _adjustment_balances(read, location, items)
    if not balances:
        return "nothing left to post"
    document_no = "OB-C-" + hashlib.sha256(repr((location, balances)).encode()).hexdigest()[:16]
    command = wh.CalculateWarehouseAdjustment(
        document_no=document_no, location_code=location, item_nos=tuple(sorted({b[0] for b in balances}))
    )
    envelope = Envelope.new(command.TYPE, "/slt/import-opening-balances")
    expected = len(command.item_nos)
    async with kafka.reader(bootstrap, [WAREHOUSE_EVENTS, INVENTORY_EVENTS], from_beginning=False) as answers:
        async with kafka.producer(bootstrap) as producer:
            await (await _send(producer, command, envelope))
        published, posted = set(), set()  # the two topics are read in no particular order
        async for record in kafka.records(answers, timeout=timeout):
            data = record.json() or {}
            if record.causation_id == envelope.id and record.type == wh.CommandRejected.TYPE:
                if data.get("reason_code") == DUPLICATE_DOCUMENT:
                    return f"already posted ({document_no})"
                if data.get("reason_code") == NOTHING_TO_ADJUST:  # posted meanwhile, e.g. by a shipment (S4)
                    return "nothing left to post"
                raise CliError(f"{location}: the adjustment calculation was refused: {data.get('message')}", FAILED)
            if record.causation_id == envelope.id and record.type == wh.WarehouseAdjustmentPosted.TYPE:
                published.add(record.id)
            if record.type in (inv.LedgerEntriesPosted.TYPE, inv.PostingParked.TYPE):
                posted.add(data.get("posting_id"))
            if len(published) == expected and published <= posted:
                return f"{len(balances)} balance(s) of {expected} item(s) posted to the item ledger ({document_no})"
    raise CliError(f"{location}: the item ledger did not post adjustment {document_no} within {timeout:g}s", NO_ANSWER)


async def _adjustment_balances(read: Session, location: str, items: list[str]) -> list[tuple[str, ...]]:
    layout = await read.warehouse(f"/locations/{location}")
    return sorted(
        (row["item_no"], row["variant"], row["serial"], row["lot"], row["expiration"] or "", row["quantity"])
        for row in await read.warehouse(
            "/bin-contents", location_code=location, bin_code=layout["adjustment_bin"], limit=_MAX_ROWS
        )
        if row["item_no"] in items
    )


def show(outcome: Outcome, path: Path) -> None:
    console.print(
        f"{path}: {outcome.rows} row(s): {len(outcome.loaded)} loaded now, {len(outcome.already)} already "
        f"loaded, {len(outcome.rejected)} rejected, {len(outcome.unanswered)} without answer",
        style="bold red" if outcome.rejected or outcome.unanswered else "bold green",
    )
    for location, what in outcome.postings.items():
        console.print(f"  {location}: {what}")
    if outcome.rejected:
        table = Table(title="rejected rows", title_justify="left")
        for column in ("line", "row", "reason", "why"):
            table.add_column(column)
        for row, reason, message in sorted(outcome.rejected, key=lambda r: r[0].line):
            table.add_row(str(row.line), row.describe(), reason, message)
        console.print(table)
    for row in outcome.unanswered:
        console.print(f"  line {row.line} ({row.describe()}): no answer in time; run the import again", style="yellow")


def exit_status(outcome: Outcome) -> None:
    if outcome.unanswered:
        raise CliError(f"{len(outcome.unanswered)} row(s) without answer", NO_ANSWER)
    if outcome.rejected:
        raise CliError(f"{len(outcome.rejected)} row(s) rejected", FAILED)
