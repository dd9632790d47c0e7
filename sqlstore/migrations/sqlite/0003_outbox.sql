-- The e-mail outbox: messages are written here in the transaction that causes
-- them and sent by the mail worker, which leases them with claimed_until.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	to_addr         TEXT NOT NULL,
	to_name         TEXT NOT NULL DEFAULT '',
	subject         TEXT NOT NULL,
	text_body       TEXT NOT NULL,
	html_body       TEXT NOT NULL DEFAULT '',
	lang            TEXT NOT NULL DEFAULT 'sv',
	headers         TEXT NOT NULL DEFAULT '{}',
	status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TIMESTAMP NOT NULL,
	claimed_until   TIMESTAMP,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      TIMESTAMP NOT NULL,
	sent_at         TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
