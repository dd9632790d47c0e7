-- A registration for a meeting holds no place until the registrant confirms
-- it through the e-mailed link, by confirm_by; until then it is not counted
-- anywhere, and once past confirm_by it has expired. Registrations made
-- before this migration held their places at once: they count as confirmed
-- when they were made.
--
-- Tokens move to registration_tokens, each stored as a hash: a registration
-- may have several (the first, and a fresh one each time the same address
-- registers again and is e-mailed its cancel link), and every one of them
-- confirms and cancels it.

ALTER TABLE registrations ADD COLUMN confirmed_at TIMESTAMPTZ, ADD COLUMN confirm_by TIMESTAMPTZ;
UPDATE registrations SET confirmed_at = created_at, confirm_by = created_at;
ALTER TABLE registrations ALTER COLUMN confirm_by SET NOT NULL;
CREATE INDEX registrations_unconfirmed ON registrations (confirm_by) WHERE confirmed_at IS NULL;

CREATE TABLE registration_tokens (
	token_hash      TEXT PRIMARY KEY,
	registration_id BIGINT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX registration_tokens_registration ON registration_tokens (registration_id, created_at);
INSERT INTO registration_tokens (token_hash, registration_id, created_at)
SELECT token_hash, id, created_at FROM registrations;
ALTER TABLE registrations DROP COLUMN token_hash;
