-- Staff who sign in through the municipality's identity provider (OpenID
-- Connect) are linked to their account by the provider's sub claim. NULLs
-- do not collide in a unique index, on either engine.
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc_subject ON users (oidc_subject);
