-- I7 right after a shipment: what the warehouse's own posted shipments consume of each demand's
-- reservations until the inventory confirms it (a DemandReservationChanged caused by one of the
-- shipment's facts). Until then the replicated reservation is discounted by it; rows older than the
-- window in repository/state.py no longer count (the inventory then answers long after, or never
-- changes that demand).
CREATE TABLE shipment_consumption (
    id             bigserial     PRIMARY KEY,
    fact_ids       text[]        NOT NULL,
    location_code  text          NOT NULL,
    item_no        text          NOT NULL,
    variant        text          NOT NULL,
    source_type    text          NOT NULL,
    source_no      text          NOT NULL,
    source_line_no integer       NOT NULL,
    serial         text          NOT NULL,
    lot            text          NOT NULL,
    quantity       numeric(18,6) NOT NULL CHECK (quantity > 0),
    posted_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX shipment_consumption_demand ON shipment_consumption
    (location_code, item_no, variant, source_type, source_no, source_line_no);
CREATE INDEX shipment_consumption_facts ON shipment_consumption USING gin (fact_ids);
