-- Resident accounts (one-time links, no passwords), ideas, supports,
-- comments, reports and the moderation log.
CREATE TABLE residents (
	id          INTEGER PRIMARY KEY,
	email       TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	locality_id INTEGER REFERENCES localities (id),
	lang        TEXT NOT NULL DEFAULT 'sv',
	created_at  TIMESTAMP NOT NULL
);

CREATE TABLE resident_tokens (
	token_hash  TEXT PRIMARY KEY,
	email       TEXT NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	locality_id INTEGER REFERENCES localities (id),
	lang        TEXT NOT NULL DEFAULT 'sv',
	expires_at  TIMESTAMP NOT NULL,
	used_at     TIMESTAMP
);

CREATE TABLE resident_sessions (
	token_hash  TEXT PRIMARY KEY,
	resident_id INTEGER NOT NULL REFERENCES residents (id),
	created_at  TIMESTAMP NOT NULL,
	expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX resident_sessions_resident ON resident_sessions (resident_id);

CREATE TABLE ideas (
	id            INTEGER PRIMARY KEY,
	locality_id   INTEGER NOT NULL REFERENCES localities (id),
	resident_id   INTEGER REFERENCES residents (id),
	author_name   TEXT NOT NULL DEFAULT '',
	title         TEXT NOT NULL,
	body          TEXT NOT NULL,
	theme_id      INTEGER REFERENCES themes (id),
	photo         TEXT NOT NULL DEFAULT '[]',
	photo_alt     TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL,
	answer        TEXT NOT NULL DEFAULT '',
	answered_by   INTEGER REFERENCES users (id),
	answered_at   TIMESTAMP,
	action_id     INTEGER REFERENCES actions (id),
	supports      INTEGER NOT NULL DEFAULT 0,
	comments      INTEGER NOT NULL DEFAULT 0,
	hidden_reason TEXT NOT NULL DEFAULT '',
	hidden_at     TIMESTAMP,
	flagged_at    TIMESTAMP,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX ideas_locality ON ideas (locality_id, created_at);
CREATE INDEX ideas_supports ON ideas (locality_id, supports);

CREATE TABLE idea_supports (
	idea_id     INTEGER NOT NULL REFERENCES ideas (id),
	resident_id INTEGER NOT NULL REFERENCES residents (id),
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (idea_id, resident_id)
);

CREATE TABLE idea_comments (
	id            INTEGER PRIMARY KEY,
	idea_id       INTEGER NOT NULL REFERENCES ideas (id),
	parent_id     INTEGER REFERENCES idea_comments (id),
	resident_id   INTEGER REFERENCES residents (id),
	author_name   TEXT NOT NULL DEFAULT '',
	body          TEXT NOT NULL,
	hidden_reason TEXT NOT NULL DEFAULT '',
	hidden_at     TIMESTAMP,
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX idea_comments_idea ON idea_comments (idea_id, created_at);

CREATE TABLE content_reports (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL,
	target_id  INTEGER NOT NULL,
	reason     TEXT NOT NULL,
	handled    BOOLEAN NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE moderation_log (
	id        INTEGER PRIMARY KEY,
	kind      TEXT NOT NULL,
	target_id INTEGER NOT NULL,
	action    TEXT NOT NULL,
	reason    TEXT NOT NULL,
	actor_id  INTEGER REFERENCES users (id),
	at        TIMESTAMP NOT NULL
);
