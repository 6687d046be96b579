-- Kedai schema 1: stores, orders with their items and packages, search keys, tab counters, settings.
-- Times are unix milliseconds UTC; money is integer minor units in the order's currency.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('app', 'kedai');

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE stores (
    id         INTEGER PRIMARY KEY,
    platform   TEXT NOT NULL CHECK (platform IN ('lazada', 'shopee', 'tiktok')),
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    region     TEXT NOT NULL DEFAULT 'MY',
    shop_id    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    store_id     INTEGER NOT NULL REFERENCES stores (id),
    order_no     TEXT NOT NULL,
    platform_id  TEXT NOT NULL,
    status       TEXT NOT NULL,
    stage        TEXT NOT NULL DEFAULT '',
    tab          INTEGER NOT NULL CHECK (tab BETWEEN 1 AND 10),
    archived     INTEGER NOT NULL DEFAULT 0, -- posted and unchanged since
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    delivered_at INTEGER NOT NULL DEFAULT 0,
    currency     TEXT NOT NULL,
    total        INTEGER NOT NULL,
    units        INTEGER NOT NULL,
    first_item   TEXT NOT NULL,
    provider     TEXT NOT NULL DEFAULT '',
    tracking_no  TEXT NOT NULL DEFAULT '',
    flags        INTEGER NOT NULL DEFAULT 0,
    posted_at    INTEGER NOT NULL DEFAULT 0,
    detail       TEXT NOT NULL, -- JSON: buyer, address, amounts, notes, platform details
    UNIQUE (store_id, order_no)
);
-- The order lists: one tab, newest (or oldest) first, by created or updated time.
CREATE INDEX orders_by_created ON orders (archived, tab, created_at, id);
CREATE INDEX orders_by_updated ON orders (archived, tab, updated_at, id);

CREATE TABLE items (
    id                INTEGER PRIMARY KEY,
    order_id          INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line              INTEGER NOT NULL,
    platform_item_id  TEXT NOT NULL DEFAULT '',
    product_id        TEXT NOT NULL DEFAULT '',
    sku_id            TEXT NOT NULL DEFAULT '',
    sku               TEXT NOT NULL DEFAULT '',
    shop_sku          TEXT NOT NULL DEFAULT '',
    name              TEXT NOT NULL,
    variation         TEXT NOT NULL DEFAULT '',
    qty               INTEGER NOT NULL,
    unit_price        INTEGER NOT NULL DEFAULT 0,
    paid_price        INTEGER NOT NULL DEFAULT 0,
    seller_discount   INTEGER NOT NULL DEFAULT 0,
    platform_discount INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL DEFAULT '',
    package_id        TEXT NOT NULL DEFAULT '',
    cancelled         INTEGER NOT NULL DEFAULT 0,
    cancel_reason     TEXT NOT NULL DEFAULT '',
    cancelled_by      TEXT NOT NULL DEFAULT '',
    return_status     TEXT NOT NULL DEFAULT '',
    image_url         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX items_by_order ON items (order_id, line);
CREATE INDEX items_by_sku ON items (sku);

CREATE TABLE packages (
    order_id    INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,
    package_id  TEXT NOT NULL,
    tracking_no TEXT NOT NULL DEFAULT '',
    provider    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, line)
) WITHOUT ROWID;

-- What a person may type or scan to find an order: its number, platform id, tracking numbers and
-- package ids, upper-cased, also reversed so "the last digits" is an index range too.
CREATE TABLE search_keys (
    key      TEXT NOT NULL,
    key_rev  TEXT NOT NULL,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind     INTEGER NOT NULL -- 1 order number, 2 platform id, 3 tracking number, 4 package id
);
CREATE INDEX search_keys_by_key ON search_keys (key, order_id);
CREATE INDEX search_keys_by_rev ON search_keys (key_rev, order_id);
CREATE INDEX search_keys_by_order ON search_keys (order_id);

-- Live tab counts, kept by triggers in the same transaction as the orders they count.
CREATE TABLE tab_counts (
    store_id INTEGER NOT NULL,
    archived INTEGER NOT NULL,
    tab      INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (store_id, archived, tab)
) WITHOUT ROWID;

CREATE TRIGGER orders_count_insert AFTER INSERT ON orders BEGIN
    INSERT INTO tab_counts (store_id, archived, tab, n) VALUES (NEW.store_id, NEW.archived, NEW.tab, 1)
    ON CONFLICT (store_id, archived, tab) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER orders_count_delete AFTER DELETE ON orders BEGIN
    UPDATE tab_counts SET n = n - 1
    WHERE store_id = OLD.store_id AND archived = OLD.archived AND tab = OLD.tab;
END;

CREATE TRIGGER orders_count_update AFTER UPDATE OF tab, archived, store_id ON orders
WHEN OLD.tab != NEW.tab OR OLD.archived != NEW.archived OR OLD.store_id != NEW.store_id BEGIN
    UPDATE tab_counts SET n = n - 1
    WHERE store_id = OLD.store_id AND archived = OLD.archived AND tab = OLD.tab;
    INSERT INTO tab_counts (store_id, archived, tab, n) VALUES (NEW.store_id, NEW.archived, NEW.tab, 1)
    ON CONFLICT (store_id, archived, tab) DO UPDATE SET n = n + 1;
END;
