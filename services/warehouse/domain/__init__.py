"""The warehouse-tracking domain: pure, synchronous rules for bins, documents and warehouse entries.

State in, decisions out: every use case receives the state it needs as plain values and returns an
Outcome (warehouse entries to append, changed documents, domain events). Nothing here does I/O.
Decisions taken where the rules are silent are WD1-WD28 in docs/rules.md.
"""
