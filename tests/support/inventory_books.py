"""Tiny builders and a miniature of the persistence layer for the inventory domain tests.

`Books` applies `StockChanges` the way the SQL layer must (insert entries, upsert reservation
rows, add total deltas), so journeys can chain use cases exactly as messages would.
"""

from decimal import Decimal

from inventory.domain.availability import DemandTotals, StockTotals
from inventory.domain.commands import Reserve
from inventory.domain.demand import Demand
from inventory.domain.items import Item, TrackingPolicy
from inventory.domain.keys import LocationKey, TrackingKey, TrackingNumbers
from inventory.domain.ledger import EntryType, SourceDocument
from inventory.domain.postings import PostedLine, Posting
from inventory.domain.synchronization import post
from inventory.domain.workspace import StockChanges, StockState

WH = "WH1"


def d(value) -> Decimal:
    return Decimal(str(value))


def item(item_no="BOLT", policy="none", expiration_required=False) -> Item:
    return Item(item_no, "PCS", TrackingPolicy(policy), expiration_required)


def at(item_no="BOLT", location=WH, variant="") -> LocationKey:
    return LocationKey(item_no, location, variant)


def key(item_no="BOLT", lot="", serial="", location=WH, variant="") -> TrackingKey:
    return TrackingKey(item_no, location, variant, serial, lot)


def lot(number: str) -> TrackingNumbers:
    return TrackingNumbers(lot_no=number)


def demand(order="SO-1", line=1) -> Demand:
    return Demand("sales_order", order, line)


def line(
    stock_key: TrackingKey,
    quantity,
    entry_type=EntryType.PURCHASE,
    doc="DOC-1",
    doc_line=1,
    for_demand=None,
    expiration=None,
):
    return PostedLine(
        entry_type, stock_key, d(quantity), SourceDocument("warehouse_document", doc, doc_line), expiration, for_demand
    )


def receipt(posting_id: str, *lines: PostedLine) -> Posting:
    return Posting(posting_id, lines)


def shipment(posting_id: str, for_demand: Demand, *picked: tuple[TrackingKey, int]) -> Posting:
    return Posting(
        posting_id, tuple(line(k, -q, EntryType.SALE, posting_id, i, for_demand) for i, (k, q) in enumerate(picked, 1))
    )


def request(for_demand: Demand, quantity, item_no="BOLT", named=TrackingNumbers(), **options) -> Reserve:
    return Reserve(for_demand, at(item_no), d(quantity), named, **options)


class Books:
    """The persistence layer in miniature."""

    def __init__(self, *items: Item, locations=(WH,)) -> None:
        self.items = items
        self.locations = frozenset(locations)
        self.entries = {}
        self.applications = []
        self.reservations = {}
        self.totals: dict = {}
        self.demand_totals: dict = {}
        self.tracking = {}
        self.parked = {}
        self.blocked = set()
        self.information = {}  # Q1: number (BlockedTracking) -> TrackingInformation
        self.next_entry_no = 1
        self.events = []

    @property
    def state(self) -> StockState:
        return StockState(
            items=self.items,
            locations=self.locations,
            open_entries=tuple(entry for entry in self.entries.values() if entry.open),
            reservations=tuple(self.reservations.values()),
            totals=tuple(self.totals.values()),
            demand_totals=tuple(self.demand_totals.values()),
            demand_tracking=tuple(self.tracking.values()),
            blocked=tuple(sorted(self.blocked)),
            entry_nos=range(self.next_entry_no, self.next_entry_no + 100_000),
            information=tuple(record for record in self.information.values() if record.block),
        )

    def run(self, use_case, *args) -> StockChanges:
        """Call a use case with the current state and write what it decided."""
        return self.write(use_case(*args, self.state))

    def post(self, posting: Posting) -> StockChanges:
        return self.write(post(posting, self.state, tuple(self.parked.values())))

    def write(self, changes: StockChanges) -> StockChanges:
        for entry in (*changes.new_entries, *changes.updated_entries):
            self.entries[entry.entry_no] = entry
        self.applications.extend(changes.applications)
        for row in changes.reservations:
            self._upsert(self.reservations, row.identity, row, row.quantity)
        for row in changes.demand_tracking:
            self._upsert(self.tracking, (row.demand, row.key), row, row.assigned_quantity or row.picked_quantity)
        for delta in changes.totals:
            self.totals[delta.key] = self.totals.get(delta.key, StockTotals(delta.key)) + delta
        for delta in changes.demand_totals:
            stored = self.demand_totals.get((delta.demand, delta.key), DemandTotals(delta.demand, delta.key))
            self.demand_totals[delta.demand, delta.key] = stored + delta
        for parked in changes.parked:
            self.parked[parked.posting.posting_id] = parked
        for posting_id in changes.unparked:
            del self.parked[posting_id]
        self.next_entry_no = max((entry.entry_no + 1 for entry in changes.new_entries), default=self.next_entry_no)
        self.events.extend(changes.events)
        return changes

    @staticmethod
    def _upsert(table: dict, identity, row, quantity) -> None:
        if quantity:
            table[identity] = row
        else:
            table.pop(identity, None)

    # --- reading ---------------------------------------------------------------------------------
    def at(self, stock_key) -> StockTotals:
        return self.totals.get(stock_key, StockTotals(stock_key))

    def available(self, stock_key) -> Decimal:
        return self.at(stock_key).available_to_reserve

    def reserved_lots(self, for_demand: Demand) -> dict[str, Decimal]:
        lots: dict[str, Decimal] = {}
        for row in self.reservations.values():
            if row.demand == for_demand:
                lots[row.key.lot_no] = lots.get(row.key.lot_no, Decimal(0)) + row.quantity
        return lots

    def remaining(self, entry_no: int) -> Decimal:
        return self.entries[entry_no].remaining_quantity

    def events_of(self, kind) -> list:
        return [event for event in self.events if isinstance(event, kind)]


def lots_on_hand(*lots: tuple[str, int]) -> "Books":
    """Books of a lot-tracked item with the given (lot, quantity) received on one receipt."""
    books = Books(item(policy="lot"))
    books.post(
        receipt("R-1", *(line(key(lot=number), quantity, doc_line=i) for i, (number, quantity) in enumerate(lots, 1)))
    )
    return books
