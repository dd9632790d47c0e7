-- Messages that staff write to a group's members, a meeting's registrants or
-- a locality's followers. Each is kept here; its copies go through the outbox,
-- one per recipient, queued in the same transaction. The nonce is drawn when
-- the form is opened: a second send of the same form finds it and queues nothing.
CREATE TABLE staff_messages (
	id             INTEGER PRIMARY KEY,
	locality_id    INTEGER NOT NULL REFERENCES localities (id),
	audience       TEXT NOT NULL,
	target_id      INTEGER,
	waitlist       BOOLEAN NOT NULL DEFAULT 0,
	audience_name  TEXT NOT NULL,
	subject        TEXT NOT NULL,
	body           TEXT NOT NULL,
	sender_id      INTEGER REFERENCES users (id),
	recipients     INTEGER NOT NULL,
	nonce          TEXT NOT NULL UNIQUE,
	created_at     TIMESTAMP NOT NULL
);
CREATE INDEX staff_messages_locality ON staff_messages (locality_id, created_at);
