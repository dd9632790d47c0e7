-- The effects dashboard: when actions were finished, indexes for its figures,
-- and a per-locality change marker that triggers bump in the same transaction
-- as every change to the records the figures come from, so cached figures are
-- never served after a change.
ALTER TABLE actions ADD COLUMN done_at TIMESTAMP;
UPDATE actions SET done_at = updated_at WHERE status = 'genomford';

CREATE TRIGGER actions_done_insert AFTER INSERT ON actions WHEN NEW.status = 'genomford'
BEGIN UPDATE actions SET done_at = NEW.updated_at WHERE id = NEW.id; END;
CREATE TRIGGER actions_done_update AFTER UPDATE OF status ON actions WHEN NEW.status <> OLD.status
BEGIN UPDATE actions SET done_at = CASE WHEN NEW.status = 'genomford' THEN NEW.updated_at END WHERE id = NEW.id; END;

CREATE INDEX ideas_created ON ideas (created_at);
CREATE INDEX ideas_answered ON ideas (locality_id, answered_at);
CREATE INDEX signups_created ON signups (locality_id, created_at);
CREATE INDEX actions_done ON actions (locality_id, done_at);

CREATE TABLE effect_marks (
	locality_id INTEGER PRIMARY KEY,
	version     INTEGER NOT NULL
);

CREATE TRIGGER signups_mark_insert AFTER INSERT ON signups BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER signups_mark_update AFTER UPDATE OF status, group_id, age_group, locality_id, created_at ON signups BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER signups_mark_delete AFTER DELETE ON signups BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER ideas_mark_insert AFTER INSERT ON ideas BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER ideas_mark_update AFTER UPDATE OF status, answered_at, hidden_at, locality_id, created_at ON ideas BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER ideas_mark_delete AFTER DELETE ON ideas BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER meetings_mark_insert AFTER INSERT ON meetings BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_mark_update AFTER UPDATE OF state, participants, starts_at, locality_id ON meetings BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_mark_delete AFTER DELETE ON meetings BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER registrations_mark_insert AFTER INSERT ON registrations BEGIN
	INSERT INTO effect_marks (locality_id, version) SELECT locality_id, 1 FROM meetings WHERE id = NEW.meeting_id
	ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER registrations_mark_update AFTER UPDATE OF cancelled_at, waitlisted, people, meeting_id ON registrations BEGIN
	INSERT INTO effect_marks (locality_id, version) SELECT locality_id, 1 FROM meetings WHERE id IN (NEW.meeting_id, OLD.meeting_id)
	ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER registrations_mark_delete AFTER DELETE ON registrations BEGIN
	INSERT INTO effect_marks (locality_id, version) SELECT locality_id, 1 FROM meetings WHERE id = OLD.meeting_id
	ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER actions_mark_insert AFTER INSERT ON actions BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER actions_mark_update AFTER UPDATE OF status, progress, weight, parent_id, locality_id, created_at, done_at ON actions BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (NEW.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER actions_mark_delete AFTER DELETE ON actions BEGIN
	INSERT INTO effect_marks (locality_id, version) VALUES (OLD.locality_id, 1) ON CONFLICT (locality_id) DO UPDATE SET version = version + 1;
END;
