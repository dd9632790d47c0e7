-- Full-text search over public content. search_docs holds one row per public
-- item, kept up to date by triggers on the content tables, so a change, a
-- hidden idea or an adopted vision is reflected in the same transaction.
-- search_fts indexes it with FTS5; unicode61 with remove_diacritics 2 folds
-- case and å/ä/ö, and queries use stemmed prefixes.
CREATE TABLE search_docs (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	ref_id      INTEGER NOT NULL,
	parent_id   INTEGER NOT NULL DEFAULT 0,
	locality_id INTEGER NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL,
	UNIQUE (kind, ref_id)
);
CREATE INDEX search_docs_parent ON search_docs (kind, parent_id);
CREATE INDEX search_docs_locality ON search_docs (locality_id, kind);

CREATE VIRTUAL TABLE search_fts USING fts5 (title, body, content = 'search_docs', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
	INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
	INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body);
	INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;

-- Localities: name and description.
CREATE TRIGGER search_localities_ai AFTER INSERT ON localities BEGIN
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body) VALUES ('locality', NEW.id, NEW.id, NEW.name, NEW.description);
END;
CREATE TRIGGER search_localities_au AFTER UPDATE OF name, description ON localities BEGIN
	UPDATE search_docs SET title = NEW.name, body = NEW.description WHERE kind = 'locality' AND ref_id = NEW.id;
END;
CREATE TRIGGER search_localities_ad AFTER DELETE ON localities BEGIN
	DELETE FROM search_docs WHERE kind = 'locality' AND ref_id = OLD.id;
END;

-- Visions: only adopted ones; drafts are for staff.
CREATE TRIGGER search_visions_ai AFTER INSERT ON visions WHEN NEW.status = 'faststalld' BEGIN
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body) VALUES ('vision', NEW.locality_id, NEW.locality_id, NEW.title, NEW.body);
END;
CREATE TRIGGER search_visions_au AFTER UPDATE OF title, body, status ON visions BEGIN
	DELETE FROM search_docs WHERE kind = 'vision' AND ref_id = OLD.locality_id;
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
	SELECT 'vision', NEW.locality_id, NEW.locality_id, NEW.title, NEW.body WHERE NEW.status = 'faststalld';
END;
CREATE TRIGGER search_visions_ad AFTER DELETE ON visions BEGIN
	DELETE FROM search_docs WHERE kind = 'vision' AND ref_id = OLD.locality_id;
END;

-- Plan themes and actions (the plan is public also as a draft), and the
-- actions' progress notes, titled with their action.
CREATE TRIGGER search_themes_ai AFTER INSERT ON themes BEGIN
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body) VALUES ('theme', NEW.id, NEW.locality_id, NEW.title, NEW.description);
END;
CREATE TRIGGER search_themes_au AFTER UPDATE OF title, description ON themes BEGIN
	UPDATE search_docs SET title = NEW.title, body = NEW.description WHERE kind = 'theme' AND ref_id = NEW.id;
END;
CREATE TRIGGER search_themes_ad AFTER DELETE ON themes BEGIN
	DELETE FROM search_docs WHERE kind = 'theme' AND ref_id = OLD.id;
END;

CREATE TRIGGER search_actions_ai AFTER INSERT ON actions BEGIN
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body) VALUES ('action', NEW.id, NEW.locality_id, NEW.title, NEW.description);
END;
CREATE TRIGGER search_actions_au AFTER UPDATE OF title, description ON actions BEGIN
	UPDATE search_docs SET title = NEW.title, body = NEW.description WHERE kind = 'action' AND ref_id = NEW.id;
	UPDATE search_docs SET title = NEW.title WHERE kind = 'update' AND parent_id = NEW.id AND title <> NEW.title;
END;
CREATE TRIGGER search_actions_ad AFTER DELETE ON actions BEGIN
	DELETE FROM search_docs WHERE kind = 'action' AND ref_id = OLD.id;
END;

CREATE TRIGGER search_action_updates_ai AFTER INSERT ON action_updates BEGIN
	INSERT INTO search_docs (kind, ref_id, parent_id, locality_id, title, body)
	SELECT 'update', NEW.id, NEW.action_id, NEW.locality_id, a.title, NEW.text FROM actions a WHERE a.id = NEW.action_id;
END;
CREATE TRIGGER search_action_updates_au AFTER UPDATE OF text ON action_updates BEGIN
	UPDATE search_docs SET body = NEW.text WHERE kind = 'update' AND ref_id = NEW.id;
END;
CREATE TRIGGER search_action_updates_ad AFTER DELETE ON action_updates BEGIN
	DELETE FROM search_docs WHERE kind = 'update' AND ref_id = OLD.id;
END;

-- Meetings: agenda, place, a cancellation's reason, and the notes or report
-- once published.
CREATE TRIGGER search_meetings_ai AFTER INSERT ON meetings BEGIN
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body) VALUES ('meeting', NEW.id, NEW.locality_id, NEW.title,
		NEW.agenda || char(10, 10) || CASE WHEN NEW.report_published IS NOT NULL THEN NEW.report ELSE '' END
		|| char(10, 10) || NEW.cancel_reason || char(10, 10) || NEW.place_name);
END;
CREATE TRIGGER search_meetings_au AFTER UPDATE OF title, agenda, report, report_published, cancel_reason, place_name ON meetings BEGIN
	UPDATE search_docs SET title = NEW.title,
		body = NEW.agenda || char(10, 10) || CASE WHEN NEW.report_published IS NOT NULL THEN NEW.report ELSE '' END
		|| char(10, 10) || NEW.cancel_reason || char(10, 10) || NEW.place_name
	WHERE kind = 'meeting' AND ref_id = NEW.id;
