-- Placeholder for the search migration of issue 6 (another branch owns 0009):
-- drop this file when that branch is merged.
SELECT 1;
