-- Archived elections are frozen: triggers reject every change to an archived election's
-- row, configuration copy, figures and audit records. The change of state to 'archived'
-- is the last write an election receives. Also: bureau mappings between elections and the
-- saved comparisons of the analysis pages.

CREATE TRIGGER archived_election_no_update BEFORE UPDATE ON election
WHEN OLD.state = 'archived'
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_no_delete BEFORE DELETE ON election
WHEN OLD.state = 'archived'
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_station_no_insert BEFORE INSERT ON election_station
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_station_no_update BEFORE UPDATE ON election_station
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_station_no_delete BEFORE DELETE ON election_station
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_candidate_no_insert BEFORE INSERT ON election_candidate
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_candidate_no_update BEFORE UPDATE ON election_candidate
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_candidate_no_delete BEFORE DELETE ON election_candidate
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_station_result_no_insert BEFORE INSERT ON station_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_station_result_no_update BEFORE UPDATE ON station_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_station_result_no_delete BEFORE DELETE ON station_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_hundred_result_no_insert BEFORE INSERT ON hundred_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_hundred_result_no_update BEFORE UPDATE ON hundred_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_hundred_result_no_delete BEFORE DELETE ON hundred_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_station_votes_no_insert BEFORE INSERT ON station_votes
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_station_votes_no_update BEFORE UPDATE ON station_votes
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_station_votes_no_delete BEFORE DELETE ON station_votes
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_turnout_no_insert BEFORE INSERT ON turnout
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_turnout_no_update BEFORE UPDATE ON turnout
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_turnout_no_delete BEFORE DELETE ON turnout
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_audit_no_insert BEFORE INSERT ON audit
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_audit_no_update BEFORE UPDATE ON audit
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_audit_no_delete BEFORE DELETE ON audit
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_option_no_insert BEFORE INSERT ON election_option
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_option_no_update BEFORE UPDATE ON election_option
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_election_option_no_delete BEFORE DELETE ON election_option
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_pending_entry_no_insert BEFORE INSERT ON pending_entry
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_pending_entry_no_update BEFORE UPDATE ON pending_entry
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_pending_entry_no_delete BEFORE DELETE ON pending_entry
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_display_configuration_no_insert BEFORE INSERT ON display_configuration
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_display_configuration_no_update BEFORE UPDATE ON display_configuration
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_display_configuration_no_delete BEFORE DELETE ON display_configuration
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_candidate_photo_no_insert BEFORE INSERT ON candidate_photo
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_candidate_photo_no_update BEFORE UPDATE ON candidate_photo
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_candidate_photo_no_delete BEFORE DELETE ON candidate_photo
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_embargo_no_insert BEFORE INSERT ON embargo
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_embargo_no_update BEFORE UPDATE ON embargo
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_embargo_no_delete BEFORE DELETE ON embargo
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_list_member_no_insert BEFORE INSERT ON list_member
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_list_member_no_update BEFORE UPDATE ON list_member
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_list_member_no_delete BEFORE DELETE ON list_member
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_seat_configuration_no_insert BEFORE INSERT ON seat_configuration
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_seat_configuration_no_update BEFORE UPDATE ON seat_configuration
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_seat_configuration_no_delete BEFORE DELETE ON seat_configuration
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

-- Bureaux of an earlier election mapped to those of a later one. A bureau split in two
-- has two rows with the same earlier_station, two merged bureaux two rows with the same
-- later_station; comparisons sum each connected group on both sides.
CREATE TABLE station_mapping (
    earlier_election_id INTEGER NOT NULL,
    earlier_station TEXT NOT NULL,
    later_election_id INTEGER NOT NULL,
    later_station TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (earlier_election_id, later_election_id, earlier_station, later_station),
    FOREIGN KEY (earlier_election_id, earlier_station)
        REFERENCES election_station (election_id, code) ON DELETE CASCADE,
    FOREIGN KEY (later_election_id, later_station)
        REFERENCES election_station (election_id, code) ON DELETE CASCADE
) STRICT;

CREATE INDEX station_mapping_by_later ON station_mapping (later_election_id, earlier_election_id);

-- Comparisons the elections office saved to reopen later.
CREATE TABLE saved_query (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- Analysis page: turnout, stations, votes or trend.
    view TEXT NOT NULL,
    -- Query string of the page, without the leading '?'.
    parameters TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
