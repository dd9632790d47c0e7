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
	scope   BIGINT PRIMARY KEY,
	version BIGINT NOT NULL
);
INSERT INTO change_counters (scope, version) VALUES (0, 1);
INSERT INTO change_counters (scope, version) SELECT id, 1 FROM localities;

DROP TRIGGER signups_mark ON signups;
DROP TRIGGER ideas_mark ON ideas;
DROP TRIGGER meetings_mark ON meetings;
DROP TRIGGER registrations_mark ON registrations;
DROP TRIGGER actions_mark ON actions;
DROP FUNCTION effect_mark_row();
DROP FUNCTION effect_mark_registration();
DROP FUNCTION effect_mark(BIGINT);
DROP TABLE effect_marks;

-- bump_counters bumps the site counter, then each named locality's once, in
-- id order. The triggers run once per statement with the changed rows, so a
-- bulk load bumps a counter once per statement rather than once per row.
CREATE FUNCTION bump_counters(locs BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF coalesce(cardinality(locs), 0) = 0 THEN
		RETURN;
	END IF;
	INSERT INTO change_counters (scope, version) VALUES (0, 1)
	ON CONFLICT (scope) DO UPDATE SET version = change_counters.version + 1;
	INSERT INTO change_counters (scope, version)
	SELECT DISTINCT l, 1 FROM unnest(locs) AS l WHERE l IS NOT NULL ORDER BY 1
	ON CONFLICT (scope) DO UPDATE SET version = change_counters.version + 1;
END $$;

CREATE FUNCTION localities_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER localities_count_insert AFTER INSERT ON localities REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION localities_count_insert();
CREATE FUNCTION localities_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.id FROM new_rows n UNION SELECT o.id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER localities_count_update AFTER UPDATE ON localities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION localities_count_update();
CREATE FUNCTION localities_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER localities_count_delete AFTER DELETE ON localities REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION localities_count_delete();
CREATE FUNCTION phase_changes_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER phase_changes_count_insert AFTER INSERT ON phase_changes REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION phase_changes_count_insert();
CREATE FUNCTION phase_changes_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER phase_changes_count_update AFTER UPDATE ON phase_changes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION phase_changes_count_update();
CREATE FUNCTION phase_changes_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER phase_changes_count_delete AFTER DELETE ON phase_changes REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION phase_changes_count_delete();
CREATE FUNCTION visions_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER visions_count_insert AFTER INSERT ON visions REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION visions_count_insert();
CREATE FUNCTION visions_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER visions_count_update AFTER UPDATE ON visions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION visions_count_update();
CREATE FUNCTION visions_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER visions_count_delete AFTER DELETE ON visions REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION visions_count_delete();
CREATE FUNCTION plans_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER plans_count_insert AFTER INSERT ON plans REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION plans_count_insert();
CREATE FUNCTION plans_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER plans_count_update AFTER UPDATE ON plans REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION plans_count_update();
CREATE FUNCTION plans_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER plans_count_delete AFTER DELETE ON plans REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION plans_count_delete();
CREATE FUNCTION themes_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER themes_count_insert AFTER INSERT ON themes REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION themes_count_insert();
CREATE FUNCTION themes_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER themes_count_update AFTER UPDATE ON themes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION themes_count_update();
CREATE FUNCTION themes_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER themes_count_delete AFTER DELETE ON themes REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION themes_count_delete();
CREATE FUNCTION actions_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER actions_count_insert AFTER INSERT ON actions REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION actions_count_insert();
CREATE FUNCTION actions_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER actions_count_update AFTER UPDATE ON actions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION actions_count_update();
CREATE FUNCTION actions_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER actions_count_delete AFTER DELETE ON actions REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION actions_count_delete();
CREATE FUNCTION revisions_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER revisions_count_insert AFTER INSERT ON revisions REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION revisions_count_insert();
CREATE FUNCTION signups_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER signups_count_insert AFTER INSERT ON signups REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION signups_count_insert();
CREATE FUNCTION signups_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER signups_count_update AFTER UPDATE ON signups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION signups_count_update();
CREATE FUNCTION signups_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER signups_count_delete AFTER DELETE ON signups REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION signups_count_delete();
CREATE FUNCTION ideas_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER ideas_count_insert AFTER INSERT ON ideas REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ideas_count_insert();
CREATE FUNCTION ideas_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.status IS DISTINCT FROM o.status OR n.answered_at IS DISTINCT FROM o.answered_at OR n.hidden_at IS DISTINCT FROM o.hidden_at OR n.locality_id IS DISTINCT FROM o.locality_id OR n.created_at IS DISTINCT FROM o.created_at
		UNION SELECT o.locality_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.status IS DISTINCT FROM o.status OR n.answered_at IS DISTINCT FROM o.answered_at OR n.hidden_at IS DISTINCT FROM o.hidden_at OR n.locality_id IS DISTINCT FROM o.locality_id OR n.created_at IS DISTINCT FROM o.created_at));
	RETURN NULL;
END $$;
CREATE TRIGGER ideas_count_update AFTER UPDATE ON ideas REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ideas_count_update();
CREATE FUNCTION ideas_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER ideas_count_delete AFTER DELETE ON ideas REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ideas_count_delete();
CREATE FUNCTION meetings_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER meetings_count_insert AFTER INSERT ON meetings REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION meetings_count_insert();
CREATE FUNCTION meetings_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER meetings_count_update AFTER UPDATE ON meetings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION meetings_count_update();
CREATE FUNCTION meetings_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER meetings_count_delete AFTER DELETE ON meetings REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION meetings_count_delete();
CREATE FUNCTION registrations_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = n.meeting_id) FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION registrations_count_insert();
CREATE FUNCTION registrations_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = n.meeting_id) FROM new_rows n UNION SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = o.meeting_id) FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER registrations_count_update AFTER UPDATE ON registrations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION registrations_count_update();
CREATE FUNCTION registrations_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT (SELECT m.locality_id FROM meetings m WHERE m.id = o.meeting_id) FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION registrations_count_delete();

ALTER TABLE ideas ADD COLUMN restored_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE ideas ADD COLUMN restored_at TIMESTAMPTZ;
ALTER TABLE idea_comments ADD COLUMN restored_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE idea_comments ADD COLUMN restored_at TIMESTAMPTZ;
