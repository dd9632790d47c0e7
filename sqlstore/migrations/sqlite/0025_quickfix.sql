-- Quickfix grants: applications from residents (for themselves, an
-- association or a working group), staff's decisions, the reports and the
-- payments. public is kept by the store (granted, reported or paid) so the
-- public lists walk an index. Each step is a row in quickfix_events, with
-- who took it. The yearly budgets (the municipality's with locality_id
-- NULL, a locality's share with its id) keep what was granted from them;
-- the CHECK keeps it from ever going below zero, and the store takes the
-- budget row first (the write transaction on SQLite) before it grants.
CREATE TABLE quickfixes (
	id           INTEGER PRIMARY KEY,
	locality_id  INTEGER NOT NULL REFERENCES localities (id),
	resident_id  INTEGER REFERENCES residents (id),
	kind         TEXT NOT NULL,
	organisation TEXT NOT NULL DEFAULT '',
	title        TEXT NOT NULL,
	place        TEXT NOT NULL,
	description  TEXT NOT NULL,
	cost         INTEGER NOT NULL,
	own_effort   TEXT NOT NULL,
	status       TEXT NOT NULL,
	public       BOOLEAN NOT NULL DEFAULT 0,
	amount       INTEGER NOT NULL DEFAULT 0,
	budget_year  INTEGER,
	reason       TEXT NOT NULL DEFAULT '',
	decided_by   INTEGER REFERENCES users (id),
	decided_at   TIMESTAMP,
	report       TEXT NOT NULL DEFAULT '',
	reported_at  TIMESTAMP,
	paid_on      DATE,
	paid_amount  INTEGER NOT NULL DEFAULT 0,
	paid_by      INTEGER REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX quickfixes_public ON quickfixes (public, id);
CREATE INDEX quickfixes_locality ON quickfixes (locality_id, public, id);
CREATE INDEX quickfixes_status ON quickfixes (status, locality_id, id);
CREATE INDEX quickfixes_resident ON quickfixes (resident_id, id);
CREATE INDEX quickfixes_decided ON quickfixes (decided_at);

CREATE TABLE quickfix_photos (
	id          INTEGER PRIMARY KEY,
	quickfix_id INTEGER NOT NULL REFERENCES quickfixes (id),
	report      BOOLEAN NOT NULL DEFAULT 0,
	alt         TEXT NOT NULL,
	variants    TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX quickfix_photos_quickfix ON quickfix_photos (quickfix_id, id);

CREATE TABLE quickfix_events (
	id          INTEGER PRIMARY KEY,
	quickfix_id INTEGER NOT NULL REFERENCES quickfixes (id),
	status      TEXT NOT NULL,
	actor_id    INTEGER REFERENCES users (id),
	amount      INTEGER NOT NULL DEFAULT 0,
	body        TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX quickfix_events_quickfix ON quickfix_events (quickfix_id, id);

CREATE TABLE quickfix_budgets (
	id          INTEGER PRIMARY KEY,
	year        INTEGER NOT NULL,
	locality_id INTEGER REFERENCES localities (id),
	amount      INTEGER NOT NULL,
	granted     INTEGER NOT NULL DEFAULT 0,
	updated_at  TIMESTAMP NOT NULL,
	CHECK (granted >= 0 AND granted <= amount)
);
CREATE UNIQUE INDEX quickfix_budgets_scope ON quickfix_budgets (year, COALESCE(locality_id, 0));

-- Every table is on public pages: the page counter (see 0023).
CREATE TRIGGER quickfix_budgets_a_page_insert AFTER INSERT ON quickfix_budgets BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_budgets_a_page_update AFTER UPDATE ON quickfix_budgets BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_budgets_a_page_delete AFTER DELETE ON quickfix_budgets BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_events_a_page_insert AFTER INSERT ON quickfix_events BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_events_a_page_update AFTER UPDATE ON quickfix_events BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_events_a_page_delete AFTER DELETE ON quickfix_events BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_photos_a_page_insert AFTER INSERT ON quickfix_photos BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_photos_a_page_update AFTER UPDATE ON quickfix_photos BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfix_photos_a_page_delete AFTER DELETE ON quickfix_photos BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfixes_a_page_insert AFTER INSERT ON quickfixes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfixes_a_page_update AFTER UPDATE ON quickfixes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER quickfixes_a_page_delete AFTER DELETE ON quickfixes BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;

-- The effects dashboard counts granted quickfixes: the change counters (see 0011).
CREATE TRIGGER quickfixes_count_insert AFTER INSERT ON quickfixes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER quickfixes_count_update AFTER UPDATE ON quickfixes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT NEW.locality_id, 1 WHERE NEW.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER quickfixes_count_delete AFTER DELETE ON quickfixes BEGIN
	INSERT INTO change_counters (scope, version) VALUES (0, 1) ON CONFLICT (scope) DO UPDATE SET version = version + 1;
	INSERT INTO change_counters (scope, version) SELECT OLD.locality_id, 1 WHERE OLD.locality_id IS NOT NULL ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;
