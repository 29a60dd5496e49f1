-- The item ledger (I1, I2): append-only entries, one per distinct serial/lot of a posted line, and
-- the applications of outbound entries to the inbound entries they took stock from.

-- The next entry number. Every posting locks this row for its transaction, so entries are
-- numbered in commit order without gaps: first in, first out means "lowest entry number".
CREATE TABLE entry_counter (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    next_entry_no bigint  NOT NULL
);
INSERT INTO entry_counter (next_entry_no) VALUES (1);

CREATE TABLE item_ledger_entry (
    entry_no           bigint        PRIMARY KEY CHECK (entry_no > 0),
    posting_id         text          NOT NULL,  -- the ce_id of the warehouse fact that posted it
    entry_type         text          NOT NULL,
    item_no            text          NOT NULL REFERENCES item,
    variant_code       text          NOT NULL,
    location_code      text          NOT NULL,
    serial_no          text          NOT NULL,
    lot_no             text          NOT NULL,
    expiration_date    date,
    quantity           numeric(18,6) NOT NULL CHECK (quantity <> 0),
    remaining_quantity numeric(18,6) NOT NULL CHECK (remaining_quantity >= 0),
    open               boolean       NOT NULL,
    document_type      text          NOT NULL,
    document_no        text          NOT NULL,
    document_line_no   integer       NOT NULL,
    source_type        text          NOT NULL,  -- the order line; blank when the posting named none
    source_no          text          NOT NULL,
    source_line_no     integer       NOT NULL,
    posted_at          timestamptz   NOT NULL DEFAULT now(),
    CHECK (open = (remaining_quantity > 0))
);
-- What a message loads: the open entries of one item at one location.
CREATE INDEX item_ledger_entry_open ON item_ledger_entry (item_no, location_code) WHERE open;
-- Paging and item tracing.
CREATE INDEX item_ledger_entry_item ON item_ledger_entry (item_no, location_code, entry_no);
CREATE INDEX item_ledger_entry_lot ON item_ledger_entry (item_no, lot_no, entry_no) WHERE lot_no <> '';
CREATE INDEX item_ledger_entry_serial ON item_ledger_entry (item_no, serial_no, entry_no) WHERE serial_no <> '';

-- I1: only remaining_quantity and open of an entry ever change; nothing is deleted.
CREATE FUNCTION item_ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR to_jsonb(NEW) - 'remaining_quantity' - 'open' IS DISTINCT FROM to_jsonb(OLD) - 'remaining_quantity' - 'open'
    THEN
        RAISE EXCEPTION 'item ledger entry % is append-only: only remaining_quantity and open may change', OLD.entry_no;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER item_ledger_entry_append_only BEFORE UPDATE OR DELETE ON item_ledger_entry
    FOR EACH ROW EXECUTE FUNCTION item_ledger_entry_append_only();

CREATE TABLE item_application (
    outbound_entry_no bigint        NOT NULL REFERENCES item_ledger_entry,
    inbound_entry_no  bigint        NOT NULL REFERENCES item_ledger_entry,
    quantity          numeric(18,6) NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (outbound_entry_no, inbound_entry_no)
);
CREATE INDEX item_application_inbound ON item_application (inbound_entry_no);
