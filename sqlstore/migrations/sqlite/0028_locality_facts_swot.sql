-- Facts about a locality (figures over time, each with its year and source),
-- its history as a free text, and its SWOT with each point's source: a
-- meeting of the locality or a free text (issue 17). Every change writes a
-- revision in the same transaction, which moves the locality's change
-- counter; the page counter moves with the triggers below.

CREATE TABLE locality_facts (
	id          INTEGER PRIMARY KEY,
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	measure     TEXT NOT NULL,
	label       TEXT NOT NULL DEFAULT '',
	year        INTEGER NOT NULL,
	value       REAL NOT NULL,
	source      TEXT NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (locality_id, measure, label, year)
);
CREATE INDEX locality_facts_page ON locality_facts (locality_id, id);

CREATE TABLE locality_histories (
	locality_id INTEGER PRIMARY KEY REFERENCES localities (id),
	body        TEXT NOT NULL DEFAULT '',
	version     INTEGER NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE swot_items (
	id          INTEGER PRIMARY KEY,
	locality_id INTEGER NOT NULL REFERENCES localities (id),
	kind        TEXT NOT NULL,
	body        TEXT NOT NULL,
	meeting_id  INTEGER REFERENCES meetings (id),
	source      TEXT NOT NULL DEFAULT '',
	position    INTEGER NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX swot_items_locality ON swot_items (locality_id, kind, position, id);
CREATE INDEX swot_items_page ON swot_items (locality_id, id);
CREATE INDEX swot_items_all ON swot_items (id, locality_id);
CREATE INDEX swot_items_meeting ON swot_items (meeting_id);

CREATE TRIGGER locality_facts_a_page_insert AFTER INSERT ON locality_facts BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_facts_a_page_update AFTER UPDATE ON locality_facts BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_facts_a_page_delete AFTER DELETE ON locality_facts BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_histories_a_page_insert AFTER INSERT ON locality_histories BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_histories_a_page_update AFTER UPDATE ON locality_histories BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER locality_histories_a_page_delete AFTER DELETE ON locality_histories BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER swot_items_a_page_insert AFTER INSERT ON swot_items BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER swot_items_a_page_update AFTER UPDATE ON swot_items BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
CREATE TRIGGER swot_items_a_page_delete AFTER DELETE ON swot_items BEGIN
	UPDATE change_counters SET version = version + 1 WHERE scope = -1;
END;
