-- Projector display settings, candidate photos, the town logo and results embargoes.

-- One row per election with a projector configuration. `display_key` lets the projector
-- read results during an embargo; it grants reads only.
CREATE TABLE display_configuration (
    election_id INTEGER PRIMARY KEY REFERENCES election (id) ON DELETE CASCADE,
    -- JSON object in the layout of `DisplaySettings` (hub/src/db/display.rs).
    settings TEXT NOT NULL,
    display_key TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL CHECK (version >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

CREATE TABLE candidate_photo (
    election_id INTEGER NOT NULL REFERENCES election (id) ON DELETE CASCADE,
    ballot_number INTEGER NOT NULL CHECK (ballot_number >= 0),
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    -- Hex SHA-256 of `body`, used as the ETag.
    sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (election_id, ballot_number)
) STRICT;

-- The town's logo, shared by every election; at most one row.
CREATE TABLE logo (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Results stay off the public site and the public API before `until` (RFC 3339, UTC).
CREATE TABLE embargo (
    election_id INTEGER PRIMARY KEY REFERENCES election (id) ON DELETE CASCADE,
    until TEXT NOT NULL,
    -- 1 once the release has been written to the audit log.
    released INTEGER NOT NULL DEFAULT 0 CHECK (released IN (0, 1)),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;
