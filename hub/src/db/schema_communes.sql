-- Other communes of a race (regroupement de communes). The tables store the constituency
-- or canton of an election, the communes that vote in it besides the hub's own, and the
-- totals they phone in, with the same statuses and versions as a station's results.

CREATE TABLE other_commune_area (
    election_id INTEGER PRIMARY KEY REFERENCES election (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('constituency', 'canton')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    -- Grows by one with every change of the area or of the list of communes.
    version INTEGER NOT NULL CHECK (version >= 1)
) STRICT;

CREATE TABLE other_commune (
    election_id INTEGER NOT NULL REFERENCES other_commune_area (election_id)
        ON DELETE CASCADE,
    insee_code TEXT NOT NULL,
    name TEXT NOT NULL,
    registered INTEGER NOT NULL CHECK (registered >= 0),
    -- Order in which the administrator listed the communes.
    position INTEGER NOT NULL,
    PRIMARY KEY (election_id, insee_code)
) STRICT;

CREATE TABLE other_commune_result (
    election_id INTEGER NOT NULL,
    insee_code TEXT NOT NULL,
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
    PRIMARY KEY (election_id, insee_code),
    FOREIGN KEY (election_id, insee_code) REFERENCES other_commune (election_id, insee_code)
        ON DELETE CASCADE
) STRICT;

CREATE TABLE other_commune_votes (
    election_id INTEGER NOT NULL,
    insee_code TEXT NOT NULL,
    ballot_number INTEGER NOT NULL,
    votes INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (election_id, insee_code, ballot_number),
    FOREIGN KEY (election_id, insee_code)
        REFERENCES other_commune_result (election_id, insee_code) ON DELETE CASCADE,
    FOREIGN KEY (election_id, ballot_number)
        REFERENCES election_candidate (election_id, ballot_number) ON DELETE CASCADE
) STRICT;
