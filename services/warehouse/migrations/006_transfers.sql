-- Transfers between locations (X1-X6). A location is a warehouse or an in-transit location (no bins).
ALTER TABLE location ADD COLUMN kind text NOT NULL DEFAULT 'warehouse' CHECK (kind IN ('warehouse', 'in_transit'));

-- A released transfer order: its shipment (at the source) and receipt (at the destination) carry its number.
CREATE TABLE transfer_order (
    transfer_no         text        PRIMARY KEY,
    from_location       text        NOT NULL REFERENCES location,
    in_transit_location text        NOT NULL REFERENCES location,
    to_location         text        NOT NULL REFERENCES location,
    released_at         timestamptz NOT NULL DEFAULT now()
);

-- X3: per receipt line and serial/lot, what the transfer's shipments sent and how much of it was received;
-- shipped - received is in transit.
CREATE TABLE transfer_tracking (
    transfer_no text          NOT NULL REFERENCES transfer_order,
    line_no     integer       NOT NULL,
    item_no     text          NOT NULL,
    variant     text          NOT NULL,
    serial      text          NOT NULL,
    lot         text          NOT NULL,
    expiration  date,
    shipped     numeric(18,6) NOT NULL CHECK (shipped > 0),
    received    numeric(18,6) NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= shipped),
    PRIMARY KEY (transfer_no, line_no, serial, lot)
);
-- T2/X4: is a serial in transit? (read by the serials a command brings into stock)
CREATE INDEX transfer_tracking_serial_in_transit ON transfer_tracking (item_no, variant, serial)
    WHERE received < shipped AND serial <> '';
