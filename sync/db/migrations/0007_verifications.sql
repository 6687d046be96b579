-- Kedai schema 7: stock pick verifications. Each finished check of an order's items before
-- packing: complete as scanned, or completed anyway by a person, with the reason they gave.
CREATE TABLE verifications (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    at         INTEGER NOT NULL,                 -- unix milliseconds, UTC
    state      TEXT NOT NULL CHECK (state IN ('Complete', 'Incomplete', 'Overscan')),
    overridden INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1)),
    reason     TEXT NOT NULL DEFAULT '',
    lines      TEXT NOT NULL                     -- JSON: each product's SKU, required and scanned
);
CREATE INDEX verifications_order ON verifications (order_id, at DESC);
