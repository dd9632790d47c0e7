-- Change counters: one per locality (scope = its id) and one for the whole
-- site (scope 0), bumped by triggers in the same transaction as every change
-- to what a cached value shows (localities, phases, visions, plans, themes,
-- actions, revisions, sign-ups, meetings, registrations, and the answer and
-- hiding of ideas). A cached value is kept under the counters it depends on,
-- so it is never served after a committed change, on any number of servers.
-- The site counter is bumped first, so concurrent writers queue on one row
-- and cannot deadlock on the counters. They replace effect_marks.
--
-- Moderators can also show hidden ideas and comments again, with a reason.

CREATE TABLE change_counters (
	scope   INTEGER PRIMARY KEY,
	version INTEGER NOT NULL
);
INSERT INTO change_counters (scope, version) VALUES (0, 1);
INSERT INTO change_counters (scope, version) SELECT id, 1 FROM localities;

DROP TRIGGER signups_mark_insert;
DROP TRIGGER signups_mark_update;
DROP TRIGGER signups_mark_delete;
DROP TRIGGER ideas_mark_insert;
DROP TRIGGER ideas_mark_update;
DROP TRIGGER ideas_mark_delete;
DROP TRIGGER meetings_mark_insert;
DROP TRIGGER meetings_mark_update;
DROP TRIGGER meetings_mark_delete;
DROP TRIGGER registrations_mark_insert;
DROP TRIGGER registrations_mark_update;
DROP TRIGGER registrations_mark_delete;
DROP TRIGGER actions_mark_insert;
DROP TRIGGER actions_mark_update;
DROP TRIGGER actions_mark_delete;
DROP TABLE effect_marks;

CREATE TRIGGER localities_count_insert AFTER INSERT ON localities BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.id, 1 WHERE NEW.id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER localities_count_update AFTER UPDATE ON localities BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.id, 1 WHERE NEW.id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.id, 1 WHERE OLD.id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER localities_count_delete AFTER DELETE ON localities BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.id, 1 WHERE OLD.id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER phase_changes_count_insert AFTER INSERT ON phase_changes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER phase_changes_count_update AFTER UPDATE ON phase_changes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER phase_changes_count_delete AFTER DELETE ON phase_changes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER visions_count_insert AFTER INSERT ON visions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER visions_count_update AFTER UPDATE ON visions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER visions_count_delete AFTER DELETE ON visions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER plans_count_insert AFTER INSERT ON plans BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER plans_count_update AFTER UPDATE ON plans BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER plans_count_delete AFTER DELETE ON plans BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER themes_count_insert AFTER INSERT ON themes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER themes_count_update AFTER UPDATE ON themes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER themes_count_delete AFTER DELETE ON themes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER actions_count_insert AFTER INSERT ON actions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER actions_count_update AFTER UPDATE ON actions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER actions_count_delete AFTER DELETE ON actions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER revisions_count_insert AFTER INSERT ON revisions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER signups_count_insert AFTER INSERT ON signups BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER signups_count_update AFTER UPDATE ON signups BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER signups_count_delete AFTER DELETE ON signups BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER ideas_count_insert AFTER INSERT ON ideas BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER ideas_count_update AFTER UPDATE OF status, answered_at, hidden_at, locality_id, created_at ON ideas WHEN NEW.status IS NOT OLD.status OR NEW.answered_at IS NOT OLD.answered_at OR NEW.hidden_at IS NOT OLD.hidden_at OR NEW.locality_id IS NOT OLD.locality_id OR NEW.created_at IS NOT OLD.created_at BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER ideas_count_delete AFTER DELETE ON ideas BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_count_insert AFTER INSERT ON meetings BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_count_update AFTER UPDATE ON meetings BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_count_delete AFTER DELETE ON meetings BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = NEW.meeting_id), 1 WHERE (SELECT m.locality_id FROM meetings m WHERE m.id = NEW.meeting_id) IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER registrations_count_update AFTER UPDATE ON registrations BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = NEW.meeting_id), 1 WHERE (SELECT m.locality_id FROM meetings m WHERE m.id = NEW.meeting_id) IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = OLD.meeting_id), 1 WHERE (SELECT m.locality_id FROM meetings m WHERE m.id = OLD.meeting_id) IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = OLD.meeting_id), 1 WHERE (SELECT m.locality_id FROM meetings m WHERE m.id = OLD.meeting_id) IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

ALTER TABLE ideas ADD COLUMN restored_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE ideas ADD COLUMN restored_at TIMESTAMP;
ALTER TABLE idea_comments ADD COLUMN restored_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE idea_comments ADD COLUMN restored_at TIMESTAMP;
