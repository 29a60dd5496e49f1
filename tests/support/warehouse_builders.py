"""Tiny builders for the warehouse domain tests: one standard location, a few items, short constructors."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from warehouse.domain.documents import SourceLine
from warehouse.domain.events import ReceiptPosted, ShipmentPosted, WarehouseAdjustmentPosted
from warehouse.domain.location import Bin, BinType, BlockMovement, Location, configure_location
from warehouse.domain.picking import PickingState
from warehouse.domain.state import StockState
from warehouse.domain.stock import ContentRow, StockKey, WarehouseEntry
from warehouse.domain.tracking import ItemTracking, Tracking, TrackingPolicy

D = Decimal
TODAY = date(2025, 6, 1)
LOC = "MAIN"
PICK = BinType.PUT_AWAY | BinType.PICK

ITEMS = {
    "BOLT": ItemTracking("BOLT"),
    "MILK": ItemTracking("MILK", TrackingPolicy.LOT, expiration_required=True, strict_expiration=True),
    "PHONE": ItemTracking("PHONE", TrackingPolicy.SERIAL),
    "VACCINE": ItemTracking("VACCINE", TrackingPolicy.LOT_AND_SERIAL, expiration_required=True),
}


def bins(*extra: Bin) -> list[Bin]:
    return [
        Bin("RECV", "DOCK", BinType.RECEIVE),
        Bin("SHIP", "DOCK", BinType.SHIP),
        Bin("ADJ", "VIRTUAL"),
        Bin("QC", "STORE"),
        Bin("A1", "STORE", PICK, ranking=10),
        Bin("A2", "STORE", PICK, ranking=20),
        Bin("BULK", "STORE", BinType.PUT_AWAY, ranking=50),
        *extra,
    ]


def location(*extra: Bin, pick_by_fefo: bool = False) -> Location:
    return configure_location(LOC, zones=["DOCK", "STORE", "VIRTUAL"], bins=bins(*extra), receive_bin="RECV",
                              ship_bin="SHIP", adjustment_bin="ADJ", pick_by_fefo=pick_by_fefo).location


def blocked_bin(code: str, block: BlockMovement) -> Bin:
    return Bin(code, "STORE", PICK, block_movement=block)


def key(bin_code: str, item_no: str, serial: str = "", lot: str = "", expiration: date | None = None,
        variant: str = "") -> StockKey:
    return StockKey(LOC, bin_code, item_no, variant, Tracking(serial, lot, expiration))


def row(bin_code: str, item_no: str, quantity, serial: str = "", lot: str = "", expiration: date | None = None,
        first_entry_no: int = 0) -> ContentRow:
    return ContentRow(key(bin_code, item_no, serial, lot, expiration), D(quantity), first_entry_no)


def order(no: str, line: int = 1) -> SourceLine:
    return SourceLine("sales_order", no, line)


def purchase(no: str, line: int = 1) -> SourceLine:
    return SourceLine("purchase_order", no, line)


def stock(content: Iterable[ContentRow] = (), loc: Location | None = None, **state) -> StockState:
    """The state a stock use case decides on: the standard location and items, today, and `content`."""
    return StockState(**{"location": loc or location(), "items": ITEMS, "today": TODAY, **state},
                      content=list(content))


def picking(content: Iterable[ContentRow], loc: Location | None = None, **state) -> PickingState:
    return PickingState(**{"location": loc or location(), "items": ITEMS, "today": TODAY, **state},
                        content=list(content))


def apply(rows: Iterable[ContentRow], entries: Iterable[WarehouseEntry],
          loc: Location | None = None) -> list[ContentRow]:
    """The bin content after the entries, as the persistence side would store it (W1)."""
    content = (loc or location()).bin_content(rows)
    for entry in entries:
        content.apply(entry)
    return content.rows()


def quantities(rows: Iterable[ContentRow]) -> dict[tuple[str, str, str, str], Decimal]:
    """{(bin, item, serial, lot): quantity} for readable assertions."""
    return {(r.key.bin_code, r.key.item_no, r.key.tracking.serial, r.key.tracking.lot): r.quantity for r in rows}


def item_ledger(events: Iterable[object]) -> dict[tuple, Decimal]:
    """What the inventory service would hold after the warehouse facts: per item/variant/serial/lot/expiration."""
    ledger: dict[tuple, Decimal] = defaultdict(Decimal)
    for event in events:
        if isinstance(event, (ReceiptPosted, ShipmentPosted)):
            sign = 1 if isinstance(event, ReceiptPosted) else -1
            for line in event.lines:
                ledger[(line.item_no, line.variant, line.tracking)] += sign * line.quantity
        if isinstance(event, WarehouseAdjustmentPosted):
            for line in event.lines:
                ledger[(event.item_no, line.variant, line.tracking)] += line.quantity
    return {k: v for k, v in ledger.items() if v}


def warehouse_totals(rows: Iterable[ContentRow]) -> dict[tuple, Decimal]:
    """S7's left side: real bins + adjustment bin, per item/variant/serial/lot/expiration."""
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for r in rows:
        totals[(r.key.item_no, r.key.variant, r.key.tracking)] += r.quantity
    return {k: v for k, v in totals.items() if v}

