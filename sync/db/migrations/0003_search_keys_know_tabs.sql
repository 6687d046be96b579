-- Kedai schema 3: search keys carry their order's tab and archived flag, so a search that
-- matches thousands of keys ("23", the last digits of one order in a hundred) counts per tab and
-- picks one tab's matches inside the key index, without reading every matching order.

ALTER TABLE search_keys ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE search_keys ADD COLUMN tab INTEGER NOT NULL DEFAULT 0;
UPDATE search_keys SET
    archived = (SELECT o.archived FROM orders o WHERE o.id = search_keys.order_id),
    tab = (SELECT o.tab FROM orders o WHERE o.id = search_keys.order_id);

DROP INDEX search_keys_by_key;
DROP INDEX search_keys_by_rev;
CREATE INDEX search_keys_by_key ON search_keys (key, archived, tab, order_id);
CREATE INDEX search_keys_by_rev ON search_keys (key_rev, archived, tab, order_id);

-- An order that moves (a new tab, posted or changed after posting) moves its keys with it.
CREATE TRIGGER orders_move_search_keys AFTER UPDATE OF tab, archived ON orders
WHEN OLD.tab != NEW.tab OR OLD.archived != NEW.archived BEGIN
    UPDATE search_keys SET tab = NEW.tab, archived = NEW.archived WHERE order_id = NEW.id;
END;
