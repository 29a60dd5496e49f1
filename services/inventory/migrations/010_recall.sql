-- Recall (R1): what an entry's posting names beside its document: the date the warehouse posted it and
-- the vendor (receipts) or customer (shipments). Entries posted before this migration have no posting
-- date (NULL: the recall shows when the ledger posted them) and blank partners.
ALTER TABLE item_ledger_entry
    ADD COLUMN posting_date date,
    ADD COLUMN vendor_no    text NOT NULL DEFAULT '',
    ADD COLUMN customer_no  text NOT NULL DEFAULT '';

-- A recall names a lot or serial, with or without the item. The number leads the index, so the same
-- index serves item tracing (item and number) and a recall without the item: no more indexes to write
-- per posting than before.
CREATE INDEX item_ledger_entry_by_lot ON item_ledger_entry (lot_no, item_no, entry_no) WHERE lot_no <> '';
CREATE INDEX item_ledger_entry_by_serial ON item_ledger_entry (serial_no, item_no, entry_no) WHERE serial_no <> '';
DROP INDEX item_ledger_entry_lot;
DROP INDEX item_ledger_entry_serial;
-- The transfer entries one posting wrote (the destination of a transfer shipment, X2).
CREATE INDEX item_ledger_entry_posting ON item_ledger_entry (posting_id) WHERE entry_type = 'transfer';
