-- A locality's idea list is shown a page at a time (web: /orter/SLUG/ideer),
-- in each of its orders from an index that holds that order, so a page
-- reads its own rows only (TestListQueriesUseIndexes): the newest first (ties
-- by id), and by status, newest first within each. (By support it walks
-- ideas_supports, of migration 0024.)
DROP INDEX ideas_locality;
CREATE INDEX ideas_locality ON ideas (locality_id, created_at, id);
CREATE INDEX ideas_locality_status ON ideas (locality_id, status, created_at DESC, id DESC);
