-- Indexes for lists that read the newest rows of all localities: the home
-- page's latest changes (revisions by time, newest first).
CREATE INDEX revisions_created ON revisions (created_at, id);
