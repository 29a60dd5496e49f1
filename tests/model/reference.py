"""A small in-memory reference model of the rules (docs/rules.md) for one lot-tracked item at one location.

It knows what a warehouse manager knows on paper: what each bin holds per lot (W1), the adjustment
bin's signed balance per lot (W8-W10), the item ledger per lot (I1, S1, S4, S5), reservations per
demand (nonspecific, I3), what open picks hold and what waits in the ship bin per demand (S2, S3),
and from these, available to reserve (I5) and available to pick (I7). It decides what each command
must do; the test compares the real services' facts and state with it.

Scope: no expirations (the location picks by bin ranking), nonspecific reservations, full pick
registration (possibly of another lot, W6), whole shipments. Generators keep lost stock and
reclassifications within what nobody has promised, so no reservation ever has to be cancelled.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

D = Decimal
ZERO = D(0)
PICK_BINS = ("P-02", "P-01")  # ranking 20 before 10 (W5 at a location that does not pick by FEFO)
STORAGE_BINS = ("P-01", "P-02", "QC")
RECEIVE, SHIP, ADJ = "R-01", "S-01", "ADJ"


@dataclass
class PickLine:
    line_no: int
    bin: str
    lot: str
    quantity: Decimal


@dataclass
class Shipment:
    no: str
    demand: str  # source_no of the sales order line (line 1)
    quantity: Decimal
    pick_no: str = ""
    pick_lines: list[PickLine] = field(default_factory=list)  # open (not registered) lines
    picked: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # in the ship bin per lot
    posted: bool = False

    @property
    def on_pick(self) -> Decimal:
        return sum((line.quantity for line in self.pick_lines), ZERO)

    @property
    def allocated(self) -> Decimal:
        return self.on_pick + sum(self.picked.values(), ZERO)

    @property
    def to_pick(self) -> Decimal:
        return self.quantity - self.allocated


@dataclass
class Model:
    bins: dict[tuple[str, str], Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # (bin, lot)
    adjustment: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # lot -> signed
    ledger: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # lot -> inventory
    reserved: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # demand -> quantity
    shipments: dict[str, Shipment] = field(default_factory=dict)

    # --- what the manager reads off --------------------------------------------------------------
    def lots(self) -> list[str]:
        return sorted({lot for (_, lot), q in self.bins.items() if q} | {lot for lot, q in self.ledger.items() if q})

    def content(self) -> dict[tuple[str, str], Decimal]:
        """Every bin including the adjustment bin, rows at zero left out (as the service keeps them)."""
        rows = {key: q for key, q in self.bins.items() if q}
        rows.update({(ADJ, lot): q for lot, q in self.adjustment.items() if q})
        return rows

    def open_picks(self) -> list[tuple[Shipment, PickLine]]:
        return [(s, line) for s in self.shipments.values() for line in s.pick_lines]

    def on_picks(self, bin_code: str, lot: str) -> Decimal:
        return sum((line.quantity for _, line in self.open_picks() if (line.bin, line.lot) == (bin_code, lot)), ZERO)

    def free(self, bin_code: str, lot: str) -> Decimal:
        """Stored stock no open pick holds (what movements, reclassifications and swaps may take)."""
        return self.bins[(bin_code, lot)] - self.on_picks(bin_code, lot)

    def demands(self) -> dict[str, Shipment | None]:
        """Every demand that has reserved or is a shipment's order line."""
        found: dict[str, Shipment | None] = dict.fromkeys(self.reserved)
        found.update({s.demand: s for s in self.shipments.values()})
        return found

    def allocation(self, demand: str) -> Decimal:
        shipment = self.demands().get(demand)
        return shipment.allocated if shipment and not shipment.posted else ZERO

    def breakdown(self) -> dict[str, Decimal]:
        """I5 at location level, as the read API shows it."""
        open_shipments = [s for s in self.shipments.values() if not s.posted]
        on_picks = sum((s.on_pick for s in open_shipments), ZERO)
        outbound = sum((sum(s.picked.values(), ZERO) for s in open_shipments), ZERO)
        reserved = sum(self.reserved.values(), ZERO)
        same_demand = sum((min(q, self.allocation(d)) for d, q in self.reserved.items()), ZERO)
        adjustment_positive = max(ZERO, sum(self.adjustment.values(), ZERO))
        inventory = sum(self.ledger.values(), ZERO)
        return {
            "inventory": inventory, "on_picks_and_movements": on_picks, "reserved": reserved,
            "in_outbound_bins": outbound, "adjustment_bin_positive": adjustment_positive,
            "reserved_and_allocated_same_demand": same_demand,
            "available_to_reserve": inventory - on_picks - reserved - outbound - adjustment_positive + same_demand,
        }

    def available_to_reserve(self, demand: str) -> Decimal:
        """For `demand`: what it already has allocated but not reserved is its own to reserve."""
        return self.breakdown()["available_to_reserve"] + max(ZERO, self.allocation(demand) - self.reserved[demand])

    def available_to_pick(self, demand: str) -> Decimal:
        """I7: free stock in pick bins less what other demand has reserved and does not hold yet."""
        free = sum((self.free(b, lot) for b in PICK_BINS for lot in self.lots()), ZERO)
        others = sum((max(ZERO, q - self.allocation(d)) for d, q in self.reserved.items() if d != demand), ZERO)
        return max(ZERO, free - others)

    # --- what commands do -------------------------------------------------------------------------
    def receive(self, lot: str, quantity: Decimal, bin_code: str) -> None:
        """W2 + S1: posted into the receive bin, then put away in full."""
        self.ledger[lot] += quantity
        self.bins[(bin_code, lot)] += quantity

    def move(self, from_bin: str, to_bin: str, lot: str, quantity: Decimal) -> None:
        self.bins[(from_bin, lot)] -= quantity
        self.bins[(to_bin, lot)] += quantity

    def reclassify(self, bin_code: str, lot: str, new_lot: str, quantity: Decimal) -> None:
        """W8: the old lot leaves (+ in the adjustment bin), the new one arrives (-)."""
        self.bins[(bin_code, lot)] -= quantity
        self.bins[(bin_code, new_lot)] += quantity
        self.adjustment[lot] += quantity
        self.adjustment[new_lot] -= quantity

    def adjust(self, bin_code: str, lot: str, quantity: Decimal) -> None:
        """W9: found (+) or lost (-) in a real bin, balanced in the adjustment bin."""
        self.bins[(bin_code, lot)] += quantity
        self.adjustment[lot] -= quantity

    def post_adjustment(self) -> dict[str, Decimal]:
        """W10 / S4: the balances become adjustment entries (found stock: positive); returns lot -> signed."""
        posted = {lot: -q for lot, q in self.adjustment.items() if q}
        for lot, q in posted.items():
            self.ledger[lot] += q
        self.adjustment.clear()
        return posted

    def reserve(self, demand: str, quantity: Decimal) -> bool:
        if quantity > self.available_to_reserve(demand):
            return False
        self.reserved[demand] += quantity
        return True

    def release(self, shipment_no: str, demand: str, quantity: Decimal) -> None:
        self.shipments[shipment_no] = Shipment(shipment_no, demand, quantity)

    def check_pick(self, shipment: Shipment, lines: list[PickLine]) -> list[str]:
        """W5/I7: the allocated total is what can be picked, from pick bins, from free stock, higher ranking first."""
        problems = []
        expected = min(shipment.to_pick, self.available_to_pick(shipment.demand))
        total = sum((line.quantity for line in lines), ZERO)
        if total != expected:
            problems.append(f"pick allocated {total}, model says {expected}")
        taken: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for line in lines:
            taken[(line.bin, line.lot)] += line.quantity
            if line.bin not in PICK_BINS:
                problems.append(f"pick line {line} takes from a bin that is not a pick bin")
        for (bin_code, lot), q in taken.items():
            if q > self.free(bin_code, lot):
                problems.append(f"pick takes {q} of {lot} from {bin_code}, only {self.free(bin_code, lot)} free")
        if any(line.bin == "P-01" for line in lines):
            left_in_best = sum((self.free("P-02", lot) - taken[("P-02", lot)] for lot in self.lots()), ZERO)
            if left_in_best > 0:
                problems.append("pick took from P-01 while P-02 (higher ranking) still had free stock")
        return problems

    def create_pick(self, shipment: Shipment, pick_no: str, lines: list[PickLine]) -> None:
        shipment.pick_no = pick_no
        shipment.pick_lines = lines

    def register_pick(self, shipment: Shipment, picked: list[tuple[PickLine, str, Decimal]]) -> None:
        """Every open line registered in full, in parts of the lots really taken (W6, S3)."""
        for line, lot, quantity in picked:
            self.bins[(line.bin, lot)] -= quantity
            self.bins[(SHIP, lot)] += quantity
            shipment.picked[lot] += quantity
        shipment.pick_lines = []

    def post_shipment(self, shipment: Shipment) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """S4 then S5; returns (adjustments posted first, shipped per lot)."""
        adjusted = self.post_adjustment()
        shipped = {lot: q for lot, q in shipment.picked.items() if q}
        for lot, q in shipped.items():
            self.bins[(SHIP, lot)] -= q
            self.ledger[lot] -= q
        total = sum(shipped.values(), ZERO)
        self.reserved[shipment.demand] -= min(self.reserved[shipment.demand], total)
        if not self.reserved[shipment.demand]:
            del self.reserved[shipment.demand]
        shipment.picked = defaultdict(Decimal)
        shipment.posted = True
        return adjusted, shipped
