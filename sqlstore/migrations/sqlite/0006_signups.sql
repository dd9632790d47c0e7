-- "Vill du vara med?" sign-ups, their handling, and the runs of periodic jobs.
CREATE TABLE signups (
	id          INTEGER PRIMARY KEY,
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	name        TEXT NOT NULL,
	email       TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	interests   TEXT NOT NULL DEFAULT '[]',
	age_group   TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	show_name   BOOLEAN NOT NULL DEFAULT 0,
	lang        TEXT NOT NULL DEFAULT 'sv',
	status      TEXT NOT NULL,
	handler_id  INTEGER REFERENCES users (id),
	notes       TEXT NOT NULL DEFAULT '',
	group_id    INTEGER REFERENCES working_groups (id),
	anonymised  BOOLEAN NOT NULL DEFAULT 0,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX signups_locality ON signups (locality_id, status, created_at);
CREATE INDEX signups_status ON signups (status, created_at);

CREATE TABLE job_runs (
	name    TEXT PRIMARY KEY,
	last_at TIMESTAMP NOT NULL
);
