-- The plan of the polling places that the kiosks show, at most one per election.
CREATE TABLE polling_place_plan (
    election_id INTEGER PRIMARY KEY REFERENCES election (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    -- Hex SHA-256 of `body`, used as the ETag.
    sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- An archived election's plan is frozen like the rest of it.

CREATE TRIGGER archived_polling_place_plan_no_insert BEFORE INSERT ON polling_place_plan
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_polling_place_plan_no_update BEFORE UPDATE ON polling_place_plan
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_polling_place_plan_no_delete BEFORE DELETE ON polling_place_plan
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;
