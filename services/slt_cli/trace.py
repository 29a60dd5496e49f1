"""The history of one serial or lot across both services, as one timeline.

Where each step comes from:
- the warehouse's entries (`GET /warehouse-entries`): received, put away, moved, reclassified,
  adjusted, picked, shipped; a document's Take and Place entries make one step "from bin to bin";
- the inventory's tracing (`GET /items/{item}/tracing`): the item ledger entries (purchase, sale,
  adjustments) and what each outbound entry was applied to;
- the inventory's facts (`inventory.events.v1`, read from the oldest record kept): reserved, reservation
  moved or cancelled, consumed by a shipment, assigned, blocked, quality status changed (Q1);
- the inventory's lot and serial information (`GET /tracking-information/{item}`): quality status,
  certificate or test number and comment of the serial and of its lot, now (Q1). Each item ledger
  entry's step names its warranty date (Q2). Reservations are current state in the
  read API (they are deleted when consumed), so their history is the fact topic. Optional: skip it on a
  topic too large to scan (`facts=False`), then only the reservations still open are shown.
The console draws the same steps (`Trace.as_json`).
"""

import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from contracts import inventory as inv
from contracts.topics import INVENTORY_EVENTS
from slt_cli import kafka
from slt_cli.errors import INVALID_INPUT, CliError, KafkaUnreachable
from slt_cli.kafka import Record
from slt_cli.readapi import Session

WAREHOUSE, INVENTORY = "warehouse", "inventory"

# Warehouse entry types, as the operator says them.
_WAREHOUSE_STEPS = {
    "receipt": "received",
    "put_away": "put away",
    "movement": "moved",
    "reclassification": "reclassified",
    "adjustment": "adjusted",
    "adjustment_posting": "adjustment posted",
    "pick": "picked",
    "shipment": "shipped",
}
_LEDGER_STEPS = {
    "purchase": "posted (purchase)",
    "sale": "posted (sale)",
    "positive_adjustment": "posted (found)",
    "negative_adjustment": "posted (lost)",
    "transfer": "posted (transfer)",
}


@dataclass(frozen=True)
class Step:
    at: str  # ISO 8601, UTC
    service: str
    step: str  # received, put away, moved, reclassified, reserved, picked, shipped, ...
    what: str  # a sentence an operator reads
    document: str = ""
    location_code: str = ""
    quantity: str = ""


@dataclass
class Trace:
    item_no: str
    serial: str
    lot: str
    steps: list[Step] = field(default_factory=list)
    whereabouts: list[dict] = field(default_factory=list)  # bin contents holding it now
    open_reservations: list[dict] = field(default_factory=list)
    information: list[dict] = field(default_factory=list)  # Q1: the serial's and its lot's records

    @property
    def subject(self) -> str:
        named = " ".join(
            part
            for part in (f"serial {self.serial}" if self.serial else "", f"lot {self.lot}" if self.lot else "")
            if part
        )
        return f"{named} of item {self.item_no}"

    def as_json(self) -> dict:
        return {
            "item_no": self.item_no,
            "serial": self.serial,
            "lot": self.lot,
            "subject": self.subject,
            "steps": [asdict(step) for step in self.steps],
            "whereabouts": self.whereabouts,
            "open_reservations": self.open_reservations,
            "information": self.information,
        }


