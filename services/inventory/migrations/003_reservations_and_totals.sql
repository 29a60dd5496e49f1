-- Reservations (I3), what demand lines say about serial/lot numbers (S3), and the maintained
-- totals that answer availability without scanning the ledger (I5, I8).

-- One row per demand, open entry and named serial/lot (blank named numbers: nonspecific). The
-- entry's own key is repeated so that a location's reservations load by index.
CREATE TABLE reservation (
    source_type    text          NOT NULL,
    source_no      text          NOT NULL,
    source_line_no integer       NOT NULL,
    entry_no       bigint        NOT NULL REFERENCES item_ledger_entry,
    named_serial_no text         NOT NULL,
    named_lot_no   text          NOT NULL,
    item_no        text          NOT NULL,
    location_code  text          NOT NULL,
    variant_code   text          NOT NULL,
    serial_no      text          NOT NULL,
    lot_no         text          NOT NULL,
    quantity       numeric(18,6) NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (source_type, source_no, source_line_no, entry_no, named_serial_no, named_lot_no)
);
CREATE INDEX reservation_stock ON reservation (item_no, location_code);

CREATE TABLE demand_tracking (
    item_no           text          NOT NULL,
    location_code     text          NOT NULL,
    variant_code      text          NOT NULL,
    serial_no         text          NOT NULL,
    lot_no            text          NOT NULL,
    source_type       text          NOT NULL,
    source_no         text          NOT NULL,
    source_line_no    integer       NOT NULL,
    assigned_quantity numeric(18,6) NOT NULL,
    picked_quantity   numeric(18,6) NOT NULL,
    PRIMARY KEY (item_no, location_code, variant_code, serial_no, lot_no, source_type, source_no, source_line_no)
);
CREATE INDEX demand_tracking_demand ON demand_tracking (source_type, source_no, source_line_no);

-- Maintained totals per item/variant/location and per item/variant/location/serial/lot. Every
-- message adds its deltas (col = col + excluded.col) in its own transaction. At serial/lot level
-- `reserved` counts only specific reservations (a nonspecific one follows the picked lot, S3).
CREATE TABLE location_totals (
    item_no                            text          NOT NULL,
    location_code                      text          NOT NULL,
    variant_code                       text          NOT NULL,
    inventory                          numeric(18,6) NOT NULL DEFAULT 0,
    on_picks_and_movements             numeric(18,6) NOT NULL DEFAULT 0,
    reserved                           numeric(18,6) NOT NULL DEFAULT 0,
    in_outbound_bins                   numeric(18,6) NOT NULL DEFAULT 0,
    adjustment_bin_balance             numeric(18,6) NOT NULL DEFAULT 0,
    reserved_and_allocated_same_demand numeric(18,6) NOT NULL DEFAULT 0,
    PRIMARY KEY (item_no, location_code, variant_code)
);

CREATE TABLE tracking_totals (
    item_no                            text          NOT NULL,
    location_code                      text          NOT NULL,
    variant_code                       text          NOT NULL,
    serial_no                          text          NOT NULL,
    lot_no                             text          NOT NULL,
    inventory                          numeric(18,6) NOT NULL DEFAULT 0,
    on_picks_and_movements             numeric(18,6) NOT NULL DEFAULT 0,
    reserved                           numeric(18,6) NOT NULL DEFAULT 0,
    in_outbound_bins                   numeric(18,6) NOT NULL DEFAULT 0,
    adjustment_bin_balance             numeric(18,6) NOT NULL DEFAULT 0,
    reserved_and_allocated_same_demand numeric(18,6) NOT NULL DEFAULT 0,
    PRIMARY KEY (item_no, location_code, variant_code, serial_no, lot_no)
);

-- What each demand holds at both levels (the same-demand overlap of I5 needs them).
CREATE TABLE demand_location_totals (
    item_no                text          NOT NULL,
    location_code          text          NOT NULL,
    variant_code           text          NOT NULL,
    source_type            text          NOT NULL,
    source_no              text          NOT NULL,
    source_line_no         integer       NOT NULL,
    reserved               numeric(18,6) NOT NULL DEFAULT 0,
    on_picks_and_movements numeric(18,6) NOT NULL DEFAULT 0,
    in_outbound_bins       numeric(18,6) NOT NULL DEFAULT 0,
    PRIMARY KEY (item_no, location_code, variant_code, source_type, source_no, source_line_no)
);

CREATE TABLE demand_tracking_totals (
    item_no                text          NOT NULL,
    location_code          text          NOT NULL,
    variant_code           text          NOT NULL,
    serial_no              text          NOT NULL,
    lot_no                 text          NOT NULL,
    source_type            text          NOT NULL,
    source_no              text          NOT NULL,
    source_line_no         integer       NOT NULL,
    reserved               numeric(18,6) NOT NULL DEFAULT 0,
    on_picks_and_movements numeric(18,6) NOT NULL DEFAULT 0,
    in_outbound_bins       numeric(18,6) NOT NULL DEFAULT 0,
    PRIMARY KEY (item_no, location_code, variant_code, serial_no, lot_no, source_type, source_no, source_line_no)
);
