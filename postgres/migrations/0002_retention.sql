-- Retention (TEXTFIX_RETAIN): when each unmatched-answer sample was last
-- seen, so that old ones go; and the marks of pages deleted for their
-- age, so that their links answer 410 "expired", keyed by the SHA-256 of
-- the page id so that no id is kept.
ALTER TABLE unmatched ADD COLUMN seen timestamptz NOT NULL DEFAULT now();
ALTER TABLE unmatched_deltas ADD COLUMN seen timestamptz NOT NULL DEFAULT now();
CREATE TABLE pages_expired (
    hash bytea PRIMARY KEY,
    at   timestamptz NOT NULL
);
