"""`slt availability` and `slt trace`: what the services know about an item, drawn for a terminal."""

from rich.table import Table
from rich.text import Text

from slt_cli.output import json_line
from slt_cli.readapi import Session
from slt_cli.render import WIDE, console, fitting_table
from slt_cli.trace import INVENTORY, Trace, describe_information

BREAKDOWN = (  # I5: available = inventory - picks/movements - reserved - outbound bins - adj. bin + same demand
    ("inventory", "inventory", "inv."),
    ("on_picks_and_movements", "on picks/mvmts", "picks"),
    ("reserved", "reserved", "resv."),
    ("in_outbound_bins", "in outbound bins", "outb."),
    ("adjustment_bin_positive", "adj. bin +", "adj.+"),
    ("reserved_and_allocated_same_demand", "same demand", "same"),
    ("blocked", "blocked", "blkd"),
    ("available_to_reserve", "available", "avail."),
)
NARROW_LEGEND = (
    "inv. = inventory, picks = on picks/movements, resv. = reserved, outb. = in outbound bins, "
    "adj.+ = positive adjustment bin, same = reserved and allocated to the same demand, blkd = blocked"
)


async def availability(read: Session, item_no: str, location: str | None) -> dict:
    return await read.inventory(f"/availability/{item_no}", location=location or None)


async def item_is_registered(read: Session, item_no: str) -> bool:
    return await read.inventory(f"/items/{item_no}", missing_ok=True) is not None


def show_availability(answer: dict) -> None:
    wide = console.width >= WIDE
    for at in answer["locations"]:
        console.print(_location_table(answer["item_no"], at, wide))
    if not wide:
        console.print(NARROW_LEGEND, style="dim", soft_wrap=False)
    console.print(
        "available = inventory - on picks/mvmts - reserved - in outbound bins - adj. bin +"
        " + same demand (reserved and allocated to the same demand count once)",
        style="dim",
        soft_wrap=False,
    )


def show_availability_json(answer: dict) -> None:
    """One line per location (and variant), its breakdown and its serial/lot rows."""
    for at in answer["locations"]:
        json_line({"item_no": answer["item_no"], **at})


def _location_table(item_no: str, at: dict, wide: bool) -> Table:
    table = fitting_table(
        f"{item_no} at {at['location_code']}" + (f" variant {at['variant']}" if at["variant"] else "")
    )
    # On a narrow terminal only the tracking numbers the item has get a column.
    numbers = [n for n in ("serial", "lot") if wide or any(row[n] for row in at["tracking"])] or ["serial"]
    for name in numbers:
        table.add_column(name, no_wrap=True)
    for name, label, short in BREAKDOWN:
        table.add_column(
            label if wide else short, justify="right", style="bold green" if name == "available_to_reserve" else None
        )
    table.add_row(
        "[b]all[/b]",
        *[""] * (len(numbers) - 1),
        *(f"[b]{at.get(name, '0')}[/b]" for name, *_ in BREAKDOWN),
        end_section=True,
    )
    for row in at["tracking"]:
        tracking = {"serial": row["serial"], "lot": row["lot"] + (" (blocked)" if row["is_blocked"] else "")}
        table.add_row(*(tracking[name] for name in numbers), *(str(row.get(name, "0")) for name, *_ in BREAKDOWN))
    return table


def show_trace(found: Trace) -> None:
    table = fitting_table(f"Trace of {found.subject}")
    table.add_column("when (UTC)", style="dim", no_wrap=True)
    table.add_column("service")
    table.add_column("step", style="bold")
    table.add_column("what")
    table.add_column("document", style="dim")
    for step in found.steps:
        table.add_row(
            step.at[:23].replace("T", " "),
            Text(step.service, "magenta" if step.service == INVENTORY else "cyan"),
            step.step,
            step.what,
            step.document,
        )
    console.print(table)
    if found.whereabouts:
        where = ", ".join(f"{r['location_code']}/{r['bin_code']} {r['quantity']}" for r in found.whereabouts)
        console.print(f"now in: {where}")
    else:
        console.print("now in: no bin (shipped, or never in stock)")
    for r in found.open_reservations:
        console.print(
            f"reserved now: {r['quantity']} for {r['source_type']} {r['source_no']} line {r['source_line_no']}"
        )
    for record in found.information:
        console.print(f"information: {describe_information(record)}")
