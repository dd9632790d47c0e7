-- Placeholder for version 0025, which another branch holds: when merging,
-- delete this file and keep that branch's 0025.
SELECT 1;
