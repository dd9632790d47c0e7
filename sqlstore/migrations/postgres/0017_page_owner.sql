-- The page owner (sidansvarig) is chosen by hand among a locality's contact
-- people instead of being whoever comes first. Until now the first contact
-- was shown as page owner, so that one becomes it.
ALTER TABLE locality_contacts ADD COLUMN page_owner BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE locality_contacts SET page_owner = TRUE WHERE position = 0;
-- At most one page owner per locality.
CREATE UNIQUE INDEX locality_contacts_owner ON locality_contacts (locality_id) WHERE page_owner;

-- The contacts are shown on the locality's pages: a change moves the
-- locality's change counter and the site's, as the other tables do (0011).
CREATE FUNCTION locality_contacts_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n));
	RETURN NULL;
END $$;
CREATE TRIGGER locality_contacts_count_insert AFTER INSERT ON locality_contacts REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION locality_contacts_count_insert();
CREATE FUNCTION locality_contacts_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT n.locality_id FROM new_rows n UNION SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER locality_contacts_count_update AFTER UPDATE ON locality_contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION locality_contacts_count_update();
CREATE FUNCTION locality_contacts_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM bump_counters(ARRAY(SELECT o.locality_id FROM old_rows o));
	RETURN NULL;
END $$;
CREATE TRIGGER locality_contacts_count_delete AFTER DELETE ON locality_contacts REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION locality_contacts_count_delete();
