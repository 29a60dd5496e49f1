"""`slt reconcile` (S7): ask the warehouse for its bin totals and wait for the inventory's comparison.

Per location, one `ReportBinTotals` with a new request id; the warehouse answers with one
`BinTotalsReported` per item (each says how many items its report has: `items_in_report`), the
inventory with one `ReconciliationReported` per item (in parts when its differences are many, Z2).
The run is complete when every item of every report has been compared.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from slt_cli import kafka
from slt_cli.errors import FAILED, INVALID_INPUT, NO_ANSWER, CliError
from slt_cli.output import json_line
from slt_cli.readapi import Session
from slt_cli.render import WIDE, console, fitting_table, notes

_COLUMNS = ("item", "variant", "serial", "lot", "warehouse: real bins", "adj. bin", "inventory: ledger", "difference")
_NARROW_COLUMNS = ("item", "variant", "serial", "lot", "real bins", "adj. bin", "ledger", "diff.")


@dataclass
class Report:
    """One location's request and what came back for it."""

    location_code: str
    request_id: str
    command_id: str = ""
    items_in_report: int | None = None
    reported: set[str] = field(default_factory=set)
    comparisons: dict[str, dict[int, list[dict]]] = field(default_factory=dict)  # item -> part -> lines
    parts: dict[str, int] = field(default_factory=dict)  # item -> how many parts its comparison came in
    refusal: str = ""

    def add_comparison(self, reported: dict) -> None:
        """One part of an item's `ReconciliationReported` (Z2: a fact without `part` is whole); a part read
        twice counts once."""
        self.comparisons.setdefault(reported["item_no"], {})[reported.get("part", 1)] = reported["differences"]
        self.parts[reported["item_no"]] = reported.get("parts", 1)

    @property
    def differences(self) -> dict[str, list[dict]]:
        """item -> lines ([] = agreed), for every item whose comparison arrived in all its parts."""
        return {
            item: [line for _, lines in sorted(parts.items()) for line in lines]
            for item, parts in self.comparisons.items()
            if len(parts) >= self.parts[item]
        }

    @property
    def complete(self) -> bool:
        if self.refusal:
            return True
        return (
            self.items_in_report is not None
            and len(self.reported) >= self.items_in_report
            and self.reported <= self.differences.keys()
        )

    @property
    def agreed(self) -> bool:
        return not self.refusal and not any(self.differences.values())


async def reconcile(
    bootstrap: str, read: Session, locations: list[str], item_nos: list[str], timeout: float
) -> list[Report]:
    run = f"rec-{uuid.uuid4().hex[:12]}"
    reports = await _reports_to_ask(read, locations, item_nos, run)
    if not reports:
        return []
    # Positioned before publishing, so that even an immediate answer is read.
    async with kafka.reader(bootstrap, [WAREHOUSE_EVENTS, INVENTORY_EVENTS], from_beginning=False) as answers:
        await _ask(bootstrap, reports, item_nos, run)
        await _collect(answers, reports, timeout)
    return reports


async def _reports_to_ask(read: Session, locations: list[str], item_nos: list[str], run: str) -> list[Report]:
    """One report per location (all of them by default) that has entries, or whose items were named."""
    for location in locations:
        if await read.warehouse(f"/locations/{location}", missing_ok=True) is None:
            raise CliError(f"location {location} is not configured in the warehouse", INVALID_INPUT)
    locations = locations or [row["location_code"] for row in await read.warehouse("/locations")]
    reports = []
    for n, location in enumerate(locations, start=1):
        entries = await read.warehouse("/warehouse-entries", location_code=location, limit=1)
        if not item_nos and not entries["entries"]:
            notes.print(f"{location}: no entries, nothing to reconcile", style="dim")
            continue
        reports.append(Report(location, f"{run}-{n}"))
    return reports


