-- Kedai schema 8: SQL Account. How to reach it (keys sealed), what was synced from it (stock
-- items, codes), which codes each store's invoices use, which stock items each platform SKU is,
-- and the posting journal: one row per order per attempt, and one invoice reference per order.

-- The API's address and SigV4 parameters; the access and secret keys only sealed by sync/vault.
CREATE TABLE sqlacc_config (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    url     TEXT NOT NULL,
    region  TEXT NOT NULL,
    service TEXT NOT NULL,
    keys    BLOB NOT NULL
);

-- Stock items as last synced, the whole list replaced at once. uoms is JSON: [{uom, rate, price
-- (minor units), barcode, base}].
CREATE TABLE stock_items (
    code          TEXT PRIMARY KEY COLLATE NOCASE,
    description   TEXT NOT NULL DEFAULT '',
    stock_group   TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    stock_control INTEGER NOT NULL DEFAULT 1,
    barcode       TEXT NOT NULL DEFAULT '',
    uoms          TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;

-- What finds a stock item, upper-cased without spaces: its code (kind 1) and the code from each
-- of its parts on ("CHF-BLK" of "TDG-CHF-BLK", kind 2), each barcode (kind 3, with its UOM; the
-- item's own under its base UOM) and each word of its description (kind 4). A search is a prefix
-- range per word, so 20,000 items are searched in the index, never scanned.
CREATE TABLE stock_keys (
    key  TEXT NOT NULL,
    code TEXT NOT NULL,
    kind INTEGER NOT NULL,
    uom  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (key, code, kind, uom)
) WITHOUT ROWID;
-- Whether one item has a word, when the items are read in code order (a search whose every word
-- is common stops at the first page of matches instead of collecting them all).
CREATE INDEX stock_keys_by_code ON stock_keys (code, key);

-- Customers, locations, projects, tax codes and payment methods as last synced.
CREATE TABLE account_codes (
    kind        TEXT NOT NULL CHECK (kind IN ('customer', 'location', 'project', 'tax', 'pmmethod')),
    code        TEXT NOT NULL COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    rate        REAL NOT NULL DEFAULT 0, -- tax codes: percent
    PRIMARY KEY (kind, code)
) WITHOUT ROWID;

-- The codes a store's invoices use.
CREATE TABLE store_codes (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    customer TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    project  TEXT NOT NULL DEFAULT '',
    voucher  TEXT NOT NULL DEFAULT '',
    discount TEXT NOT NULL DEFAULT '',
    shipping TEXT NOT NULL DEFAULT '',
    fee      TEXT NOT NULL DEFAULT '',
    payment  TEXT NOT NULL DEFAULT ''
);

-- Which stock items a platform SKU is (the SKU exactly as the platform sends it). lines is JSON:
-- [{stock_code, uom, qty}], several for a bundle; stock_codes is their codes joined by "+", as an
-- order item shows its stock code.
CREATE TABLE sku_maps (
    sku         TEXT PRIMARY KEY,
    lines       TEXT NOT NULL,
    stock_codes TEXT NOT NULL,
    auto        INTEGER NOT NULL DEFAULT 0 -- proposed by auto-mapping and confirmed
) WITHOUT ROWID;

-- Each SKU seen on orders: how many orders have it and the item name last saved with it, kept by
-- triggers in the transaction that saves the items, so the Mapping screen lists and searches SKUs
-- without counting 200,000 orders' items each time. A SKU counts an order once however many of
-- its lines have it (Lazada and TikTok send a line per unit): as a line is added or removed
-- (saving an order again replaces its lines), the index on (sku, order_id) answers "does another
-- line of this order have it?" in one probe.
DROP INDEX items_by_sku;
CREATE INDEX items_by_sku ON items (sku, order_id);

CREATE TABLE sku_counts (
    sku    TEXT PRIMARY KEY,
    orders INTEGER NOT NULL,
    name   TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sku_counts (sku, orders, name)
    SELECT sku, count(DISTINCT order_id),
        (SELECT i.name FROM items i WHERE i.sku = x.sku ORDER BY i.order_id DESC LIMIT 1)
    FROM items x WHERE sku != '' GROUP BY sku;

CREATE TRIGGER items_count_sku AFTER INSERT ON items WHEN NEW.sku != '' BEGIN
    INSERT INTO sku_counts (sku, orders, name) VALUES (NEW.sku, 1, NEW.name)
    ON CONFLICT (sku) DO UPDATE SET name = excluded.name,
        orders = orders + NOT EXISTS (SELECT 1 FROM items WHERE sku = NEW.sku AND order_id = NEW.order_id AND id != NEW.id);
END;

CREATE TRIGGER items_uncount_sku AFTER DELETE ON items WHEN OLD.sku != '' BEGIN
    UPDATE sku_counts SET orders = orders - NOT EXISTS (SELECT 1 FROM items WHERE sku = OLD.sku AND order_id = OLD.order_id)
    WHERE sku = OLD.sku;
END;

CREATE TRIGGER items_recount_sku AFTER UPDATE OF sku, order_id ON items
WHEN OLD.sku != NEW.sku OR OLD.order_id != NEW.order_id BEGIN
    UPDATE sku_counts SET orders = orders - NOT EXISTS (SELECT 1 FROM items WHERE sku = OLD.sku AND order_id = OLD.order_id)
    WHERE sku = OLD.sku AND OLD.sku != '';
    INSERT INTO sku_counts (sku, orders, name) SELECT NEW.sku, 1, NEW.name WHERE NEW.sku != ''
    ON CONFLICT (sku) DO UPDATE SET
        orders = orders + NOT EXISTS (SELECT 1 FROM items WHERE sku = NEW.sku AND order_id = NEW.order_id AND id != NEW.id);
END;

-- One Post Order.
CREATE TABLE post_runs (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL
);

-- One attempt to post one order: written "sending" before anything is sent, so a crash leaves a
-- trace that makes the next attempt look the document up before creating it.
CREATE TABLE post_attempts (
    id       INTEGER PRIMARY KEY,
    run_id   INTEGER NOT NULL REFERENCES post_runs (id),
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    doc_no   TEXT NOT NULL DEFAULT '',
    state    TEXT NOT NULL CHECK (state IN ('sending', 'posted', 'failed')),
    dockey   INTEGER NOT NULL DEFAULT 0,
    message  TEXT NOT NULL DEFAULT '',
    version  INTEGER NOT NULL, -- the order's updated_at being posted
    at       INTEGER NOT NULL  -- begun, then finished
);
-- A run's attempts, and its counts per state read from the index alone.
CREATE INDEX post_attempts_by_run ON post_attempts (run_id, state);
CREATE INDEX post_attempts_by_order ON post_attempts (order_id, id);
-- Attempts a crash left sending, found without reading the journal.
CREATE INDEX post_attempts_sending ON post_attempts (id) WHERE state = 'sending';

-- Each order's invoice: its document number (assigned once, never changed), SQL Account's dockey
-- and the order version it holds (0 until posted), and how the latest attempt ended.
CREATE TABLE postings (
    order_id     INTEGER PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    doc_no       TEXT UNIQUE, -- NULL until assigned
    dockey       INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 0,
    last_attempt INTEGER NOT NULL DEFAULT 0,
    last_state   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX postings_failed ON postings (last_attempt) WHERE last_state = 'failed';
