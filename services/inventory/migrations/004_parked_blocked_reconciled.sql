-- Postings waiting for supply (S5), blocked serial/lot numbers (T4) and reconciliation results (S7).

-- A posting the ledger cannot apply yet: kept whole, with its reason, until new supply lets it
-- through (retried oldest first after every posting of the same item and location).
CREATE TABLE parked_posting (
    posting_id    text        PRIMARY KEY,
    parked_seq    bigserial   NOT NULL,
    item_no       text        NOT NULL,
    location_code text        NOT NULL,
    document_type text        NOT NULL,
    document_no   text        NOT NULL,
    reason_code   text        NOT NULL,
    message       text        NOT NULL,
    shortages     jsonb       NOT NULL,
    posting       jsonb       NOT NULL,
    parked_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parked_posting_stock ON parked_posting (item_no, location_code, parked_seq);

-- Blank serial_no or lot_no names nothing: blocking a lot blocks every serial in it.
CREATE TABLE blocked_tracking (
    item_no      text        NOT NULL REFERENCES item,
    variant_code text        NOT NULL,
    serial_no    text        NOT NULL,
    lot_no       text        NOT NULL,
    reason       text        NOT NULL,
    blocked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_no, variant_code, serial_no, lot_no),
    CHECK (serial_no <> '' OR lot_no <> '')
);

-- One row per item of a warehouse bin-totals report; the report is complete when every item of
-- it (items_in_report) has arrived.
CREATE TABLE reconciliation_result (
    request_id      text        NOT NULL,
    item_no         text        NOT NULL,
    location_code   text        NOT NULL,
    items_in_report integer     NOT NULL,
    differences     jsonb       NOT NULL,
    reconciled_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, item_no, location_code)
);