async def _ask(bootstrap: str, reports: list[Report], item_nos: list[str], run: str) -> None:
    async with kafka.producer(bootstrap) as producer:
        for report in reports:
            command = wh.ReportBinTotals(
                request_id=report.request_id, location_code=report.location_code, item_nos=tuple(item_nos)
            )
            envelope = Envelope.new(command.TYPE, "/slt", correlation_id=run)
            report.command_id = envelope.id
            await producer.send_and_wait(
                WAREHOUSE_COMMANDS,
                command.model_dump_json().encode(),
                key=command.kafka_key().encode(),
                headers=envelope.to_headers(),
            )
            notes.print(f"asked {report.location_code} for its bin totals: request {report.request_id}")


async def _collect(answers: AIOKafkaConsumer, reports: list[Report], timeout: float) -> None:
    """Read the answers until every report is complete or `timeout` passes with nothing new."""
    by_request = {report.request_id: report for report in reports}
    by_command = {report.command_id: report for report in reports}
    async for record in kafka.records(answers, timeout=timeout):
        data = record.json() or {}
        if record.type == wh.CommandRejected.TYPE and record.causation_id in by_command:
            by_command[record.causation_id].refusal = f"{data.get('reason_code')}: {data.get('message')}"
        elif (asked := by_request.get(data.get("request_id", ""))) is None:
            pass
        elif record.type == wh.BinTotalsReported.TYPE:
            asked.items_in_report = data["items_in_report"]
            asked.reported.add(data["item_no"])
        elif record.type == inv.ReconciliationReported.TYPE:
            asked.add_comparison(data)
        if all(report.complete for report in reports):
            break


def show(reports: list[Report]) -> None:
    for report in reports:
        if report.refusal:
            console.print(f"{report.location_code}: refused: {report.refusal}", style="bold red")
            continue
        agreed = sorted(item for item, lines in report.differences.items() if not lines)
        differing = {item: lines for item, lines in sorted(report.differences.items()) if lines}
        console.print(
            f"{report.location_code} (request {report.request_id}): {len(report.differences)} item(s) "
            f"compared, {len(agreed)} agree, {len(differing)} differ",
            style="bold green" if not differing else "bold red",
        )
        if agreed:
            console.print(f"  agree: {', '.join(agreed)}", style="green")
        if differing:
            _show_differences(report.location_code, differing)


def show_json(reports: list[Report]) -> None:
    """One line per location and item compared (or per refused location)."""
    for report in reports:
        where = {"location_code": report.location_code, "request_id": report.request_id}
        if report.refusal:
            json_line({**where, "refusal": report.refusal})
        for item, lines in sorted(report.differences.items()):
            json_line({**where, "item_no": item, "agreed": not lines, "differences": lines})


def outcome(reports: list[Report], timeout: float) -> None:
    """Exit code: 0 all agree, 1 differences, 2 a report was refused, 3 not every item answered in time."""
    if missing := [r for r in reports if not r.complete]:
        raise CliError(
            "no complete answer within "
            f"{timeout:g}s for {', '.join(f'{r.location_code} ({r.request_id})' for r in missing)}",
            NO_ANSWER,
        )
    if any(r.refusal for r in reports):
        raise CliError("the warehouse refused to report", INVALID_INPUT)
    if not all(r.agreed for r in reports):
        raise CliError("the warehouse and the item ledger differ", FAILED)


def _show_differences(location_code: str, differing: dict[str, list[dict[str, Any]]]) -> None:
    table = fitting_table(f"differences at {location_code}")
    labels = _COLUMNS if console.width >= WIDE else _NARROW_COLUMNS
    for n, column in enumerate(labels):
        table.add_column(column, justify="left" if n < 4 else "right")
    for item, lines in differing.items():
        for line in lines:
            table.add_row(
                item,
                line["variant"],
                line["serial"],
                line["lot"],
                str(line["real_bins"]),
                str(line["adjustment_bin"]),
                str(line["ledger_inventory"]),
                f"[bold red]{line['difference']}[/bold red]",
            )
    console.print(table)
    console.print(
        "difference = real bins + adjustment bin - ledger inventory: positive means the warehouse "
        "holds more than the item ledger says",
        style="dim",
        soft_wrap=False,
    )
