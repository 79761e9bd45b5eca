-- The plan of the polling places that the kiosks show, at most one per election.
CREATE TABLE polling_place_plan (
    election_id INTEGER PRIMARY KEY REFERENCES election (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    -- Hex SHA-256 of `body`, used as the ETag.
    sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
