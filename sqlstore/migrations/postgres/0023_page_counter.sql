-- The page counter: change_counters' scope -1, bumped in the same
-- transaction as every change to a table that a public page shows. The web
-- server keeps rendered anonymous pages under it (web/pagecache.go), so one
-- indexed read tells whether a kept page is still what the data says. The
-- tables left out hold nothing a public page shows: sessions, tokens, the
-- outbox, the audit log, jobs, staff messages and reports, notifications and
-- the search index (whose rows change with the rows above). TestPageCounter
-- fails when a new table is in neither list.
--
-- On PostgreSQL the triggers are per statement, bump only when the statement
-- changed a row, and are named to fire before the tables' other counter
-- triggers (which fire in name order), so every writer takes the page
-- counter's row lock first and writers cannot deadlock on the counters.

INSERT INTO change_counters (scope, version) VALUES (-1, 1);

CREATE FUNCTION page_bump_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM new_rows) THEN
		UPDATE change_counters SET version = version + 1 WHERE scope = -1;
	END IF;
	RETURN NULL;
END $$;
CREATE FUNCTION page_bump_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM old_rows) THEN
		UPDATE change_counters SET version = version + 1 WHERE scope = -1;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER action_organisations_a_page_insert AFTER INSERT ON action_organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER action_organisations_a_page_update AFTER UPDATE ON action_organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER action_organisations_a_page_delete AFTER DELETE ON action_organisations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER action_updates_a_page_insert AFTER INSERT ON action_updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER action_updates_a_page_update AFTER UPDATE ON action_updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER action_updates_a_page_delete AFTER DELETE ON action_updates REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER actions_a_page_insert AFTER INSERT ON actions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER actions_a_page_update AFTER UPDATE ON actions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER actions_a_page_delete AFTER DELETE ON actions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER follows_a_page_insert AFTER INSERT ON follows REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER follows_a_page_update AFTER UPDATE ON follows REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER follows_a_page_delete AFTER DELETE ON follows REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER group_members_a_page_insert AFTER INSERT ON group_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER group_members_a_page_update AFTER UPDATE ON group_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER group_members_a_page_delete AFTER DELETE ON group_members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER group_organisations_a_page_insert AFTER INSERT ON group_organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER group_organisations_a_page_update AFTER UPDATE ON group_organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER group_organisations_a_page_delete AFTER DELETE ON group_organisations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER idea_comments_a_page_insert AFTER INSERT ON idea_comments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER idea_comments_a_page_update AFTER UPDATE ON idea_comments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER idea_comments_a_page_delete AFTER DELETE ON idea_comments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER idea_supports_a_page_insert AFTER INSERT ON idea_supports REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER idea_supports_a_page_update AFTER UPDATE ON idea_supports REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER idea_supports_a_page_delete AFTER DELETE ON idea_supports REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER ideas_a_page_insert AFTER INSERT ON ideas REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER ideas_a_page_update AFTER UPDATE ON ideas REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER ideas_a_page_delete AFTER DELETE ON ideas REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER localities_a_page_insert AFTER INSERT ON localities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER localities_a_page_update AFTER UPDATE ON localities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER localities_a_page_delete AFTER DELETE ON localities REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER locality_contacts_a_page_insert AFTER INSERT ON locality_contacts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER locality_contacts_a_page_update AFTER UPDATE ON locality_contacts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER locality_contacts_a_page_delete AFTER DELETE ON locality_contacts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER meeting_files_a_page_insert AFTER INSERT ON meeting_files REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER meeting_files_a_page_update AFTER UPDATE ON meeting_files REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER meeting_files_a_page_delete AFTER DELETE ON meeting_files REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER meetings_a_page_insert AFTER INSERT ON meetings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER meetings_a_page_update AFTER UPDATE ON meetings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER meetings_a_page_delete AFTER DELETE ON meetings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER organisations_a_page_insert AFTER INSERT ON organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER organisations_a_page_update AFTER UPDATE ON organisations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER organisations_a_page_delete AFTER DELETE ON organisations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER phase_changes_a_page_insert AFTER INSERT ON phase_changes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER phase_changes_a_page_update AFTER UPDATE ON phase_changes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER phase_changes_a_page_delete AFTER DELETE ON phase_changes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER plans_a_page_insert AFTER INSERT ON plans REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER plans_a_page_update AFTER UPDATE ON plans REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER plans_a_page_delete AFTER DELETE ON plans REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER registrations_a_page_insert AFTER INSERT ON registrations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER registrations_a_page_update AFTER UPDATE ON registrations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER registrations_a_page_delete AFTER DELETE ON registrations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER residents_a_page_insert AFTER INSERT ON residents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER residents_a_page_update AFTER UPDATE ON residents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER residents_a_page_delete AFTER DELETE ON residents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER revisions_a_page_insert AFTER INSERT ON revisions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER revisions_a_page_update AFTER UPDATE ON revisions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER revisions_a_page_delete AFTER DELETE ON revisions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER signups_a_page_insert AFTER INSERT ON signups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER signups_a_page_update AFTER UPDATE ON signups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER signups_a_page_delete AFTER DELETE ON signups REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER survey_answers_a_page_insert AFTER INSERT ON survey_answers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER survey_answers_a_page_update AFTER UPDATE ON survey_answers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER survey_answers_a_page_delete AFTER DELETE ON survey_answers REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER survey_responses_a_page_insert AFTER INSERT ON survey_responses REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER survey_responses_a_page_update AFTER UPDATE ON survey_responses REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER survey_responses_a_page_delete AFTER DELETE ON survey_responses REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER surveys_a_page_insert AFTER INSERT ON surveys REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER surveys_a_page_update AFTER UPDATE ON surveys REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER surveys_a_page_delete AFTER DELETE ON surveys REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER themes_a_page_insert AFTER INSERT ON themes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER themes_a_page_update AFTER UPDATE ON themes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER themes_a_page_delete AFTER DELETE ON themes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER user_localities_a_page_insert AFTER INSERT ON user_localities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER user_localities_a_page_update AFTER UPDATE ON user_localities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER user_localities_a_page_delete AFTER DELETE ON user_localities REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER users_a_page_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER users_a_page_update AFTER UPDATE ON users REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER users_a_page_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER visions_a_page_insert AFTER INSERT ON visions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER visions_a_page_update AFTER UPDATE ON visions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER visions_a_page_delete AFTER DELETE ON visions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
CREATE TRIGGER working_groups_a_page_insert AFTER INSERT ON working_groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER working_groups_a_page_update AFTER UPDATE ON working_groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_new();
CREATE TRIGGER working_groups_a_page_delete AFTER DELETE ON working_groups REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION page_bump_old();
