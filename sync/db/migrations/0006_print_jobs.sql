-- Kedai schema 6: the print history. Every document printed or saved, where it went, whether the
-- printer's queue took it, and where the document is kept so it can be printed again.
CREATE TABLE print_jobs (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,           -- unix milliseconds, UTC
    document TEXT NOT NULL,              -- domain.Document
    title    TEXT NOT NULL,
    orders   INTEGER NOT NULL,
    printer  TEXT NOT NULL DEFAULT '',   -- destination; '' when only saved
    job_id   TEXT NOT NULL DEFAULT '',   -- the spooler's job id
    state    TEXT NOT NULL CHECK (state IN ('accepted', 'failed', 'saved')),
    message  TEXT NOT NULL DEFAULT '',
    file     TEXT NOT NULL DEFAULT ''    -- the kept document
);
CREATE INDEX print_jobs_at ON print_jobs (at DESC, id DESC);
