-- Reference configuration edited in the web interface: the commune's mayor, cantons,
-- constituencies, parties and nuances, candidates and the default turnout slots. Elections
-- copy what they need when they are created, so later edits never change them.

ALTER TABLE commune ADD COLUMN mayor TEXT;
-- 1 on the commune the configuration pages manage; at most one row has it.
ALTER TABLE commune ADD COLUMN is_reference INTEGER NOT NULL DEFAULT 0
    CHECK (is_reference IN (0, 1));

CREATE TABLE reference_canton (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE reference_constituency (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

-- Parties and the Ministry's nuances (`UG`, `RN`, `LDVD`…), with their display colour.
CREATE TABLE reference_party (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    -- `#rrggbb`.
    colour TEXT
) STRICT;

-- Candidates and lists that elections can be created with.
CREATE TABLE reference_candidate (
    id INTEGER PRIMARY KEY,
    surname TEXT NOT NULL,
    first_name TEXT NOT NULL,
    sex TEXT CHECK (sex IN ('F', 'M')),
    nuance TEXT,
    list_label TEXT,
    -- `#rrggbb`; the nuance's colour applies when absent.
    colour TEXT,
    -- Ballot number proposed when an election is created from this candidate.
    ballot_number INTEGER CHECK (ballot_number >= 1)
) STRICT;

-- Default turnout slots of new elections, "HH:MM" in Europe/Paris civil time.
CREATE TABLE reference_turnout_slot (
    slot TEXT PRIMARY KEY
) STRICT;

INSERT INTO reference_turnout_slot (slot) VALUES ('12:00'), ('17:00');
