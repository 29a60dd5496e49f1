-- Message identity (issue 11): a message is known by consumer + ce_source + ce_id, with a hash of what it
-- carried; rows from before have source '' and no hash, and still count as seen (UnitOfWork.claim).
ALTER TABLE inbox ADD COLUMN source text NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN payload_hash bytea;
ALTER TABLE inbox DROP CONSTRAINT inbox_pkey;
ALTER TABLE inbox ADD PRIMARY KEY (consumer, source, message_id);
CREATE INDEX inbox_processed_at ON inbox (processed_at);

-- Records answered by their position rather than their ce_id (dead letters, refusals of a reused id):
-- a namespace of its own, so no ce_id a sender chooses can collide with one.
CREATE TABLE record_claims (
    consumer     text        NOT NULL,
    topic        text        NOT NULL,
    partition    int         NOT NULL,
    "offset"     bigint      NOT NULL,
    outcome      text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition, "offset")
);
CREATE INDEX record_claims_processed_at ON record_claims (processed_at);

-- A consumed record whose dead letter could not be written either: skipped, and kept here for an operator.
CREATE TABLE consumer_quarantine (
    consumer    text        NOT NULL,
    topic       text        NOT NULL,
    partition   int         NOT NULL,
    "offset"    bigint      NOT NULL,
    reason      text        NOT NULL,
    error       text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition, "offset")
);

-- An outbox row the broker refused for good (too large, invalid): moved here so the rows after it flow on.
CREATE TABLE relay_quarantine (
    id             bigint      PRIMARY KEY,
    topic          text        NOT NULL,
    key            bytea,
    value          bytea       NOT NULL,
    header_keys    text[]      NOT NULL,
    header_values  bytea[]     NOT NULL,
    created_at     timestamptz NOT NULL,
    error          text        NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT now()
);
