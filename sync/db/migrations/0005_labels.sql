-- Kedai schema 5: AWB labels as the platforms made them, kept so that printing a package again
-- (a jammed printer, a second copy) asks the platform nothing. One row per package and kind of
-- label: kind is what the label depends on (market.LabelOptions.Kind: 'pdf', 'pdf-normal',
-- 'pdf-a5', 'zpl', 'zpl-a5').
CREATE TABLE labels (
    store_id    INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    package_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    order_no    TEXT NOT NULL DEFAULT '',
    format      TEXT NOT NULL CHECK (format IN ('pdf', 'zpl')),
    tracking_no TEXT NOT NULL DEFAULT '', -- the package's tracking number when it was fetched
    data        BLOB NOT NULL,
    fetched_at  INTEGER NOT NULL,         -- unix milliseconds, UTC
    PRIMARY KEY (store_id, package_id, kind)
);
-- For clearing out old labels.
CREATE INDEX labels_fetched ON labels (fetched_at);
