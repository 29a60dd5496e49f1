"""`slt recall`: where a lot or serial came from, where it went and where the rest is now (R1, docs/rules.md#R1).

One view joined from both services' ledgers, never from topics:
- the inventory's item ledger (`GET /recall`, paged): `forward`, the outbound postings (shipments with their
  customer, transfers out with their destination, stock found missing); `backward`, the inbound postings
  (receipts with their vendor, transfers in with their origin, stock found); what remains per location;
- the warehouse's bin content (`GET /recall`): the real bins holding it now;
- the inventory's lot and serial information (`GET /tracking-information/{item}`, Q1): the quality status,
  certificate and comment of the number; the warranty date of each inbound entry (Q2) is on its row.
What the ledger holds beyond the warehouse's bins is "in transit" at an in-transit location (it has no bins,
X1), otherwise "not in a bin" (a difference S7 would report). A transfer's legs through the in-transit location
are internal: the ledger leaves them out, a transfer shows as "transfer out" to the order's destination and
"transfer in" from its source.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from slt_cli.errors import INVALID_INPUT, CliError
from slt_cli.readapi import Session
from slt_cli.render import console, fitting_table

FORWARD, BACKWARD, WHERE_NOW = "forward", "backward", "where_now"
_KINDS = {
    ("sale", FORWARD): "shipment", ("transfer", FORWARD): "transfer out",
    ("negative_adjustment", FORWARD): "lost", ("purchase", BACKWARD): "receipt",
    ("transfer", BACKWARD): "transfer in", ("positive_adjustment", BACKWARD): "found",
}
CSV_COLUMNS = ("part", "kind", "date", "item_no", "location_code", "serial", "lot", "quantity", "document",
               "source", "partner", "bin_code", "zone_code", "remaining_quantity", "warranty_date")


@dataclass
class Recall:
    item_no: str
    serial: str
    lot: str
    forward: list[dict] = field(default_factory=list)
    backward: list[dict] = field(default_factory=list)
    where_now: list[dict] = field(default_factory=list)
    information: list[dict] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"item_no": self.item_no, "serial": self.serial, "lot": self.lot, FORWARD: self.forward,
                BACKWARD: self.backward, WHERE_NOW: self.where_now, "information": self.information,
                "totals": self.totals()}

    def totals(self) -> dict[str, str]:
        def summed(rows: list[dict]) -> str:
            return _number(sum((Decimal(r["quantity"]) for r in rows), Decimal(0)))

        return {"in": summed(self.backward), "out": summed(self.forward), "now": summed(self.where_now)}


async def recall(read: Session, item_no: str | None, serial: str = "", lot: str = "") -> Recall:
    if not (serial or lot):
        raise CliError("name the lot or the serial to recall", INVALID_INPUT, "add --lot LOT or --serial SERIAL")
    numbers: dict[str, Any] = {"item_no": item_no or None, "serial": serial or None, "lot": lot or None}
    pages = await _ledger(read, numbers)
    bins = (await read.warehouse("/recall", **numbers))["bins"]
    found = Recall(item_no or "", serial, lot)
    for page in pages:
        found.forward += [_posting(row, FORWARD) for row in page[FORWARD]]
        found.backward += [_posting(row, BACKWARD) for row in page[BACKWARD]]
    found.where_now = _where_now(pages[0][WHERE_NOW], bins)
    if not (found.forward or found.backward or found.where_now):
        what = " ".join(f"{name} {value}" for name, value in numbers.items() if value)
        raise CliError(f"neither ledger knows {what}", INVALID_INPUT, "check the number, or leave out --item")
    found.information = await _information(read, found, serial, lot)
    return found


async def _information(read: Session, found: Recall, serial: str, lot: str) -> list[dict]:
    """Q1: the information records of the number, per item it was found for (none: released)."""
    items = sorted({row["item_no"] for rows in (found.forward, found.backward, found.where_now) for row in rows})
    return [record for item_no in items
            for record in await read.inventory(f"/tracking-information/{item_no}", serial=serial, lot=lot)]


async def _ledger(read: Session, numbers: dict[str, Any]) -> list[dict]:
    pages, after = [], 0
    while after is not None:
        pages.append(await read.inventory("/recall", after=after, limit=1000, **numbers))
        after = pages[-1]["next_after"]
    return pages


def _posting(row: dict, part: str) -> dict:
    """A ledger entry as the recall shows it: what kind of posting, when, which document, who or where."""
    partner = row["customer_no"] if part == FORWARD else row["vendor_no"]
    places = row["destinations"] if part == FORWARD else row["origins"]
    shown = {
        "kind": _KINDS.get((row["entry_type"], part), row["entry_type"]), "entry_type": row["entry_type"],
        "date": row["posting_date"] or row["posted_at"][:10], "item_no": row["item_no"],
        "location_code": row["location_code"], "variant": row["variant_code"], "serial": row["serial_no"],
        "lot": row["lot_no"], "quantity": row["quantity"], "document": f"{row['document_type']} {row['document_no']}",
        "source": f"{row['source_type']} {row['source_no']} line {row['source_line_no']}" if row["source_no"] else "",
        ("customer_no" if part == FORWARD else "vendor_no"): partner,
        ("destination" if part == FORWARD else "origin"): ", ".join(places), "entry_no": row["entry_no"],
    }
    if part == FORWARD:
        return {**shown, "applied_to": row["applied_to"]}
    return {**shown, "remaining_quantity": row["remaining_quantity"], "warranty_date": row.get("warranty_date") or ""}


def _where_now(ledger: list[dict], bins: list[dict]) -> list[dict]:
    """The bins holding it, and what the ledger holds at a location beyond them (in transit, or not in a bin)."""
    shown = [{"place": "bin", "item_no": b["item_no"], "location_code": b["location_code"],
              "zone_code": b["zone_code"], "bin_code": b["bin_code"], "variant": b["variant"], "serial": b["serial"],
              "lot": b["lot"], "expiration": b["expiration"], "quantity": b["quantity"]} for b in bins]
    in_bins: dict[tuple, Decimal] = {}
    for b in bins:
        key = (b["item_no"], b["location_code"], b["variant"], b["serial"], b["lot"])
        in_bins[key] = in_bins.get(key, Decimal(0)) + Decimal(b["quantity"])
    for row in ledger:
        key = (row["item_no"], row["location_code"], row["variant_code"], row["serial_no"], row["lot_no"])
        beyond = Decimal(row["remaining_quantity"]) - in_bins.get(key, Decimal(0))
        if beyond > 0:
            place = "in transit" if row["location_kind"] == "in_transit" else "not in a bin"
            shown.append({"place": place, "item_no": key[0], "location_code": key[1], "zone_code": "",
                          "bin_code": "", "variant": key[2], "serial": key[3], "lot": key[4], "expiration": None,
                          "quantity": _number(beyond)})
    return shown


def show(found: Recall) -> None:
    """Three tables: forward, backward, where now; then the totals in, out and now."""
    subject = " ".join(f"{name} {value}" for name, value in (("item", found.item_no), ("lot", found.lot),
                                                              ("serial", found.serial)) if value)
    columns = {
        FORWARD: ("date", "kind", "item_no", "location_code", "lot", "serial", "quantity", "document", "source",
                  "customer_no", "destination"),
        BACKWARD: ("date", "kind", "item_no", "location_code", "lot", "serial", "quantity", "document", "source",
                   "vendor_no", "origin", "remaining_quantity", "warranty_date"),
        WHERE_NOW: ("place", "item_no", "location_code", "zone_code", "bin_code", "lot", "serial", "quantity"),
    }
    titles = {FORWARD: "forward: where it went", BACKWARD: "backward: where it came from", WHERE_NOW: "where it is now"}
    for part, rows in ((FORWARD, found.forward), (BACKWARD, found.backward), (WHERE_NOW, found.where_now)):
        table = fitting_table(f"Recall of {subject}, {titles[part]}")
        for name in columns[part]:
            table.add_column(name.replace("_", " "), justify="right" if "quantity" in name else "left")
        for row in rows:
            table.add_row(*(str(row.get(name) or "") for name in columns[part]))
        console.print(table)
    for record in found.information:
        number = " ".join(f"{name} {record[key]}" for name, key in (("lot", "lot_no"), ("serial", "serial_no"))
                          if record[key])
        console.print(f"{record['item_no']} {number}: {record['quality_status']}"
                      f"{', certificate ' + record['certificate_no'] if record['certificate_no'] else ''}"
                      f"{', ' + record['comment'] if record['comment'] else ''}")
    totals = found.totals()
    console.print(f"in {totals['in']}, out {totals['out']}, now {totals['now']}", style="dim")


def csv_text(found: Recall) -> str:
    """One row per posting and per place, `part` saying which of the three it belongs to."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for part, rows in ((FORWARD, found.forward), (BACKWARD, found.backward), (WHERE_NOW, found.where_now)):
        for row in rows:
            partner = row.get("customer_no") or row.get("destination") or row.get("vendor_no") or row.get("origin")
            writer.writerow({**row, "part": part, "kind": row.get("kind") or row.get("place"), "partner": partner})
    return out.getvalue()


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")
