-- Replicas of what the inventory service owns and publishes on inventory.events.v1; each value is
-- the last absolute value a fact carried, so applying a fact twice changes nothing.

-- Per demand (order line) and serial/lot: what it has reserved (I7; blank serial/lot = all its
-- reservations, a serial/lot = its specific ones) and what is assigned to it without reserving (W5).
-- A row whose quantities are both zero is deleted.
CREATE TABLE demand_tracking (
    location_code  text          NOT NULL,
    item_no        text          NOT NULL,
    variant        text          NOT NULL,
    source_type    text          NOT NULL,
    source_no      text          NOT NULL,
    source_line_no integer       NOT NULL,
    serial         text          NOT NULL,
    lot            text          NOT NULL,
    reserved       numeric(18,6) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    assigned       numeric(18,6) NOT NULL DEFAULT 0 CHECK (assigned >= 0),
    PRIMARY KEY (location_code, item_no, variant, source_type, source_no, source_line_no, serial, lot)
);

-- T4: blocked serials and lots, per item (domain/RULES.md 2).
CREATE TABLE blocked_tracking (
    item_no    text        NOT NULL,
    serial     text        NOT NULL,
    lot        text        NOT NULL,
    reason     text        NOT NULL,
    blocked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_no, serial, lot)
);
