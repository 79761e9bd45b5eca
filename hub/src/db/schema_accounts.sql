-- People who use the web interface, their sessions, and pending double entries.

CREATE TABLE user_account (
    id INTEGER PRIMARY KEY,
    -- Lower-case letters, digits, '.', '_' and '-': the name recorded in the audit log.
    login TEXT NOT NULL UNIQUE,
    -- Argon2id hash in PHC string format.
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('administrator', 'supervisor', 'clerk', 'read_only')),
    -- JSON array of the station codes a clerk may write, or NULL for every station.
    stations TEXT,
    created_at TEXT NOT NULL,
    disabled_at TEXT
) STRICT;

-- A session is a random 32-byte id sent in a cookie; only its SHA-256 is stored.
CREATE TABLE user_session (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    -- Token every form of this session carries in a hidden field.
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX user_session_by_user ON user_session (user_id);
CREATE INDEX user_session_by_expiry ON user_session (expires_at);

-- Options of an election set from the web interface.
CREATE TABLE election_option (
    election_id INTEGER PRIMARY KEY REFERENCES election (id) ON DELETE CASCADE,
    -- 1: a clerk's results sheet is stored only once a second clerk keys the same figures.
    double_entry INTEGER NOT NULL DEFAULT 0 CHECK (double_entry IN (0, 1))
) STRICT;

-- Results sheets keyed once under double entry, waiting for the second entry, or whose
-- two entries differ and wait for a supervisor's choice. Entries are JSON objects in the
-- layout of the API's results write.
CREATE TABLE pending_entry (
    election_id INTEGER NOT NULL,
    station_code TEXT NOT NULL,
    -- Version of the stored record both entries start from (0: none stored yet).
    base_version INTEGER NOT NULL CHECK (base_version >= 0),
    first_entry TEXT NOT NULL,
    first_by TEXT NOT NULL,
    first_at TEXT NOT NULL,
    second_entry TEXT,
    second_by TEXT,
    second_at TEXT,
    PRIMARY KEY (election_id, station_code),
    FOREIGN KEY (election_id, station_code) REFERENCES election_station (election_id, code)
        ON DELETE CASCADE
) STRICT;
