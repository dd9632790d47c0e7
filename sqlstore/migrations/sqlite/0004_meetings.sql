-- Working groups, organisations, meetings, registrations and their files.
CREATE TABLE organisations (
	id          INTEGER PRIMARY KEY,
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	website     TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX organisations_locality ON organisations (locality_id, name);

CREATE TABLE working_groups (
	id              INTEGER PRIMARY KEY,
	locality_id     INTEGER NOT NULL REFERENCES localities (id),
	slug            TEXT NOT NULL,
	name            TEXT NOT NULL,
	kind            TEXT NOT NULL,
	theme           TEXT NOT NULL DEFAULT '',
	description     TEXT NOT NULL DEFAULT '',
	contact_user_id INTEGER REFERENCES users (id),
	open            BOOLEAN NOT NULL DEFAULT 1,
	version         INTEGER NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	updated_at      TIMESTAMP NOT NULL,
	UNIQUE (locality_id, slug)
);

CREATE TABLE group_members (
	id        INTEGER PRIMARY KEY,
	group_id  INTEGER NOT NULL REFERENCES working_groups (id),
	name      TEXT NOT NULL,
	email     TEXT NOT NULL DEFAULT '',
	phone     TEXT NOT NULL DEFAULT '',
	show_name BOOLEAN NOT NULL DEFAULT 0,
	joined_at TIMESTAMP NOT NULL
);
CREATE INDEX group_members_group ON group_members (group_id);

CREATE TABLE group_organisations (
	group_id        INTEGER NOT NULL REFERENCES working_groups (id),
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	PRIMARY KEY (group_id, organisation_id)
);

CREATE TABLE action_organisations (
	action_id       INTEGER NOT NULL REFERENCES actions (id),
	organisation_id INTEGER NOT NULL REFERENCES organisations (id),
	PRIMARY KEY (action_id, organisation_id)
);

CREATE TABLE meetings (
	id                 INTEGER PRIMARY KEY,
	locality_id        INTEGER NOT NULL REFERENCES localities (id),
	group_id           INTEGER REFERENCES working_groups (id),
	kind               TEXT NOT NULL,
	title              TEXT NOT NULL,
	starts_at          TIMESTAMP NOT NULL,
	ends_at            TIMESTAMP,
	place_name         TEXT NOT NULL DEFAULT '',
	place_address      TEXT NOT NULL DEFAULT '',
	accessibility      TEXT NOT NULL DEFAULT '',
	agenda             TEXT NOT NULL DEFAULT '',
	state              TEXT NOT NULL,
	cancel_reason      TEXT NOT NULL DEFAULT '',
	registration       BOOLEAN NOT NULL DEFAULT 0,
	capacity           INTEGER NOT NULL DEFAULT 0,
	report             TEXT NOT NULL DEFAULT '',
	report_published   TIMESTAMP,
	participants       INTEGER NOT NULL DEFAULT 0,
	version            INTEGER NOT NULL,
	created_at         TIMESTAMP NOT NULL,
	updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX meetings_locality ON meetings (locality_id, starts_at);
CREATE INDEX meetings_starts ON meetings (starts_at);
CREATE INDEX meetings_group ON meetings (group_id, starts_at);

CREATE TABLE registrations (
	id           INTEGER PRIMARY KEY,
	meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
	name         TEXT NOT NULL,
	email        TEXT NOT NULL,
	people       INTEGER NOT NULL,
	needs        TEXT NOT NULL DEFAULT '',
	lang         TEXT NOT NULL DEFAULT 'sv',
	token_hash   TEXT NOT NULL UNIQUE,
	waitlisted   BOOLEAN NOT NULL DEFAULT 0,
	cancelled_at TIMESTAMP,
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX registrations_meeting ON registrations (meeting_id, created_at);

CREATE TABLE meeting_files (
	id           INTEGER PRIMARY KEY,
	meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
	kind         TEXT NOT NULL,
	file_key     TEXT NOT NULL,
	title        TEXT NOT NULL DEFAULT '',
	alt          TEXT NOT NULL DEFAULT '',
	width        INTEGER NOT NULL DEFAULT 0,
	height       INTEGER NOT NULL DEFAULT 0,
	size         INTEGER NOT NULL DEFAULT 0,
	variants     TEXT NOT NULL DEFAULT '[]',
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX meeting_files_meeting ON meeting_files (meeting_id, kind);
