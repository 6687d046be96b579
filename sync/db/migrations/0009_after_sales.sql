-- Kedai schema 9: after-sale requests. Each cancellation, return or refund request of an order as
-- Kedai last read it from the platform (the pull's returns lists, or the order's detail read live),
-- so the detail view shows it at once and the outbox knows which request an answer is for.
CREATE TABLE after_sales (
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('cancel', 'return', 'refund')),
    request_id TEXT NOT NULL,              -- the platform's id; '' for a Shopee buyer cancellation
    status     TEXT NOT NULL,              -- the platform's status verbatim
    open       INTEGER NOT NULL CHECK (open IN (0, 1)), -- it still concerns the seller
    detail     TEXT NOT NULL,              -- JSON: domain.AfterSale
    read_at    INTEGER NOT NULL,           -- unix milliseconds: when Kedai last read it
    PRIMARY KEY (order_id, kind, request_id)
) WITHOUT ROWID;
