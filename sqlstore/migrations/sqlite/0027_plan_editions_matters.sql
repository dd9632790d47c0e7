-- The yearly revision of a locality's plan (plan_editions, "revidering"):
-- the plan and vision frozen as they stood, as JSON, with the decision that
-- approved them; written once and never changed. Matters passed on
-- (matters, "ärenden") to whoever decides them, with their answers; public
-- once staff published them. Actions get a funding field.

ALTER TABLE actions ADD COLUMN funding TEXT NOT NULL DEFAULT '';

CREATE TABLE plan_editions (
	id            INTEGER PRIMARY KEY,
	locality_id   INTEGER NOT NULL REFERENCES localities (id),
	year          INTEGER NOT NULL,
	decided_on    DATE NOT NULL,
	decided_by    TEXT NOT NULL,
	decision_ref  TEXT NOT NULL DEFAULT '',
	note          TEXT NOT NULL DEFAULT '',
	snapshot      TEXT NOT NULL,
	actions_total INTEGER NOT NULL,
	actions_done  INTEGER NOT NULL,
	progress      REAL NOT NULL,
	actor_id      INTEGER REFERENCES users (id),
	created_at    TIMESTAMP NOT NULL,
	UNIQUE (locality_id, year)
);
CREATE INDEX plan_editions_year ON plan_editions (year, id);
CREATE INDEX plan_editions_locality_id ON plan_editions (locality_id, id);

CREATE TRIGGER plan_editions_no_update BEFORE UPDATE ON plan_editions
BEGIN SELECT RAISE(ABORT, 'plan editions are immutable'); END;
CREATE TRIGGER plan_editions_no_delete BEFORE DELETE ON plan_editions
BEGIN SELECT RAISE(ABORT, 'plan editions are immutable'); END;

CREATE TRIGGER plan_editions_count_insert AFTER INSERT ON plan_editions BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER plan_editions_a_page_insert AFTER INSERT ON plan_editions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER plan_editions_a_page_update AFTER UPDATE ON plan_editions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER plan_editions_a_page_delete AFTER DELETE ON plan_editions BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;

CREATE TABLE matters (
	id           INTEGER PRIMARY KEY,
	locality_id  INTEGER NOT NULL REFERENCES localities (id),
	group_id     INTEGER REFERENCES working_groups (id),
	action_id    INTEGER REFERENCES actions (id),
	title        TEXT NOT NULL,
	body         TEXT NOT NULL DEFAULT '',
	recipient    TEXT NOT NULL,
	sent_on      DATE NOT NULL,
	answer       TEXT NOT NULL DEFAULT '',
	answered_on  DATE,
	status       TEXT NOT NULL,
	reference    TEXT NOT NULL DEFAULT '',
	published_at TIMESTAMP,
	version      INTEGER NOT NULL,
	actor_id     INTEGER REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX matters_sent ON matters (sent_on, id);
CREATE INDEX matters_locality ON matters (locality_id, sent_on, id);
CREATE INDEX matters_status ON matters (status, sent_on);
CREATE INDEX matters_locality_id ON matters (locality_id, id);

CREATE TRIGGER matters_a_page_insert AFTER INSERT ON matters BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER matters_a_page_update AFTER UPDATE ON matters BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER matters_a_page_delete AFTER DELETE ON matters BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
