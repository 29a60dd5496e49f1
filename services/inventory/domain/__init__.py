"""The inventory/reservation domain: pure, synchronous, standard library only.

- `commands`: what the inventory is asked to do, one frozen dataclass per message it acts on.
- `items`: items and their tracking policy; `register_item`.
- `ledger`: item ledger entries and applying outbound to inbound (I1, I2).
- `reservations`: reserve, cancel, reduce, delete demand line, change tracking, assign tracking (I3-I6).
- `availability`: maintained totals rows, available to reserve (I5, I7, I8); `totals`: their deltas.
- `synchronization`: postings, allocations, registered picks, parked postings (S1-S6).
- `reconciliation`: warehouse counts against the ledger (S7).
- `blocking`: blocked serial/lot numbers take part in no reservation (T4).
- `workspace`: `StockState` in, `StockChanges` out; `supply`: reservations on entries (`demand.Reservation`).

Decisions beyond the rules are ID1-ID36 in docs/rules.md.
"""
