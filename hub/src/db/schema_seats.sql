-- Seats to fill for list ballots, entered by the administrator or derived from the
-- commune's population (CGCT, art. L2121-2).

CREATE TABLE seat_configuration (
    election_id INTEGER PRIMARY KEY REFERENCES election (id) ON DELETE CASCADE,
    municipal_council INTEGER NOT NULL CHECK (municipal_council >= 0),
    community_council INTEGER NOT NULL CHECK (community_council >= 0),
    -- Municipal population the council size was derived from, when it was.
    population INTEGER CHECK (population >= 0),
    version INTEGER NOT NULL CHECK (version >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;
