-- Residents following localities, and the notifications waiting to be sent.
ALTER TABLE residents ADD COLUMN deleted_at TIMESTAMP;

CREATE TABLE follows (
	resident_id INTEGER NOT NULL REFERENCES residents (id),
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	mode        TEXT NOT NULL,
	token       TEXT NOT NULL UNIQUE,
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (resident_id, locality_id)
);
CREATE INDEX follows_locality ON follows (locality_id);

CREATE TABLE notifications (
	id          INTEGER PRIMARY KEY,
	resident_id INTEGER NOT NULL REFERENCES residents (id),
	locality_id INTEGER REFERENCES localities (id),
	kind        TEXT NOT NULL,
	immediate   BOOLEAN NOT NULL,
	title       TEXT NOT NULL,
	link        TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	sent_at     TIMESTAMP
);
CREATE INDEX notifications_pending ON notifications (sent_at, resident_id);
