"""`slt availability` and `slt trace`: what the services know about an item, drawn for a terminal."""

from rich.table import Table
from rich.text import Text

from slt_cli.readapi import Session
from slt_cli.render import console
from slt_cli.trace import INVENTORY, Trace

BREAKDOWN = (  # I5: available = inventory - picks/movements - reserved - outbound bins - adj. bin + same demand
    ("inventory", "inventory"), ("on_picks_and_movements", "on picks/mvmts"), ("reserved", "reserved"),
    ("in_outbound_bins", "in outbound bins"), ("adjustment_bin_positive", "adj. bin +"),
    ("reserved_and_allocated_same_demand", "same demand"), ("blocked", "blocked"),
    ("available_to_reserve", "available"),
)


async def availability(read: Session, item_no: str, location: str | None) -> dict:
    return await read.inventory(f"/availability/{item_no}", location=location or None)


async def item_is_registered(read: Session, item_no: str) -> bool:
    return await read.inventory(f"/items/{item_no}", missing_ok=True) is not None


def show_availability(answer: dict) -> None:
    for at in answer["locations"]:
        table = Table(title=f"{answer['item_no']} at {at['location_code']}"
                            + (f" variant {at['variant']}" if at["variant"] else ""), title_justify="left")
        table.add_column("serial")
        table.add_column("lot")
        for _, label in BREAKDOWN:
            table.add_column(label, justify="right", style="bold green" if label == "available" else None)
        table.add_row("[b]all[/b]", "", *(f"[b]{at.get(name, '0')}[/b]" for name, _ in BREAKDOWN), end_section=True)
        for row in at["tracking"]:
            table.add_row(row["serial"], row["lot"] + (" (blocked)" if row["is_blocked"] else ""),
                          *(str(row.get(name, "0")) for name, _ in BREAKDOWN))
        console.print(table)
    console.print("available = inventory - on picks/mvmts - reserved - in outbound bins - adj. bin +"
                  " + same demand (reserved and allocated to the same demand count once)", style="dim")


def show_trace(found: Trace) -> None:
    table = Table(title=f"Trace of {found.subject}", title_justify="left")
    table.add_column("when (UTC)", style="dim", no_wrap=True)
    table.add_column("service")
    table.add_column("step", style="bold")
    table.add_column("what")
    table.add_column("document", style="dim")
    for step in found.steps:
        table.add_row(step.at[:23].replace("T", " "), Text(step.service, "magenta" if step.service == INVENTORY else "cyan"),
                      step.step, step.what, step.document)
    console.print(table)
    if found.whereabouts:
        where = ", ".join(f"{r['location_code']}/{r['bin_code']} {r['quantity']}" for r in found.whereabouts)
        console.print(f"now in: {where}")
    else:
        console.print("now in: no bin (shipped, or never in stock)")
    for r in found.open_reservations:
        console.print(f"reserved now: {r['quantity']} for {r['source_type']} {r['source_no']} line {r['source_line_no']}")
