-- W11: warehouse documents (receipts, shipments, and the activities put-away, pick, movement) with
-- lines counting quantity, quantity handled and quantity outstanding.
CREATE TABLE warehouse_document (
    document_type      text        NOT NULL CHECK (document_type IN ('receipt', 'shipment', 'put_away', 'pick',
                                       'movement')),
    document_no        text        NOT NULL,
    location_code      text        NOT NULL,
    source_document_no text,       -- activities: the receipt or shipment served
    postings           integer     NOT NULL DEFAULT 0,  -- receipts and shipments: numbers derived documents
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_type, document_no)
);
CREATE INDEX warehouse_document_by_location ON warehouse_document (location_code, document_type, document_no);
CREATE INDEX warehouse_document_by_source ON warehouse_document (source_document_no)
    WHERE source_document_no IS NOT NULL;

CREATE TABLE warehouse_document_line (
    document_type        text          NOT NULL,
    document_no          text          NOT NULL,
    line_no              integer       NOT NULL,
    item_no              text          NOT NULL,
    variant              text          NOT NULL,
    -- a cancelled activity line keeps only what was handled, possibly nothing
    quantity             numeric(18,6) NOT NULL CHECK (quantity >= 0),
    quantity_handled     numeric(18,6) NOT NULL CHECK (quantity_handled >= 0 AND quantity_handled <= quantity),
    quantity_outstanding numeric(18,6) GENERATED ALWAYS AS (quantity - quantity_handled) STORED,
    source_type          text          NOT NULL,  -- the order line served; blank on movements
    source_no            text          NOT NULL,
    source_line_no       integer       NOT NULL,
    bin_code             text,                    -- receipt and shipment lines: receive or ship bin
    take_bin             text,                    -- activity lines
    place_bin            text,                    -- activity lines; NULL until the operator names it
    serial               text          NOT NULL,  -- activity lines: the stock taken
    lot                  text          NOT NULL,
    expiration           date,
    document_line_no     integer,                 -- activity lines: the receipt or shipment line served
    quantity_on_pick     numeric(18,6) NOT NULL CHECK (quantity_on_pick >= 0),  -- shipment lines
    PRIMARY KEY (document_type, document_no, line_no),
    FOREIGN KEY (document_type, document_no) REFERENCES warehouse_document
);
-- W5, I7: outstanding Take quantities of open picks and movements.
CREATE INDEX open_activity_take ON warehouse_document_line (item_no, document_type)
    WHERE document_type IN ('pick', 'movement') AND quantity > quantity_handled;

-- W4: what was picked for a shipment line and waits in the ship bin, per serial/lot.
CREATE TABLE shipment_line_picked (
    shipment_no text          NOT NULL,
    line_no     integer       NOT NULL,
    serial      text          NOT NULL,
    lot         text          NOT NULL,
    expiration  date,
    quantity    numeric(18,6) NOT NULL CHECK (quantity > 0),
    CONSTRAINT shipment_line_picked_key UNIQUE NULLS NOT DISTINCT (shipment_no, line_no, serial, lot, expiration)
);