async def trace(
    read: Session, bootstrap: str | None, item_no: str | None, serial: str = "", lot: str = "", facts: bool = True
) -> Trace:
    """`bootstrap`: where to read the inventory's facts from (ignored with `facts=False`)."""
    if not (serial or lot):
        raise CliError("name the serial and/or the lot to trace", INVALID_INPUT, "add --serial SERIAL and/or --lot LOT")
    numbers: dict[str, Any] = {"serial": serial or None, "lot": lot or None}
    entries = await read.warehouse_pages("/warehouse-entries", item_no=item_no, **numbers)
    item_no = item_no or _the_item(entries, serial, lot)
    entries = [e for e in entries if e["item_no"] == item_no]
    found = Trace(item_no, serial, lot)
    found.steps += await _warehouse_steps(read, entries)
    tracing = await read.inventory(f"/items/{item_no}/tracing", serial=serial, lot=lot)
    found.steps += _ledger_steps(tracing["entries"], tracing["applications"])
    if facts and bootstrap:
        found.steps += _fact_steps(await _inventory_facts(bootstrap, item_no, serial, lot))
    found.steps.sort(key=lambda step: step.at)
    found.whereabouts = await read.warehouse("/bin-contents", item_no=item_no, **numbers)
    found.open_reservations = [
        r
        for r in await read.inventory(f"/items/{item_no}/reservations")
        if _matches(r.get("serial_no", ""), r.get("lot_no", ""), serial, lot)
    ]
    found.information = await read.inventory(f"/tracking-information/{item_no}", serial=serial, lot=lot)
    return found


def _the_item(entries: list[dict], serial: str, lot: str) -> str:
    items = sorted({e["item_no"] for e in entries})
    what = " ".join(f"{name} {value}" for name, value in (("serial", serial), ("lot", lot)) if value)
    if not items:
        raise CliError(
            f"the warehouse has no entries of {what}; name the item to ask the inventory",
            INVALID_INPUT,
            "add --item ITEM",
        )
    if len(items) > 1:
        raise CliError(
            f"{what} exists for items {', '.join(items)}: name one of them", INVALID_INPUT, "add --item ITEM"
        )
    return items[0]


def _matches(serial_no: str, lot_no: str, serial: str, lot: str) -> bool:
    return (not serial or serial_no == serial) and (not lot or lot_no == lot)


# --- warehouse entries ----------------------------------------------------------------------------
async def _warehouse_steps(read: Session, entries: list[dict]) -> list[Step]:
    documents: dict[tuple[str, str], list[dict]] = {}
    for entry in entries:
        documents.setdefault((entry["entry_type"], entry["document_no"]), []).append(entry)
    adjustment_bins = {
        code: (await read.warehouse(f"/locations/{code}"))["adjustment_bin"]
        for code in {entry["location_code"] for entry in entries}
    }
    steps = []
    for (entry_type, document_no), rows in documents.items():
        if entry_type == "reclassification":
            # The other side of the line may carry another serial/lot: read the whole document.
            everything = await read.warehouse_pages(
                "/warehouse-entries", document_no=document_no, item_no=rows[0]["item_no"]
            )
            lines = {row["line_no"] for row in rows}
            rows = [row for row in everything if row["entry_type"] == entry_type and row["line_no"] in lines]
        steps.append(_warehouse_step(entry_type, document_no, rows, adjustment_bins[rows[0]["location_code"]]))
    return steps


def _warehouse_step(entry_type: str, document_no: str, rows: list[dict], adjustment_bin: str) -> Step:
    """One document's entries as one step. The adjustment bin's counter-entries (W8, W9) are left out of the
    sentence, except for an adjustment posting, which is all about them (W10)."""
    first = rows[0]
    real = [r for r in rows if r["bin_code"] != adjustment_bin] or rows
    takes = [r for r in real if Decimal(r["quantity"]) < 0]
    places = [r for r in real if Decimal(r["quantity"]) > 0]
    quantity = sum((abs(Decimal(r["quantity"])) for r in (places or takes)), Decimal(0))
    what = _what_happened(entry_type, rows, real, adjustment_bin, quantity)
    if first.get("source_no"):
        what += f" for {first['source_type']} {first['source_no']} line {first['source_line_no']}"
    return Step(
        first["registered_at"],
        WAREHOUSE,
        _WAREHOUSE_STEPS[entry_type],
        what,
        f"{entry_type} {document_no}",
        first["location_code"],
        _number(quantity),
    )


