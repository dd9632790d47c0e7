-- Deleting a resident's account also anonymises the sign-ups and meeting
-- registrations made with its e-mail address: both are found by address.
-- A resident's own ideas and comments are listed on /mina-uppgifter, and
-- renamed with the resident: both are found by resident.
CREATE INDEX signups_email ON signups (email);
CREATE INDEX registrations_email ON registrations (email);
CREATE INDEX ideas_resident ON ideas (resident_id, created_at);
CREATE INDEX idea_comments_resident ON idea_comments (resident_id, created_at);
