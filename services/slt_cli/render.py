"""How records look on a terminal: one coloured line per record, then its JSON value."""

import logging
from datetime import UTC, datetime

from rich import box
from rich.console import Console
from rich.json import JSON
from rich.table import Table
from rich.text import Text

from contracts import inventory as inv
from contracts.catalog import ANSWERS_ON, REFUSALS, TOPIC_OF
from slt_cli.kafka import Record

# soft_wrap: ids and JSON stay on one line when piped, so they can be grepped.
console = Console(soft_wrap=True, highlight=False)
errors = Console(stderr=True, soft_wrap=True, highlight=False)
notes = errors  # progress notes go to stderr as well: stdout holds only what a command found


WIDE = 120  # below this many columns, tables drop their borders and shorten their headers


def fitting_table(title: str) -> Table:
    """A table with borders on a wide terminal; on a narrow one (80 columns) without, so the figures fit."""
    if console.width >= WIDE:
        return Table(title=title, title_justify="left")
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))


def colour(ce_type: str) -> str:
    """Commands cyan, facts green, refusals red, anything unknown or undecodable yellow."""
    if ce_type in REFUSALS:
        return "bold red"
    if ce_type not in TOPIC_OF:
        return "bold yellow"
    return "bold cyan" if TOPIC_OF[ce_type] in ANSWERS_ON else "bold green"


def show(record: Record) -> None:
    when = datetime.fromtimestamp(record.timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds")
    key = (record.key or b"").decode(errors="replace")
    console.print(
        Text.assemble(
            (when, "dim"),
            " ",
            (record.type or "(no ce_type)", colour(record.type)),
            " ",
            (f"{record.topic}[{record.partition}]@{record.offset} key={key}", "dim"),
        )
    )
    console.print(Text(f"  id={record.id} correlation={record.correlation_id} causation={record.causation_id}", "dim"))
    if reason := record.header("dlq_reason"):
        console.print(Text(f"  dead letter: {reason}", "yellow"))
    if record.type == inv.AvailabilityChanged.TYPE and isinstance(body := record.json(), dict):
        console.print(Text(f"  {availability_sum(body)}", "bold"))
    show_value(record)


AVAILABILITY_TERMS = (  # A1/I5: each term of an AvailabilityChanged with its sign and a short label
    ("-", "on_picks_and_movements", "on picks"), ("-", "reserved", "reserved"), ("-", "in_outbound_bins", "outbound"),
    ("-", "adjustment_bin_positive", "adj. bin"), ("+", "reserved_and_allocated_same_demand", "same demand"),
    ("-", "blocked", "blocked"),
)


def availability_sum(body: dict) -> str:
    """An AvailabilityChanged as the I5 sum it is, e.g. `ITEM at WH1: available 6 = inventory 7 - on picks 0 ...`."""
    variant = f" variant {body['variant']}" if body.get("variant") else ""
    terms = " ".join(f"{sign} {label} {body.get(name, '0')}" for sign, name, label in AVAILABILITY_TERMS)
    where = f"{body.get('item_no')}{variant} at {body.get('location_code')}"
    return f"{where}: available {body.get('available_to_reserve')} = inventory {body.get('inventory')} {terms}"


def show_value(record: Record, indent: int | None = None) -> None:
    body = record.json()
    if body is None:
        console.print(Text(f"  {record.value!r}"))
    else:
        console.print(JSON.from_data(body, indent=indent))


def error(message: str, hint: str = "") -> None:
    """The error in red; below it, dimmed, what to change on the command line."""
    errors.print(Text(message, "bold red"))
    if hint:
        errors.print(Text(hint, "yellow"))


def quiet_client_logs() -> None:
    """Kafka clients log connection attempts themselves; slt reports them as one error of its own."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