def _what_happened(entry_type: str, rows: list[dict], real: list[dict], adjustment_bin: str, quantity: Decimal) -> str:
    takes = [r for r in real if Decimal(r["quantity"]) < 0]
    places = [r for r in real if Decimal(r["quantity"]) > 0]
    what = f"{_WAREHOUSE_STEPS[entry_type]} {_number(quantity)}"
    if entry_type == "adjustment_posting":
        handed = ", ".join(
            f"{_describe(r['serial'], r['lot'], r.get('expiration'))} {_signed(r['quantity'])}" for r in rows
        )
        what = f"adjustment bin {adjustment_bin} balance handed to the item ledger: {handed}"
    elif takes and places:
        what += f" from {_bins(takes)} to {_bins(places)}"
    elif places:
        what += f" into {_bins(places)}"
    else:
        what += f" out of {_bins(takes)}"
    if entry_type == "reclassification":
        what += _tracking_change(takes, places)
    if entry_type == "adjustment":
        what += " (found)" if places else " (lost)"
    return what


def _bins(rows: Iterable[dict]) -> str:
    per_bin: dict[str, Decimal] = {}
    for row in rows:
        per_bin[row["bin_code"]] = per_bin.get(row["bin_code"], Decimal(0)) + abs(Decimal(row["quantity"]))
    return ", ".join(per_bin) if len(per_bin) == 1 else ", ".join(f"{b} ({_number(q)})" for b, q in per_bin.items())


def _tracking_change(takes: list[dict], places: list[dict]) -> str:
    def numbers(rows: list[dict]) -> set[str]:
        return {_describe(r["serial"], r["lot"], r.get("expiration")) for r in rows}

    before, after = numbers(takes), numbers(places)
    return f": {', '.join(sorted(before))} -> {', '.join(sorted(after))}" if before != after else ""


def _describe(serial: str, lot: str, expiration: str | None = None) -> str:
    parts = [
        f"serial {serial}" if serial else "",
        f"lot {lot}" if lot else "",
        f"expires {expiration}" if expiration else "",
    ]
    return " ".join(p for p in parts if p) or "untracked"


# --- item ledger -----------------------------------------------------------------------------------
def _ledger_steps(entries: list[dict], applications: list[dict]) -> list[Step]:
    applied: dict[int, list[int]] = {}
    for application in applications:
        applied.setdefault(application["outbound_entry_no"], []).append(application["inbound_entry_no"])
    steps = []
    for entry in entries:
        what = (
            f"item ledger entry {entry['entry_no']}: {entry['entry_type'].replace('_', ' ')} "
            f"{_signed(entry['quantity'])} of {_describe(entry['serial_no'], entry['lot_no'])}"
        )
        if entry["entry_no"] in applied:
            what += f", applied to entry {', '.join(map(str, applied[entry['entry_no']]))}"
        elif Decimal(entry["quantity"]) > 0:
            what += f", {_number(Decimal(entry['remaining_quantity']))} remaining"
        if entry.get("warranty_date"):
            what += f", warranty until {entry['warranty_date']}"
        steps.append(
            Step(
                entry["posted_at"],
                INVENTORY,
                _LEDGER_STEPS.get(entry["entry_type"], "posted"),
                what,
                f"{entry['document_type']} {entry['document_no']}",
                entry["location_code"],
                _number(abs(Decimal(entry["quantity"]))),
            )
        )
    return steps


# --- inventory facts -------------------------------------------------------------------------------
_FACTS = {
    inv.ReservationCreated.TYPE: "reserved",
    inv.ReservationChanged.TYPE: "reservation moved",
    inv.ReservationCancelled.TYPE: "reservation cancelled",
    inv.ReservationsSynchronized.TYPE: "reservation consumed",
    inv.TrackingAssigned.TYPE: "assigned",
    inv.ReservationConflict.TYPE: "reservation conflict",
    inv.TrackingBlocked.TYPE: "blocked",
    inv.TrackingUnblocked.TYPE: "unblocked",
    inv.TrackingInformationChanged.TYPE: "quality status",
}


