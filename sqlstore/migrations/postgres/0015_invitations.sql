-- Invitations: an admin invites a person by e-mail, and the person chooses
-- a password from a link that works once and for 72 hours. The link is a
-- row of password_resets like a reset link, told apart by its purpose
-- ('reset' or 'invite'). An invited account has an empty password_hash
-- until the link is used: no password logs in to it.
ALTER TABLE password_resets ADD COLUMN purpose TEXT NOT NULL DEFAULT 'reset';
