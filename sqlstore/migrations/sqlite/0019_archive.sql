-- Archiving: focus areas, actions, meetings and meeting files are never
-- deleted; an archived row stays, with when, by whom and why, and is left
-- out of everything public. The history records it with the reason.
ALTER TABLE themes ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE themes ADD COLUMN archived_by INTEGER REFERENCES users (id);
ALTER TABLE themes ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE actions ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE actions ADD COLUMN archived_by INTEGER REFERENCES users (id);
ALTER TABLE actions ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE meetings ADD COLUMN archived_by INTEGER REFERENCES users (id);
ALTER TABLE meetings ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE meeting_files ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE meeting_files ADD COLUMN archived_by INTEGER REFERENCES users (id);
ALTER TABLE meeting_files ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';

-- Archiving takes the row out of search in the same transaction.
CREATE TRIGGER search_themes_archive AFTER UPDATE OF archived_at ON themes WHEN NEW.archived_at IS NOT NULL BEGIN
	DELETE FROM search_docs WHERE kind = 'theme' AND ref_id = NEW.id;
END;
CREATE TRIGGER search_actions_archive AFTER UPDATE OF archived_at ON actions WHEN NEW.archived_at IS NOT NULL BEGIN
	DELETE FROM search_docs WHERE (kind = 'action' AND ref_id = NEW.id) OR (kind = 'update' AND parent_id = NEW.id);
END;
CREATE TRIGGER search_meetings_archive AFTER UPDATE OF archived_at ON meetings WHEN NEW.archived_at IS NOT NULL BEGIN
	DELETE FROM search_docs WHERE kind = 'meeting' AND ref_id = NEW.id;
END;
