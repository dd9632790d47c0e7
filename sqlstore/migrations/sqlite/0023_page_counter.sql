-- The page counter: change_counters' scope -1, bumped in the same
-- transaction as every change to a table that a public page shows. The web
-- server keeps rendered anonymous pages under it (web/pagecache.go), so one
-- indexed read tells whether a kept page is still what the data says. The
-- tables left out hold nothing a public page shows: sessions, tokens, the
-- outbox, the audit log, jobs, staff messages and reports, notifications and
-- the search index (whose rows change with the rows above). TestPageCounter
-- fails when a new table is in neither list.

INSERT INTO change_counters (scope, version) VALUES (-1, 1);
CREATE TRIGGER action_organisations_a_page_insert AFTER INSERT ON action_organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER action_organisations_a_page_update AFTER UPDATE ON action_organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER action_organisations_a_page_delete AFTER DELETE ON action_organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER action_updates_a_page_insert AFTER INSERT ON action_updates BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER action_updates_a_page_update AFTER UPDATE ON action_updates BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER action_updates_a_page_delete AFTER DELETE ON action_updates BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER actions_a_page_insert AFTER INSERT ON actions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER actions_a_page_update AFTER UPDATE ON actions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER actions_a_page_delete AFTER DELETE ON actions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER follows_a_page_insert AFTER INSERT ON follows BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER follows_a_page_update AFTER UPDATE ON follows BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER follows_a_page_delete AFTER DELETE ON follows BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER group_members_a_page_insert AFTER INSERT ON group_members BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER group_members_a_page_update AFTER UPDATE ON group_members BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER group_members_a_page_delete AFTER DELETE ON group_members BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER group_organisations_a_page_insert AFTER INSERT ON group_organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER group_organisations_a_page_update AFTER UPDATE ON group_organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER group_organisations_a_page_delete AFTER DELETE ON group_organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER idea_comments_a_page_insert AFTER INSERT ON idea_comments BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER idea_comments_a_page_update AFTER UPDATE ON idea_comments BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER idea_comments_a_page_delete AFTER DELETE ON idea_comments BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER idea_supports_a_page_insert AFTER INSERT ON idea_supports BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER idea_supports_a_page_update AFTER UPDATE ON idea_supports BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER idea_supports_a_page_delete AFTER DELETE ON idea_supports BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER ideas_a_page_insert AFTER INSERT ON ideas BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER ideas_a_page_update AFTER UPDATE ON ideas BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER ideas_a_page_delete AFTER DELETE ON ideas BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER localities_a_page_insert AFTER INSERT ON localities BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER localities_a_page_update AFTER UPDATE ON localities BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER localities_a_page_delete AFTER DELETE ON localities BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_contacts_a_page_insert AFTER INSERT ON locality_contacts BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_contacts_a_page_update AFTER UPDATE ON locality_contacts BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_contacts_a_page_delete AFTER DELETE ON locality_contacts BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER meeting_files_a_page_insert AFTER INSERT ON meeting_files BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER meeting_files_a_page_update AFTER UPDATE ON meeting_files BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER meeting_files_a_page_delete AFTER DELETE ON meeting_files BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER meetings_a_page_insert AFTER INSERT ON meetings BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER meetings_a_page_update AFTER UPDATE ON meetings BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER meetings_a_page_delete AFTER DELETE ON meetings BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER organisations_a_page_insert AFTER INSERT ON organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER organisations_a_page_update AFTER UPDATE ON organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER organisations_a_page_delete AFTER DELETE ON organisations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER phase_changes_a_page_insert AFTER INSERT ON phase_changes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER phase_changes_a_page_update AFTER UPDATE ON phase_changes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER phase_changes_a_page_delete AFTER DELETE ON phase_changes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER plans_a_page_insert AFTER INSERT ON plans BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER plans_a_page_update AFTER UPDATE ON plans BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER plans_a_page_delete AFTER DELETE ON plans BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER registrations_a_page_insert AFTER INSERT ON registrations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER registrations_a_page_update AFTER UPDATE ON registrations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER registrations_a_page_delete AFTER DELETE ON registrations BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER residents_a_page_insert AFTER INSERT ON residents BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER residents_a_page_update AFTER UPDATE ON residents BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER residents_a_page_delete AFTER DELETE ON residents BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER revisions_a_page_insert AFTER INSERT ON revisions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER revisions_a_page_update AFTER UPDATE ON revisions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER revisions_a_page_delete AFTER DELETE ON revisions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER signups_a_page_insert AFTER INSERT ON signups BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER signups_a_page_update AFTER UPDATE ON signups BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER signups_a_page_delete AFTER DELETE ON signups BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER survey_answers_a_page_insert AFTER INSERT ON survey_answers BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER survey_answers_a_page_update AFTER UPDATE ON survey_answers BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER survey_answers_a_page_delete AFTER DELETE ON survey_answers BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER survey_responses_a_page_insert AFTER INSERT ON survey_responses BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER survey_responses_a_page_update AFTER UPDATE ON survey_responses BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER survey_responses_a_page_delete AFTER DELETE ON survey_responses BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER surveys_a_page_insert AFTER INSERT ON surveys BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER surveys_a_page_update AFTER UPDATE ON surveys BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER surveys_a_page_delete AFTER DELETE ON surveys BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER themes_a_page_insert AFTER INSERT ON themes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER themes_a_page_update AFTER UPDATE ON themes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER themes_a_page_delete AFTER DELETE ON themes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER user_localities_a_page_insert AFTER INSERT ON user_localities BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER user_localities_a_page_update AFTER UPDATE ON user_localities BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER user_localities_a_page_delete AFTER DELETE ON user_localities BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER users_a_page_insert AFTER INSERT ON users BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER users_a_page_update AFTER UPDATE ON users BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER users_a_page_delete AFTER DELETE ON users BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER visions_a_page_insert AFTER INSERT ON visions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER visions_a_page_update AFTER UPDATE ON visions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER visions_a_page_delete AFTER DELETE ON visions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER working_groups_a_page_insert AFTER INSERT ON working_groups BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER working_groups_a_page_update AFTER UPDATE ON working_groups BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER working_groups_a_page_delete AFTER DELETE ON working_groups BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
