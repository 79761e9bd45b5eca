-- An archived election's other communes, their list and their totals are frozen like its
-- own stations.

CREATE TRIGGER archived_other_commune_area_no_insert BEFORE INSERT ON other_commune_area
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_area_no_update BEFORE UPDATE ON other_commune_area
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_area_no_delete BEFORE DELETE ON other_commune_area
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_no_insert BEFORE INSERT ON other_commune
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_no_update BEFORE UPDATE ON other_commune
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_no_delete BEFORE DELETE ON other_commune
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_result_no_insert BEFORE INSERT ON other_commune_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_result_no_update BEFORE UPDATE ON other_commune_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_result_no_delete BEFORE DELETE ON other_commune_result
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_votes_no_insert BEFORE INSERT ON other_commune_votes
WHEN EXISTS (SELECT 1 FROM election WHERE id = NEW.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_votes_no_update BEFORE UPDATE ON other_commune_votes
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;

CREATE TRIGGER archived_other_commune_votes_no_delete BEFORE DELETE ON other_commune_votes
WHEN EXISTS (SELECT 1 FROM election WHERE id = OLD.election_id AND state = 'archived')
BEGIN
    SELECT RAISE(ABORT, 'élection archivée : ses résultats, sa configuration et son journal sont figés, aucune modification n''est possible');
END;
