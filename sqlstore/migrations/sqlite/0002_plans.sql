-- Localities' process, vision, action plan and their history.
ALTER TABLE localities ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE locality_contacts (
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	user_id     INTEGER NOT NULL REFERENCES users (id),
	position    INTEGER NOT NULL,
	PRIMARY KEY (locality_id, user_id)
);

CREATE TABLE phase_changes (
	id          INTEGER PRIMARY KEY,
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	phase       TEXT NOT NULL,
	on_date     DATE NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	actor_id    INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX phase_changes_locality ON phase_changes (locality_id, on_date);

CREATE TABLE visions (
	locality_id   INTEGER PRIMARY KEY REFERENCES localities (id),
	title         TEXT NOT NULL,
	body          TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL,
	decided_on    DATE,
	decided_by    TEXT NOT NULL DEFAULT '',
	decision_ref  TEXT NOT NULL DEFAULT '',
	version       INTEGER NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE plans (
	locality_id   INTEGER PRIMARY KEY REFERENCES localities (id),
	status        TEXT NOT NULL,
	decided_on    DATE,
	decided_by    TEXT NOT NULL DEFAULT '',
	decision_ref  TEXT NOT NULL DEFAULT '',
	next_review   DATE,
	version       INTEGER NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE themes (
	id          INTEGER PRIMARY KEY,
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	position    INTEGER NOT NULL,
	version     INTEGER NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX themes_locality ON themes (locality_id, position);

CREATE TABLE actions (
	id                     INTEGER PRIMARY KEY,
	locality_id            INTEGER NOT NULL REFERENCES localities (id),
	theme_id               INTEGER NOT NULL REFERENCES themes (id),
	parent_id              INTEGER REFERENCES actions (id),
	title                  TEXT NOT NULL,
	description            TEXT NOT NULL DEFAULT '',
	responsible_kind       TEXT NOT NULL DEFAULT '',
	responsible_name       TEXT NOT NULL DEFAULT '',
	responsible_department TEXT NOT NULL DEFAULT '',
	priority               TEXT NOT NULL DEFAULT '',
	start_on               DATE,
	end_on                 DATE,
	status                 TEXT NOT NULL,
	progress               INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	weight                 REAL NOT NULL DEFAULT 0,
	position               INTEGER NOT NULL,
	version                INTEGER NOT NULL,
	created_at             TIMESTAMP NOT NULL,
	updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX actions_locality ON actions (locality_id, theme_id, position);
CREATE INDEX actions_parent ON actions (parent_id);

CREATE TABLE action_updates (
	id          INTEGER PRIMARY KEY,
	action_id   INTEGER NOT NULL REFERENCES actions (id),
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	on_date     DATE NOT NULL,
	text        TEXT NOT NULL,
	actor_id    INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX action_updates_locality ON action_updates (locality_id, action_id);

CREATE TABLE revisions (
	id          INTEGER PRIMARY KEY,
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	kind        TEXT NOT NULL,
	entity_id   INTEGER NOT NULL,
	action      TEXT NOT NULL,
	title       TEXT NOT NULL DEFAULT '',
	body        TEXT,
	changes     TEXT NOT NULL DEFAULT '[]',
	draft       BOOLEAN NOT NULL DEFAULT 0,
	actor_id    INTEGER REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX revisions_locality ON revisions (locality_id, created_at);

-- Revisions are immutable records.
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END;
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END;
