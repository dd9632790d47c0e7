-- How a staff session was started: password, oidc (the municipality's
-- identity provider) or break-glass (the one admin allowed a password when
-- password login is off). The account page shows it, and logout ends the
-- provider's session only for oidc.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';

-- A resident session verified through the eID broker carries the person's
-- key: an HMAC-SHA256 of the personal identity number (or of the broker's
-- subject when it sends none) under a secret key. The number itself is
-- never stored.
ALTER TABLE resident_sessions ADD COLUMN person_key TEXT;

-- A verified support keeps the person's key, so one person supports an
-- idea once whatever resident account they use. NULLs (supports through an
-- e-mail login) do not collide in a unique index, on either engine.
ALTER TABLE idea_supports ADD COLUMN person_key TEXT;
CREATE UNIQUE INDEX idea_supports_person ON idea_supports (idea_id, person_key);
ALTER TABLE ideas ADD COLUMN verified_supports INTEGER NOT NULL DEFAULT 0;