END;
CREATE TRIGGER search_meetings_ad AFTER DELETE ON meetings BEGIN
	DELETE FROM search_docs WHERE kind = 'meeting' AND ref_id = OLD.id;
END;

-- Working groups: name, theme and description (never the members).
CREATE TRIGGER search_groups_ai AFTER INSERT ON working_groups BEGIN
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
	VALUES ('group', NEW.id, NEW.locality_id, NEW.name, NEW.theme || char(10, 10) || NEW.description);
END;
CREATE TRIGGER search_groups_au AFTER UPDATE OF name, theme, description ON working_groups BEGIN
	UPDATE search_docs SET title = NEW.name, body = NEW.theme || char(10, 10) || NEW.description WHERE kind = 'group' AND ref_id = NEW.id;
END;
CREATE TRIGGER search_groups_ad AFTER DELETE ON working_groups BEGIN
	DELETE FROM search_docs WHERE kind = 'group' AND ref_id = OLD.id;
END;

-- Ideas with their official answer, and comments, while not hidden by a
-- moderator (a hidden idea hides its comments too). Authors' names are not indexed.
CREATE TRIGGER search_ideas_ai AFTER INSERT ON ideas WHEN NEW.hidden_at IS NULL BEGIN
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
	VALUES ('idea', NEW.id, NEW.locality_id, NEW.title, NEW.body || char(10, 10) || NEW.answer);
END;
CREATE TRIGGER search_ideas_au AFTER UPDATE OF title, body, answer, hidden_at ON ideas BEGIN
	DELETE FROM search_docs WHERE kind = 'idea' AND ref_id = OLD.id;
	INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
	SELECT 'idea', NEW.id, NEW.locality_id, NEW.title, NEW.body || char(10, 10) || NEW.answer WHERE NEW.hidden_at IS NULL;
END;
CREATE TRIGGER search_ideas_comments_au AFTER UPDATE OF title, hidden_at ON ideas
WHEN OLD.title IS NOT NEW.title OR OLD.hidden_at IS NOT NEW.hidden_at BEGIN
	DELETE FROM search_docs WHERE kind = 'comment' AND parent_id = NEW.id;
	INSERT INTO search_docs (kind, ref_id, parent_id, locality_id, title, body)
	SELECT 'comment', c.id, c.idea_id, NEW.locality_id, NEW.title, c.body FROM idea_comments c
	WHERE c.idea_id = NEW.id AND c.hidden_at IS NULL AND NEW.hidden_at IS NULL;
END;
CREATE TRIGGER search_ideas_ad AFTER DELETE ON ideas BEGIN
	DELETE FROM search_docs WHERE kind = 'idea' AND ref_id = OLD.id;
	DELETE FROM search_docs WHERE kind = 'comment' AND parent_id = OLD.id;
END;

CREATE TRIGGER search_comments_ai AFTER INSERT ON idea_comments WHEN NEW.hidden_at IS NULL BEGIN
	INSERT INTO search_docs (kind, ref_id, parent_id, locality_id, title, body)
	SELECT 'comment', NEW.id, NEW.idea_id, i.locality_id, i.title, NEW.body FROM ideas i WHERE i.id = NEW.idea_id AND i.hidden_at IS NULL;
END;
CREATE TRIGGER search_comments_au AFTER UPDATE OF body, hidden_at ON idea_comments BEGIN
	DELETE FROM search_docs WHERE kind = 'comment' AND ref_id = OLD.id;
	INSERT INTO search_docs (kind, ref_id, parent_id, locality_id, title, body)
	SELECT 'comment', NEW.id, NEW.idea_id, i.locality_id, i.title, NEW.body FROM ideas i
	WHERE i.id = NEW.idea_id AND i.hidden_at IS NULL AND NEW.hidden_at IS NULL;
END;
CREATE TRIGGER search_comments_ad AFTER DELETE ON idea_comments BEGIN
	DELETE FROM search_docs WHERE kind = 'comment' AND ref_id = OLD.id;
END;

-- Index what is already there.
INSERT INTO search_docs (kind, ref_id, locality_id, title, body) SELECT 'locality', id, id, name, description FROM localities;
INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
SELECT 'vision', locality_id, locality_id, title, body FROM visions WHERE status = 'faststalld';
INSERT INTO search_docs (kind, ref_id, locality_id, title, body) SELECT 'theme', id, locality_id, title, description FROM themes;
INSERT INTO search_docs (kind, ref_id, locality_id, title, body) SELECT 'action', id, locality_id, title, description FROM actions;
INSERT INTO search_docs (kind, ref_id, parent_id, locality_id, title, body)
SELECT 'update', u.id, u.action_id, u.locality_id, a.title, u.text FROM action_updates u JOIN actions a ON a.id = u.action_id;
INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
SELECT 'meeting', id, locality_id, title, agenda || char(10, 10) || CASE WHEN report_published IS NOT NULL THEN report ELSE '' END
	|| char(10, 10) || cancel_reason || char(10, 10) || place_name FROM meetings;
INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
SELECT 'group', id, locality_id, name, theme || char(10, 10) || description FROM working_groups;
INSERT INTO search_docs (kind, ref_id, locality_id, title, body)
SELECT 'idea', id, locality_id, title, body || char(10, 10) || answer FROM ideas WHERE hidden_at IS NULL;
INSERT INTO search_docs (kind, ref_id, parent_id, locality_id, title, body)
SELECT 'comment', c.id, c.idea_id, i.locality_id, i.title, c.body FROM idea_comments c JOIN ideas i ON i.id = c.idea_id
WHERE c.hidden_at IS NULL AND i.hidden_at IS NULL;
