-- The page owner (sidansvarig) is chosen by hand among a locality's contact
-- people instead of being whoever comes first. Until now the first contact
-- was shown as page owner, so that one becomes it.
ALTER TABLE locality_contacts ADD COLUMN page_owner BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE locality_contacts SET page_owner = TRUE WHERE position = 0;
-- At most one page owner per locality.
CREATE UNIQUE INDEX locality_contacts_owner ON locality_contacts (locality_id) WHERE page_owner;

-- The contacts are shown on the locality's pages: a change moves the
-- locality's change counter and the site's, as the other tables do (0011).
CREATE TRIGGER locality_contacts_count_insert AFTER INSERT ON locality_contacts BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) VALUES (NEW.locality_id, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER locality_contacts_count_update AFTER UPDATE ON locality_contacts BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) VALUES (NEW.locality_id, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) VALUES (OLD.locality_id, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER locality_contacts_count_delete AFTER DELETE ON locality_contacts BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) VALUES (OLD.locality_id, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