async def _inventory_facts(bootstrap: str, item_no: str, serial: str, lot: str) -> list[Record]:
    """The facts about the serial/lot still on the topic, oldest first per partition."""
    found = []
    async with _facts_reader(bootstrap) as consumer:
        async for record in kafka.records(consumer, to_end=True):
            if (
                record.type in _FACTS
                and (data := record.json())
                and data.get("item_no") == item_no
                and any(
                    _matches(data.get(f"{prefix}serial", ""), data.get(f"{prefix}lot", ""), serial, lot)
                    for prefix in ("", "from_", "to_")
                    if f"{prefix}serial" in data or f"{prefix}lot" in data
                )
            ):
                found.append(record)
    return found


@asynccontextmanager
async def _facts_reader(bootstrap: str) -> AsyncIterator[Any]:
    """The fact topic from its oldest record; without Kafka, the hint offers the trace without facts."""
    try:
        async with kafka.reader(bootstrap, [INVENTORY_EVENTS], from_beginning=True) as consumer:
            yield consumer
    except KafkaUnreachable as failure:
        failure.hint += "; or trace without the reservations' history: add --no-facts (the read APIs answer the rest)"
        raise


def _fact_steps(records: list[Record]) -> list[Step]:
    return [_fact_step(record, record.json() or {}) for record in records]


def _fact_step(record: Record, data: dict) -> Step:
    at = datetime.fromtimestamp(record.timestamp_ms / 1000, UTC).isoformat()
    step = _FACTS[record.type]
    demand = f"{data.get('source_type', '')} {data.get('source_no', '')} line {data.get('source_line_no', '')}"
    quantity = str(data.get("quantity") or data.get("shipped_quantity") or "")
    what = {
        "reserved": lambda: f"reserved {quantity} for {demand}",
        "reservation moved": lambda: (
            f"reservation of {demand} moved from "
            f"{_describe(data['from_serial'], data['from_lot'])} to "
            f"{_describe(data['to_serial'], data['to_lot'])} ({data.get('reason', '')})"
        ),
        "reservation cancelled": lambda: f"reservation of {quantity} for {demand} cancelled ({data.get('reason', '')})",
        "reservation consumed": lambda: (
            f"shipment {data.get('shipment_no', '')} consumed {data.get('consumed_reservation')} reserved for {demand}"
        ),
        "assigned": lambda: f"assigned {quantity} to {demand}",
        "reservation conflict": lambda: (
            f"picked for {_demand(data['picked_for'])} though reserved for {_demand(data['reserved_for'])}"
        ),
        "blocked": lambda: f"blocked: {data.get('reason', '') or 'no reason given'}",
        "unblocked": lambda: "unblocked",
        "quality status": lambda: describe_information(data),
    }[step]()
    return Step(at, INVENTORY, step, what, record.type, data.get("location_code", ""), quantity)


def describe_information(record: dict) -> str:
    """Q1: a lot's or serial's information as a sentence: its status, certificate and comment (from a fact, or
    from a record of the read API, which names its numbers `serial_no` and `lot_no`)."""
    serial, lot = record.get("serial", record.get("serial_no", "")), record.get("lot", record.get("lot_no", ""))
    what = _describe(serial, lot)
    previous = record.get("previous_quality_status")
    status = f"{previous} -> {record['quality_status']}" if previous else record["quality_status"]
    extras = [f"certificate {record['certificate_no']}" if record.get("certificate_no") else "",
              record.get("comment", "")]
    return f"{what}: {status}" + "".join(f"; {extra}" for extra in extras if extra)


def _demand(ref: dict) -> str:
    return f"{ref['source_type']} {ref['source_no']} line {ref['source_line_no']}"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _signed(quantity: str) -> str:
    value = Decimal(quantity)
    return ("+" if value > 0 else "") + _number(value)


def dumps(found: Trace) -> str:
    return json.dumps(found.as_json(), indent=2)
