-- U1: an item's base unit has a rounding precision for base quantities; its other units each have a
-- quantity per base unit and a rounding precision (the base unit's when the command named none).
ALTER TABLE item ADD COLUMN rounding_precision numeric(18,6) NOT NULL DEFAULT 0.000001
    CHECK (rounding_precision > 0);
CREATE TABLE item_unit (
    item_no                text          NOT NULL REFERENCES item,
    unit_code              text          NOT NULL,
    quantity_per_base_unit numeric(18,6) NOT NULL CHECK (quantity_per_base_unit > 0),
    rounding_precision     numeric(18,6) NOT NULL CHECK (rounding_precision > 0),
    PRIMARY KEY (item_no, unit_code)
);

-- U2: the unit a posted warehouse line was stated in (blank: the base unit), beside the base quantity.
ALTER TABLE item_ledger_entry ADD COLUMN unit_code text NOT NULL DEFAULT '',
                              ADD COLUMN quantity_per_unit numeric(18,6) NOT NULL DEFAULT 1;
-- U4: which units the item's stock uses.
CREATE INDEX item_ledger_entry_open_unit ON item_ledger_entry (item_no, unit_code) WHERE open AND unit_code <> '';
