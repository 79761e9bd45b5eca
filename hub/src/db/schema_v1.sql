-- Urne hub storage, version 1. Every table is STRICT; counts are non-negative integers.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Write tokens: only the SHA-256 of each token is kept.
CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE TABLE commune (
    insee_code TEXT PRIMARY KEY,
    department_code TEXT NOT NULL,
    name TEXT NOT NULL
) STRICT;

-- Reference configuration, copied into each election when it is created.
CREATE TABLE reference_station (
    commune TEXT NOT NULL REFERENCES commune (insee_code),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    polling_place TEXT,
    canton TEXT,
    constituency TEXT,
    registered INTEGER NOT NULL CHECK (registered >= 0),
    PRIMARY KEY (commune, code)
) STRICT;

CREATE TABLE election (
    id INTEGER PRIMARY KEY,
    commune TEXT NOT NULL REFERENCES commune (insee_code),
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    round INTEGER NOT NULL CHECK (round IN (1, 2)),
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('commune', 'constituency', 'canton')),
    scope_code TEXT,
    label TEXT NOT NULL,
    opening TEXT NOT NULL,
    closing TEXT NOT NULL,
    -- JSON array of "HH:MM" strings, Europe/Paris civil time.
    turnout_slots TEXT NOT NULL,
    rehearsal INTEGER NOT NULL CHECK (rehearsal IN (0, 1)),
    state TEXT NOT NULL CHECK (state IN ('preparation', 'open', 'closed', 'archived')),
    -- Grows by one with every change to the election's figures.
    data_version INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE election_station (
    election_id INTEGER NOT NULL REFERENCES election (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    polling_place TEXT,
    canton TEXT,
    constituency TEXT,
    registered INTEGER NOT NULL CHECK (registered >= 0),
    PRIMARY KEY (election_id, code)
) STRICT;

CREATE TABLE election_candidate (
    election_id INTEGER NOT NULL REFERENCES election (id) ON DELETE CASCADE,
    ballot_number INTEGER NOT NULL CHECK (ballot_number >= 0),
    surname TEXT NOT NULL,
    first_name TEXT NOT NULL,
    sex TEXT CHECK (sex IN ('F', 'M')),
    nuance TEXT,
    nuance_label TEXT,
    list_label TEXT,
    colour TEXT,
    PRIMARY KEY (election_id, ballot_number)
) STRICT;

-- Final results of a station, as its official record states them.
CREATE TABLE station_result (
    election_id INTEGER NOT NULL,
    station_code TEXT NOT NULL,
    registered INTEGER NOT NULL CHECK (registered >= 0),
    voters INTEGER NOT NULL CHECK (voters >= 0),
    ballots_found INTEGER CHECK (ballots_found >= 0),
    blank INTEGER NOT NULL CHECK (blank >= 0),
    invalid INTEGER NOT NULL CHECK (invalid >= 0),
    valid_votes INTEGER NOT NULL CHECK (valid_votes >= 0),
    status TEXT NOT NULL CHECK (status IN ('entered', 'inconsistent', 'validated')),
    -- JSON array of the rules that failed (errors overridden with a reason, warnings).
    findings TEXT NOT NULL,
    inconsistency_reason TEXT,
    version INTEGER NOT NULL CHECK (version >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (election_id, station_code),
    FOREIGN KEY (election_id, station_code) REFERENCES election_station (election_id, code)
        ON DELETE CASCADE
) STRICT;

-- The two centaines: results after the first 100 and the first 200 ballots.
CREATE TABLE hundred_result (
    election_id INTEGER NOT NULL,
    station_code TEXT NOT NULL,
    which TEXT NOT NULL CHECK (which IN ('first', 'second')),
    blank INTEGER NOT NULL CHECK (blank >= 0),
    invalid INTEGER NOT NULL CHECK (invalid >= 0),
    findings TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (election_id, station_code, which),
    FOREIGN KEY (election_id, station_code) REFERENCES election_station (election_id, code)
        ON DELETE CASCADE
) STRICT;

-- Votes per candidate, for the final results ('final') and the centaines.
CREATE TABLE station_votes (
    election_id INTEGER NOT NULL,
    station_code TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('final', 'first', 'second')),
    ballot_number INTEGER NOT NULL,
    votes INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (election_id, station_code, stage, ballot_number),
    FOREIGN KEY (election_id, ballot_number)
        REFERENCES election_candidate (election_id, ballot_number) ON DELETE CASCADE
) STRICT;

CREATE TABLE turnout (
    election_id INTEGER NOT NULL,
    station_code TEXT NOT NULL,
    -- "HH:MM", Europe/Paris civil time.
    slot TEXT NOT NULL,
    voters INTEGER NOT NULL CHECK (voters >= 0),
    version INTEGER NOT NULL CHECK (version >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (election_id, station_code, slot),
    FOREIGN KEY (election_id, station_code) REFERENCES election_station (election_id, code)
        ON DELETE CASCADE
) STRICT;

-- Append-only record of every change: who, when, what, before and after.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    election_id INTEGER,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reason TEXT
) STRICT;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Change notifications sent on /api/v1/events; the id is the event version.
CREATE TABLE event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    election_id INTEGER,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
) STRICT;

CREATE INDEX audit_by_election ON audit (election_id, id);
CREATE INDEX event_by_election ON event (election_id, id);
