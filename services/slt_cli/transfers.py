"""`slt transfer`: transfer orders between locations (X1-X6) as the warehouse knows them: their route and, per
receipt line and serial/lot, what was shipped, received and is still in transit."""

from slt_cli.errors import INVALID_INPUT, CliError
from slt_cli.output import json_line
from slt_cli.readapi import Session
from slt_cli.render import console, fitting_table

FIGURES = ("shipped", "received", "in_transit")


async def transfer_order(read: Session, transfer_no: str) -> dict:
    found = await read.warehouse(f"/transfers/{transfer_no}", missing_ok=True)
    if found is None:
        raise CliError(f"transfer order {transfer_no} was not released", INVALID_INPUT)
    found_order: dict = found
    return found_order


async def transfer_orders(read: Session, location: str | None, in_transit_only: bool) -> list[dict]:
    """Every page of the warehouse's transfer orders (keyed by number)."""
    rows: list[dict] = []
    after: str | None = ""
    while after is not None:
        page = await read.warehouse("/transfers", location=location, in_transit=in_transit_only, after=after,
                                    limit=1000)
        rows += page["transfers"]
        after = page["next_after"]
    return rows


def show_order(order: dict) -> None:
    table = fitting_table(f"transfer {order['transfer_no']}: {_route(order)}")
    for name in ("line", "item", "variant", "serial", "lot", "expiration", *FIGURES):
        table.add_column(name.replace("_", " "), justify="right" if name in FIGURES else "left", no_wrap=True)
    for row in order["tracking"]:
        table.add_row(str(row["line_no"]), row["item_no"], row["variant"], row["serial"], row["lot"],
                      str(row["expiration"] or ""), *(str(row[name]) for name in FIGURES))
    console.print(table)


def show_orders(orders: list[dict]) -> None:
    if not orders:
        console.print("no transfer orders")
        return
    table = fitting_table("transfer orders")
    for name in ("transfer", "from", "in transit", "to", *FIGURES):
        table.add_column(name.replace("_", " "), justify="right" if name in FIGURES else "left", no_wrap=True)
    for order in orders:
        table.add_row(order["transfer_no"], order["from_location"], order["in_transit_location"],
                      order["to_location"], *(str(order[name]) for name in FIGURES))
    console.print(table)


def show_json(orders: list[dict]) -> None:
    for order in orders:
        json_line(order)


def _route(order: dict) -> str:
    return f"{order['from_location']} -> {order['in_transit_location']} -> {order['to_location']}"
