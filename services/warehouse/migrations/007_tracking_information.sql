-- Q1, Q3: the quality status of lots and serials, replicated from the inventory's
-- TrackingInformationChanged facts (the last absolute value seen). Quarantined and rejected numbers
-- are skipped by picks and movements like blocked ones (T4). One record per item variant and lot, or
-- per item variant and serial (the other number blank).
CREATE TABLE tracking_information (
    item_no        text        NOT NULL,
    variant        text        NOT NULL,
    serial         text        NOT NULL,
    lot            text        NOT NULL,
    quality_status text        NOT NULL,
    certificate_no text        NOT NULL,
    comment        text        NOT NULL,
    replicated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_no, variant, serial, lot)
);
CREATE INDEX tracking_information_withheld ON tracking_information (item_no) WHERE quality_status <> 'released';
