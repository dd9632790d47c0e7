-- Staff accounts, sessions, login throttling, localities and the audit log.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'official', 'groupleader')),
	department    TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	active        BOOLEAN NOT NULL DEFAULT 1,
	lang          TEXT NOT NULL DEFAULT 'sv',
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE localities (
	id          INTEGER PRIMARY KEY,
	slug        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	inhabitants INTEGER,
	lat         REAL,
	lon         REAL,
	phase       TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE user_localities (
	user_id     INTEGER NOT NULL REFERENCES users (id),
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	PRIMARY KEY (user_id, locality_id)
);
CREATE INDEX user_localities_locality ON user_localities (locality_id);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_throttle (
	email        TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	locked_until TIMESTAMP,
	updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY,
	at         TIMESTAMP NOT NULL,
	actor_id   INTEGER REFERENCES users (id),
	action     TEXT NOT NULL,
	subject    TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
