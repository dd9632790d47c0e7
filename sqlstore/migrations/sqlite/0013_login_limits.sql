-- Login limits per client address and per account instead of per e-mail
-- alone, and one-time links to choose a new staff password.
--
-- login_throttle counts failed logins in three kinds of rows: per account and
-- address, per address (account '') and per account (addr ''). Both keys are
-- SHA-256 hashes (of the normalised e-mail typed and of the client address),
-- so the table holds no readable e-mail address or typed text. A row is
-- forgotten at expires_at, an hour after its latest failure, and expired rows
-- are deleted as failures are recorded. The old counts per e-mail are
-- dropped: they only ever slowed logins down.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
	account    TEXT NOT NULL,
	addr       TEXT NOT NULL,
	failures   INTEGER NOT NULL,
	last_at    TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	PRIMARY KEY (account, addr)
);
CREATE INDEX login_throttle_expires ON login_throttle (expires_at);

-- A reset link is kept as a hash of its token, works until expires_at and
-- once (used_at). Expired links are deleted as new ones are asked for.
CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	used_at    TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);
