-- Kedai schema 2: how each store is reached, its sealed secrets, and its sync state.

-- A random id for this data file: its secrets' key is filed under it in the keychain.
INSERT INTO meta (key, value) VALUES ('file_id', lower(hex(randomblob(16))));

ALTER TABLE stores ADD COLUMN base_url TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN auth_url TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN app_key TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN service_id TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN cipher TEXT NOT NULL DEFAULT '';
-- JSON of the app secret and tokens, sealed by sync/vault; never plain text.
ALTER TABLE stores ADD COLUMN secrets BLOB;
-- Linked to the simulator that runs inside the demo workspace.
ALTER TABLE stores ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sync_state (
    store_id      INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    -- Every order updated before this time is in the file. Moves only in the transaction that
    -- saves the last page of a pull.
    cursor        INTEGER NOT NULL,
    last_success  INTEGER NOT NULL DEFAULT 0,
    last_attempt  INTEGER NOT NULL DEFAULT 0,
    next_run      INTEGER NOT NULL DEFAULT 0,
    orders_pulled INTEGER NOT NULL DEFAULT 0, -- in the last successful run
    total_pulled  INTEGER NOT NULL DEFAULT 0,
    failures      INTEGER NOT NULL DEFAULT 0, -- in a row
    last_error    TEXT NOT NULL DEFAULT '',
    needs_relink  INTEGER NOT NULL DEFAULT 0
);
