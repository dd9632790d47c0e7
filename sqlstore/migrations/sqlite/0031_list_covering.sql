-- Indexes that hold all a list shows, so a page of a list is read from the
-- index alone, not from rows spread over the whole table (on the load
-- test's data a page of 25 ideas read some 25 table pages of its own).
--
-- Every list of meetings (the calendar, a locality's meetings, the API)
-- shows each meeting's confirmed places taken and its waiting list, summed
-- from its registrations: this index holds just what the two sums read.
CREATE INDEX registrations_counted ON registrations (meeting_id, waitlisted, people)
	WHERE cancelled_at IS NULL AND confirmed_at IS NOT NULL;
-- A locality's ideas, the newest first and by support (web: /orter/SLUG/ideer,
-- the API): in the order of migrations 0024 and 0030, with the list's columns.
DROP INDEX ideas_locality;
CREATE INDEX ideas_locality ON ideas (locality_id, created_at, id, title, status, supports, comments, hidden_at, updated_at);
DROP INDEX ideas_supports;
CREATE INDEX ideas_supports ON ideas (locality_id, supports, id, title, status, comments, hidden_at, created_at, updated_at);
-- New indexes have no statistics where the database has them (a database
-- loaded in bulk is analysed, sqlstore/bulk.go), and SQLite would then judge
-- them blind; the ideas' and registrations' are gathered again.
ANALYZE ideas;
ANALYZE registrations;
