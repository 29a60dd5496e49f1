-- Lot and serial information (Q1) and warranty dates (Q2), docs/rules.md#Q1.

-- One record per item variant and lot, or per item variant and serial (the other number blank).
-- No record: released. Quarantined and rejected numbers are withheld like blocked ones (T4).
CREATE TABLE tracking_information (
    item_no        text        NOT NULL REFERENCES item,
    variant_code   text        NOT NULL,
    serial_no      text        NOT NULL,
    lot_no         text        NOT NULL,
    quality_status text        NOT NULL CHECK (quality_status IN ('released', 'quarantine', 'rejected')),
    certificate_no text        NOT NULL,
    comment        text        NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_no, variant_code, serial_no, lot_no),
    CHECK ((serial_no = '') <> (lot_no = ''))
);
-- What a message loads with the stock: the item's withheld numbers.
CREATE INDEX tracking_information_withheld ON tracking_information (item_no) WHERE quality_status <> 'released';

-- The item's warranty date formula (blank: none) and the warranty date of each inbound entry.
ALTER TABLE item ADD COLUMN warranty_formula text NOT NULL DEFAULT '';
ALTER TABLE item_ledger_entry ADD COLUMN warranty_date date;
