-- Kedai schema 4: the outbox. A seller's action (pack, to ship, repack, mark delivered) is
-- checked, recorded here and shown as under way at once; the engine sends it, records what the
-- platform said, and never sends it twice (it reads the platform first when retrying).

-- A bulk action: the orders submitted together, for its progress bar, results and Cancel.
CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    action     TEXT NOT NULL,
    total      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    job        INTEGER NOT NULL REFERENCES jobs (id),
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    store_id   INTEGER NOT NULL,
    action     TEXT NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}', -- JSON: how to ship (market.Shipping)
    state      TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'done', 'failed', 'cancelled')),
    attempts   INTEGER NOT NULL DEFAULT 0, -- sends begun; more than one means: check the platform first
    not_before INTEGER NOT NULL DEFAULT 0, -- a retryable failure waits until then
    message    TEXT NOT NULL DEFAULT '',   -- the platform's answer when it refused
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- What the sender picks next, store by store.
CREATE INDEX outbox_open ON outbox (store_id, state, not_before, id) WHERE state IN ('pending', 'sending');
-- An order has at most one action under way.
CREATE UNIQUE INDEX outbox_one_open ON outbox (order_id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_by_job ON outbox (job, state);

-- Shown on the order's row and detail: the action under way, and why the last one failed.
ALTER TABLE orders ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN action_error TEXT NOT NULL DEFAULT '';

-- How a store ships by default (JSON market.Shipping; '' when not chosen yet).
ALTER TABLE stores ADD COLUMN shipping TEXT NOT NULL DEFAULT '';
