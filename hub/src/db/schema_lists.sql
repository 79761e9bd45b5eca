-- Candidates of each list of a list-ballot election, in the order of the ballot paper, so
-- that seats go to named candidates and ties can be broken by age.

CREATE TABLE list_member (
    election_id INTEGER NOT NULL,
    ballot_number INTEGER NOT NULL,
    -- Position on the municipal list, from 1.
    rank INTEGER NOT NULL CHECK (rank >= 1),
    surname TEXT NOT NULL,
    first_name TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('F', 'M')),
    -- YYYY-MM-DD, when known.
    birth_date TEXT,
    -- Position on the community list printed on the same ballot, for its candidates.
    community_rank INTEGER CHECK (community_rank >= 1),
    -- Version of the whole list, the same on each of its rows.
    version INTEGER NOT NULL CHECK (version >= 1),
    PRIMARY KEY (election_id, ballot_number, rank),
    UNIQUE (election_id, ballot_number, community_rank),
    FOREIGN KEY (election_id, ballot_number)
        REFERENCES election_candidate (election_id, ballot_number) ON DELETE CASCADE
) STRICT;
