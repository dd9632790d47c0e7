-- Where an action of the plan or an idea is meant to happen: a point
-- (WGS 84 degrees) and an address or description, both optional
-- (ortsplan.Place). The locality's map page lists the ones with a point, so
-- each table has an index over its locality's placed rows.
ALTER TABLE actions ADD COLUMN place_lat REAL;
ALTER TABLE actions ADD COLUMN place_lon REAL;
ALTER TABLE actions ADD COLUMN place_address TEXT NOT NULL DEFAULT '';
ALTER TABLE ideas ADD COLUMN place_lat REAL;
ALTER TABLE ideas ADD COLUMN place_lon REAL;
ALTER TABLE ideas ADD COLUMN place_address TEXT NOT NULL DEFAULT '';
CREATE INDEX ideas_placed ON ideas (locality_id, id) WHERE place_lat IS NOT NULL;
