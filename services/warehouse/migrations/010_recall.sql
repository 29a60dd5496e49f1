-- Recall (R1): who a receipt's stock comes from and who a shipment's stock goes to, named when the
-- request is released and carried by its postings to the item ledger; blank when the sender named none.
ALTER TABLE warehouse_document
    ADD COLUMN vendor_no   text NOT NULL DEFAULT '',
    ADD COLUMN customer_no text NOT NULL DEFAULT '';

-- Where a lot or serial is now, company-wide, without naming the item. The lot leads its index, which
-- serves T3 (an item's lot) as before; a serial's bins need one index more.
CREATE INDEX bin_content_lot ON bin_content (lot, item_no) WHERE lot <> '';
DROP INDEX bin_content_by_lot;
CREATE INDEX bin_content_serial ON bin_content (serial) WHERE serial <> '';
