-- A registration for a meeting holds no place until the registrant confirms
-- it through the e-mailed link, by confirm_by; until then it is not counted
-- anywhere, and once past confirm_by it has expired. Registrations made
-- before this migration held their places at once: they count as confirmed
-- when they were made.
--
-- Tokens move to registration_tokens, each stored as a hash: a registration
-- may have several (the first, and a fresh one each time the same address
-- registers again and is e-mailed its cancel link), and every one of them
-- confirms and cancels it.
--
-- SQLite cannot drop a UNIQUE column, so the table is built anew without
-- token_hash; its index and change-counter triggers (0011) are made again.

CREATE TABLE registrations_new (
	id           INTEGER PRIMARY KEY,
	meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
	name         TEXT NOT NULL,
	email        TEXT NOT NULL,
	people       INTEGER NOT NULL,
	needs        TEXT NOT NULL DEFAULT '',
	lang         TEXT NOT NULL DEFAULT 'sv',
	waitlisted   BOOLEAN NOT NULL DEFAULT 0,
	confirmed_at TIMESTAMP,
	confirm_by   TIMESTAMP NOT NULL,
	cancelled_at TIMESTAMP,
	created_at   TIMESTAMP NOT NULL
);
INSERT INTO registrations_new (id, meeting_id, name, email, people, needs, lang, waitlisted, confirmed_at, confirm_by, cancelled_at, created_at)
SELECT id, meeting_id, name, email, people, needs, lang, waitlisted, created_at, created_at, cancelled_at, created_at FROM registrations;
CREATE TABLE registration_tokens_old AS SELECT token_hash, id AS registration_id, created_at FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_new RENAME TO registrations;
CREATE INDEX registrations_meeting ON registrations (meeting_id, created_at);
CREATE INDEX registrations_unconfirmed ON registrations (confirm_by) WHERE confirmed_at IS NULL;

CREATE TABLE registration_tokens (
	token_hash      TEXT PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
	created_at      TIMESTAMP NOT NULL
);
CREATE INDEX registration_tokens_registration ON registration_tokens (registration_id, created_at);
INSERT INTO registration_tokens (token_hash, registration_id, created_at)
SELECT token_hash, registration_id, created_at FROM registration_tokens_old;
DROP TABLE registration_tokens_old;

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
