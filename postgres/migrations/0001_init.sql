-- textfix schema, version 1. Each table keeps what is queried in real
-- columns; the record itself (the engine's opaque state, a page, a
-- ticket, an outbox message, a transcript line) is JSON, written and read
-- whole by package postgres. version counts changes to a row: a
-- transaction checks it at commit (optimistic concurrency, doc.go).

CREATE TABLE conversations (
    phone   text PRIMARY KEY,
    status  text NOT NULL,
    flow    text NOT NULL,
    test    boolean NOT NULL,
    updated timestamptz NOT NULL,
    version bigint NOT NULL,
    state   json NOT NULL
);
-- The console's inbox: newest first (a filter by status walks it too;
-- every text changes updated, so each index here costs every text).
CREATE INDEX conversations_updated ON conversations (updated DESC, phone DESC);

-- Transcripts: one row per line, never one growing value.
CREATE TABLE lines (
    phone      text NOT NULL,
    seq        bigint NOT NULL,
    message_id text,               -- an outbound line's MessageSid (inbound ones get no delivery reports)
    version    bigint NOT NULL,
    line       json NOT NULL,
    PRIMARY KEY (phone, seq)
);
-- Delivery reports find their line by Twilio's MessageSid.
CREATE INDEX lines_message_id ON lines (message_id) WHERE message_id IS NOT NULL;

-- MessageSid claims: a webhook retry replays replies byte for byte. The
-- key leads with the number, for Forget.
CREATE TABLE claims (
    phone   text NOT NULL,
    sid     text NOT NULL,
    at      timestamptz NOT NULL,
    replies json NOT NULL,
    PRIMARY KEY (phone, sid)
);
-- Pruning finds old claims by time. A btree on a time that only grows
-- makes every text write the same last page; BRIN keeps a summary per
-- range of pages and costs an insert nothing.
CREATE INDEX claims_at ON claims USING brin (at);

CREATE TABLE pages (
    id      text PRIMARY KEY,
    owner   text,               -- the number it was made for; pages hold no numbers
    revoked boolean NOT NULL,
    created timestamptz NOT NULL,
    version bigint NOT NULL,
    page    json NOT NULL
);
CREATE INDEX pages_owner ON pages (owner, created DESC) WHERE owner IS NOT NULL;

CREATE SEQUENCE ticket_numbers;
CREATE TABLE tickets (
    number  bigint PRIMARY KEY,
    phone   text NOT NULL,
    state   text NOT NULL,
    opened  timestamptz NOT NULL,
    version bigint NOT NULL,
    ticket  json NOT NULL
);
CREATE INDEX tickets_open ON tickets (number) WHERE state IN ('waiting', 'active');
CREATE INDEX tickets_phone ON tickets (phone);

CREATE SEQUENCE outbox_ids;
CREATE TABLE outbox (
    id          bigint PRIMARY KEY,
    phone       text NOT NULL,      -- To
    state       text NOT NULL,
    next_at     timestamptz NOT NULL,
    lease_until timestamptz,
    created     timestamptz NOT NULL,
    version     bigint NOT NULL,
    msg         json NOT NULL
);
CREATE INDEX outbox_queued ON outbox (phone, id) WHERE state = 'queued';
CREATE INDEX outbox_phone ON outbox (phone);

-- When each recipient was last given a turn by ClaimDue (fairness).
CREATE TABLE outbox_turns (
    phone        text PRIMARY KEY,
    last_claimed timestamptz NOT NULL
);

-- The deployment's last send slot (TEXTFIX_SEND_RATE): one row.
CREATE TABLE send_slot (
    id   integer PRIMARY KEY CHECK (id = 1),
    last timestamptz NOT NULL
);

-- Analytics counters. A text's transaction appends its counts to the
-- deltas tables (no key, no index: nothing to wait for), and the leader
-- folds them into the totals every few seconds; readers sum both.
CREATE TABLE stats (
    flow text NOT NULL,
    day  date NOT NULL,
    kind text NOT NULL,
    node text NOT NULL,
    dest text NOT NULL,
    n    bigint NOT NULL,
    PRIMARY KEY (flow, day, kind, node, dest)
);
CREATE TABLE stats_deltas (
    flow text NOT NULL,
    day  date NOT NULL,
    kind text NOT NULL,
    node text NOT NULL,
    dest text NOT NULL,
    n    bigint NOT NULL
);
CREATE TABLE unmatched (
    flow text NOT NULL,
    node text NOT NULL,
    text text NOT NULL,
    n    bigint NOT NULL,
    PRIMARY KEY (flow, node, text)
);
CREATE TABLE unmatched_deltas (
    flow text NOT NULL,
    node text NOT NULL,
    text text NOT NULL,
    n    bigint NOT NULL
);

CREATE TABLE sessions (
    key     text PRIMARY KEY,
    seen    timestamptz NOT NULL,
    created timestamptz NOT NULL,
    version bigint NOT NULL,
    session json NOT NULL
);
CREATE TABLE login_attempts (
    addr text NOT NULL,
    at   timestamptz NOT NULL
);
CREATE INDEX login_attempts_addr ON login_attempts (addr, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

-- textfix_check raises a serialization failure unless ok: a transaction's
-- commit uses it to abandon itself when something it read has changed.
CREATE FUNCTION textfix_check(ok boolean) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'textfix: changed since read' USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN true;
END $$;

-- textfix_begin starts Inbound's transaction in one statement: it takes
-- the number's lock, then reads the claim, the conversation and the last
-- transcript seq. A VOLATILE function's queries each see what was
-- committed when they start, so these reads see what the number's
-- previous transaction committed while this one waited for the lock.
CREATE FUNCTION textfix_begin(p_phone text, p_sid text, p_ns bigint,
    OUT replies json, OUT version bigint, OUT state json, OUT last_seq bigint)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_phone, p_ns));
    SELECT c.replies INTO replies FROM claims c WHERE c.phone = p_phone AND c.sid = p_sid;
    IF replies IS NOT NULL THEN
        RETURN;
    END IF;
    SELECT c.version, c.state INTO version, state FROM conversations c WHERE c.phone = p_phone;
    SELECT coalesce(max(l.seq), 0) INTO last_seq FROM lines l WHERE l.phone = p_phone;
END $$;
