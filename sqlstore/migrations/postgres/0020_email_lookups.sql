-- Deleting a resident's account also anonymises the sign-ups and meeting
-- registrations made with its e-mail address: both are found by address.
CREATE INDEX signups_email ON signups (email);
CREATE INDEX registrations_email ON registrations (email);
