-- Replica of the tracking policy of each item (owned by inventory, from inventory.item.registered.v1).
CREATE TABLE item_tracking (
    item_no             text PRIMARY KEY,
    tracking_policy     text    NOT NULL,
    expiration_required boolean NOT NULL,
    strict_expiration   boolean NOT NULL,
    replicated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE location (
    location_code  text PRIMARY KEY,
    receive_bin    text    NOT NULL,
    ship_bin       text    NOT NULL,
    adjustment_bin text    NOT NULL,
    pick_by_fefo   boolean NOT NULL,
    configured_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE zone (
    location_code text NOT NULL REFERENCES location,
    zone_code     text NOT NULL,
    description   text NOT NULL DEFAULT '',
    PRIMARY KEY (location_code, zone_code)
);

CREATE TABLE bin (
    location_code  text    NOT NULL,
    bin_code       text    NOT NULL,
    zone_code      text    NOT NULL,
    types          text[]  NOT NULL,
    ranking        integer NOT NULL DEFAULT 0,
    block_movement text    NOT NULL DEFAULT 'none'
        CHECK (block_movement IN ('none', 'inbound', 'outbound', 'all')),
    dedicated      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (location_code, bin_code),
    FOREIGN KEY (location_code, zone_code) REFERENCES zone
);
