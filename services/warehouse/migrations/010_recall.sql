-- Recall (R1): who a receipt's stock comes from and who a shipment's stock goes to, named when the
-- request is released and carried by its postings to the item ledger; blank when the sender named none.
ALTER TABLE warehouse_document
    ADD COLUMN vendor_no   text NOT NULL DEFAULT '',
    ADD COLUMN customer_no text NOT NULL DEFAULT '';

-- Where a lot or serial is now, company-wide, without naming the item: bin content by number.
CREATE INDEX bin_content_lot_anywhere ON bin_content (lot) WHERE lot <> '';
CREATE INDEX bin_content_serial_anywhere ON bin_content (serial) WHERE serial <> '';
