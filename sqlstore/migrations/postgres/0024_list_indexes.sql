-- Indexes in the order the public lists show their rows, so each list walks
-- its index and stops at the page's end instead of reading and sorting
-- (TestListQueriesUseIndexes): the home page's latest changes (revisions by
-- time), a locality's newest ideas and its ideas by support (ties newest
-- first), and the calendar and a locality's meetings (ties by id).
CREATE INDEX revisions_created ON revisions (created_at, id);
DROP INDEX revisions_locality;
CREATE INDEX revisions_locality ON revisions (locality_id, created_at, id);
CREATE INDEX ideas_locality_newest ON ideas (locality_id, id);
DROP INDEX ideas_supports;
CREATE INDEX ideas_supports ON ideas (locality_id, supports, id);
DROP INDEX meetings_starts;
CREATE INDEX meetings_starts ON meetings (starts_at, id);
DROP INDEX meetings_locality;
CREATE INDEX meetings_locality ON meetings (locality_id, starts_at, id);
