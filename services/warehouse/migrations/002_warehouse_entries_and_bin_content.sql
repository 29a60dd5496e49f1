-- W1: warehouse entries are the truth, append-only; bin content is their projection, written in the
-- same transaction. Expiration is part of the stock key (domain/RULES.md 1): NULL when stock has none.
CREATE TABLE warehouse_entry (
    entry_no       bigserial     PRIMARY KEY,
    entry_type     text          NOT NULL CHECK (entry_type IN ('receipt', 'put_away', 'shipment', 'pick',
                                     'movement', 'reclassification', 'adjustment', 'adjustment_posting')),
    document_no    text          NOT NULL,
    line_no        integer       NOT NULL,
    location_code  text          NOT NULL,
    bin_code       text          NOT NULL,
    item_no        text          NOT NULL,
    variant        text          NOT NULL,
    serial         text          NOT NULL,
    lot            text          NOT NULL,
    expiration     date,
    quantity       numeric(18,6) NOT NULL CHECK (quantity <> 0),
    source_type    text          NOT NULL DEFAULT '',
    source_no      text          NOT NULL DEFAULT '',
    source_line_no integer       NOT NULL DEFAULT 0,
    registered_at  timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX warehouse_entry_by_item ON warehouse_entry (location_code, item_no, entry_no);
CREATE INDEX warehouse_entry_by_serial ON warehouse_entry (serial, entry_no) WHERE serial <> '';
CREATE INDEX warehouse_entry_by_lot ON warehouse_entry (lot, entry_no) WHERE lot <> '';
CREATE INDEX warehouse_entry_by_document ON warehouse_entry (document_no, entry_type);
-- What a demand has shipped per serial/lot: tracking assignments still asked for (W5).
CREATE INDEX warehouse_entry_shipped ON warehouse_entry (source_type, source_no, source_line_no)
    WHERE entry_type = 'shipment';

CREATE FUNCTION refuse_changing_warehouse_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'warehouse entries are append-only (W1): write a correcting entry instead';
END $$;
CREATE TRIGGER warehouse_entry_append_only BEFORE UPDATE OR DELETE ON warehouse_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_changing_warehouse_entries();

-- One row per stock key with a quantity (rows that reach zero are deleted). `first_entry_no` is the
-- entry that brought the content in: the last FEFO tie-break (T6).
CREATE TABLE bin_content (
    location_code     text          NOT NULL,
    bin_code          text          NOT NULL,
    item_no           text          NOT NULL,
    variant           text          NOT NULL,
    serial            text          NOT NULL,
    lot               text          NOT NULL,
    expiration        date,
    quantity          numeric(18,6) NOT NULL,
    is_adjustment_bin boolean       NOT NULL,
    first_entry_no    bigint        NOT NULL,
    CONSTRAINT bin_content_key
        UNIQUE NULLS NOT DISTINCT (location_code, item_no, bin_code, variant, serial, lot, expiration),
    -- W1, W9: only the virtual adjustment bin may go below zero.
    CONSTRAINT bin_content_not_negative CHECK (quantity >= 0 OR is_adjustment_bin)
);
-- T2, also under concurrency: a serial of an item+variant is in stock in one real bin company-wide.
CREATE UNIQUE INDEX bin_content_serial_in_stock ON bin_content (item_no, variant, serial)
    WHERE serial <> '' AND quantity > 0 AND NOT is_adjustment_bin;
-- T3: a lot's expiration date and quantity company-wide.
CREATE INDEX bin_content_by_lot ON bin_content (item_no, lot) WHERE lot <> '';
