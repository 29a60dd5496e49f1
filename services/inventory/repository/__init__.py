"""SQL for the inventory's state; every function runs on the unit of work's connection.

Every stock message follows one pattern: lock the item+location it touches, load its
`StockState`, let the domain decide, write the `StockChanges`, all in the message's transaction
(`stock`). The lock (not Kafka partitioning) is what keeps two messages about the same stock apart:
commands about one item may arrive on different partitions and several instances consume at once.

- `items`: items and the locations the warehouse configured;
- `stock`: the lock, loading a `StockState`, writing `StockChanges`;
- `totals`: the maintained totals rows (I8), changed only by adding deltas;
- `parked`: postings waiting for supply (S5), kept as JSON;
- `blocks`: blocked serial/lot numbers (T4);
- `information`: lot and serial information, quality status (Q1);
- `reconciliations`: the outcome of comparing the warehouse's counts with the ledger (S7);
- `rows`: database rows <-> domain values.
"""
