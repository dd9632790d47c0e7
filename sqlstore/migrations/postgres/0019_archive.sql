-- Archiving: focus areas, actions, meetings and meeting files are never
-- deleted; an archived row stays, with when, by whom and why, and is left
-- out of everything public. The history records it with the reason.
ALTER TABLE themes ADD COLUMN archived_at TIMESTAMPTZ, ADD COLUMN archived_by BIGINT REFERENCES users (id),
	ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN archived_at TIMESTAMPTZ, ADD COLUMN archived_by BIGINT REFERENCES users (id),
	ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN archived_at TIMESTAMPTZ, ADD COLUMN archived_by BIGINT REFERENCES users (id),
	ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE meeting_files ADD COLUMN archived_at TIMESTAMPTZ, ADD COLUMN archived_by BIGINT REFERENCES users (id),
	ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';

-- Archiving takes the row out of search in the same transaction.
CREATE FUNCTION search_archive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.archived_at IS NOT NULL THEN
		DELETE FROM search_docs WHERE kind = TG_ARGV[0] AND ref_id = NEW.id;
		IF TG_ARGV[0] = 'action' THEN DELETE FROM search_docs WHERE kind = 'update' AND parent_id = NEW.id; END IF;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER search_themes_archive AFTER UPDATE OF archived_at ON themes FOR EACH ROW EXECUTE FUNCTION search_archive('theme');
CREATE TRIGGER search_actions_archive AFTER UPDATE OF archived_at ON actions FOR EACH ROW EXECUTE FUNCTION search_archive('action');
CREATE TRIGGER search_meetings_archive AFTER UPDATE OF archived_at ON meetings FOR EACH ROW EXECUTE FUNCTION search_archive('meeting');
