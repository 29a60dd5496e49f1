CREATE TABLE item (
    item_no             text PRIMARY KEY,
    base_unit           text    NOT NULL,
    tracking_policy     text    NOT NULL,
    expiration_required boolean NOT NULL,
    strict_expiration   boolean NOT NULL,
    registered_at       timestamptz NOT NULL DEFAULT now()
);

-- Replica of the warehouse's locations (from warehouse.location.configured.v1): reservations
-- and ledger entries live at location level, so inventory must know which locations exist.
CREATE TABLE location (
    location_code text PRIMARY KEY,
    configured_at timestamptz NOT NULL DEFAULT now()
);
