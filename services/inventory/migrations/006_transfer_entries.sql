-- X2: transfer entries know their way (from -> to location); an inbound transfer entry names the outbound
-- transfer entry it continues, so tracing follows a unit source -> in transit -> destination.
ALTER TABLE item_ledger_entry
    ADD COLUMN transfer_from_location    text   NOT NULL DEFAULT '',
    ADD COLUMN transfer_to_location      text   NOT NULL DEFAULT '',
    ADD COLUMN transferred_from_entry_no bigint REFERENCES item_ledger_entry;
CREATE INDEX item_ledger_entry_transferred_from ON item_ledger_entry (transferred_from_entry_no)
    WHERE transferred_from_entry_no IS NOT NULL;
-- X5: the in-transit entries of a transfer order, to reserve against them.
CREATE INDEX item_ledger_entry_transfer ON item_ledger_entry (item_no, document_no)
    WHERE entry_type = 'transfer' AND open;
-- X1, R1: the location's kind as the warehouse configured it; a recall shows what lies at an in-transit
-- location as in transit and leaves the transfer entries there (internal legs) out of its postings.
ALTER TABLE location ADD COLUMN kind text NOT NULL DEFAULT 'warehouse';
